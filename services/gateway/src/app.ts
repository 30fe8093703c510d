import cors from '@fastify/cors'
import { buildApp, registerAuth } from '@expenses/platform'
import type { Logger, PlatformApp } from '@expenses/platform'
import type { GatewayConfig } from './config.js'
import { gatewayPlugin } from './gateway.js'
import { createGatewayMetrics } from './metrics.js'
import { registerDocsUi } from './docs-ui.js'
import { OpenApiAggregator } from './openapi.js'
import { Forwarder } from './proxy.js'
import { loadRouteTable, resolveRoutesFile, serviceUrlsEnvVar } from './route-table.js'
import type { RouteTable } from './route-table.js'
import { registerSecurityHeaders } from './security-headers.js'
import { createUpstreamPools } from './upstreams.js'
import { registerWebApp } from './web-app.js'
import type { UpstreamPool } from './upstreams.js'

export const GATEWAY_VERSION = '0.1.0'

export interface GatewayOptions {
  /** Where <SERVICE>_URLS are read from. Default process.env. */
  env?: Record<string, string | undefined>
  logger?: Logger
}

export interface Gateway {
  app: PlatformApp
  table: RouteTable
  pools: Map<string, UpstreamPool>
}

/**
 * Builds the gateway app (not listening). Throws a one-line error for a bad route table or
 * a bad <SERVICE>_URLS value, so a misconfigured gateway never starts.
 */
export async function buildGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const table = loadRouteTable(resolveRoutesFile(config.ROUTES_FILE))
  const env = options.env ?? process.env
  if (config.CLIENT_HEADERS_TIMEOUT_MS > config.CLIENT_REQUEST_TIMEOUT_MS) {
    throw new Error(
      `CLIENT_HEADERS_TIMEOUT_MS (${config.CLIENT_HEADERS_TIMEOUT_MS}) must not exceed CLIENT_REQUEST_TIMEOUT_MS (${config.CLIENT_REQUEST_TIMEOUT_MS}): the head is part of the request`,
    )
  }
  if (config.WEB_ROOT && table.web && env[serviceUrlsEnvVar(table.web.service)]) {
    throw new Error(`set WEB_ROOT (serve the web app's files) or ${serviceUrlsEnvVar(table.web.service)} (proxy to its instances), not both`)
  }
  const pools = createUpstreamPools(table, env, { cooldownMs: config.UPSTREAM_COOLDOWN_MS })

  const app = await buildApp({
    service: 'gateway',
    version: GATEWAY_VERSION,
    title: 'Expenses API gateway',
    logLevel: config.LOG_LEVEL,
    ...(options.logger ? { logger: options.logger } : {}),
    trustProxy: config.TRUST_PROXY,
    clientLimits: {
      headersTimeoutMs: config.CLIENT_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.CLIENT_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.CLIENT_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: config.CLIENT_IDLE_TIMEOUT_MS,
      maxHeaderBytes: config.MAX_HEADER_BYTES,
    },
    // GET /openapi.json is the merged document of all services, served below.
    serveOpenApi: false,
    // The table is loaded and validated before the app exists (a bad one stops startup), so this
    // check only reports it. Upstream health is deliberately NOT a readiness check: one service
    // being down must not take the whole gateway out of rotation (see gateway_upstream_healthy).
    readinessChecks: { routeTable: () => undefined },
  })

  const metrics = createGatewayMetrics(app.metrics.registry, pools)
  const forwarder = new Forwarder(
    {
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      trustProxy: config.TRUST_PROXY,
      retryAfterSeconds: Math.max(1, Math.ceil(config.UPSTREAM_COOLDOWN_MS / 1000)),
    },
    metrics.observeAttempt,
  )
  app.addHook('onClose', () => forwarder.close())
  const openapi = new OpenApiAggregator({
    table,
    pools,
    timeoutMs: Math.min(config.UPSTREAM_TIMEOUT_MS, 3_000),
    cacheMs: config.OPENAPI_CACHE_MS,
    info: {
      title: 'Expenses API',
      version: GATEWAY_VERSION,
      description: 'All public endpoints, merged from each service’s own OpenAPI document by the gateway.',
    },
  })

  registerSecurityHeaders(app)
  await app.register(cors, corsOptions(config))
  serveMergedOpenApi(app, openapi)
  await registerDocsUi(app, openapi)
  if (config.WEB_ROOT) await registerWebApp(app, config.WEB_ROOT)
  await registerAuth(app, { jwksUrl: config.AUTH_JWKS_URL }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(gatewayPlugin, {
    table,
    pools,
    forwarder,
    metrics,
    authenticate: app.authenticate,
    rateLimitMultiplier: config.RATE_LIMIT_MULTIPLIER,
  })
  return { app, table, pools }
}

/** GET /openapi.json: the OpenAPI documents of all services, merged (HEAD comes with GET in Fastify). */
function serveMergedOpenApi(app: PlatformApp, openapi: OpenApiAggregator): void {
  app.get('/openapi.json', { schema: { hide: true }, config: { metrics: false } }, async () => (await openapi.load()).merged)
}

export function corsOptions(config: Pick<GatewayConfig, 'CORS_ORIGINS' | 'NODE_ENV'>) {
  const origins = config.CORS_ORIGINS ?? (config.NODE_ENV === 'development' ? ['*'] : [])
  return {
    // false: no CORS headers at all, browsers on other origins are refused.
    origin: origins.includes('*') ? '*' : origins.length > 0 ? origins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // Bearer tokens, not cookies: no credentials mode needed.
    credentials: false,
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
    maxAge: 600,
  }
}
