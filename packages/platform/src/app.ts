import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import AjvCompiler from '@fastify/ajv-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { FastifyBaseLogger, FastifyHttpOptions, FastifyInstance, FastifyServerOptions } from 'fastify'
import type { Registry } from 'prom-client'
import type { BaseConfig } from './config.js'
import { clientErrorHandler, errorHandlerPlugin } from './error-handler.js'
import { healthPlugin, type ReadinessChecks } from './health.js'
import { createLogger, type Logger } from './logger.js'
import { createMetricsRegistry, metricsPlugin } from './metrics.js'
import { openApiPlugin } from './openapi.js'
import { genReqId, requestIdPlugin } from './request-id.js'

/** The Fastify instance every service gets: TypeBox-typed routes, platform decorators. */
export type PlatformApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>

export interface AppOptions {
  /** Service name (auth-service, ...): on every log line, the metrics' `service` label, the OpenAPI title. */
  service: string
  /** API version for OpenAPI info.version. Default 0.1.0. */
  version?: string
  /** OpenAPI info.title. Default: the service name. */
  title?: string
  description?: string
  /** Public path prefixes for OpenAPI `servers`, e.g. [{ url: '/expense/v1' }]. */
  servers?: { url: string; description?: string }[]
  /** A ready-made pino logger; otherwise one is created with `logLevel`. */
  logger?: Logger
  logLevel?: string
  /** Serve this app's own OpenAPI document at GET /openapi.json (default true; the gateway serves a merged one). */
  serveOpenApi?: boolean
  /** Maximum request body in bytes. Default 1 MiB. */
  bodyLimit?: number
  /** Checks behind GET /readyz; none (undefined) means ready once listening. */
  readinessChecks?: ReadinessChecks | undefined
  readinessTimeoutMs?: number
  /** Pass one to register service metrics before the app exists; otherwise one is created. */
  metricsRegistry?: Registry
  /** How long clients may take, for an app that faces them directly (the gateway); Node's defaults otherwise. */
  clientLimits?: ClientLimits
  /** Fastify trustProxy, so request.ip is the client's behind the gateway/ingress. Default true (cluster-internal). */
  trustProxy?: FastifyServerOptions['trustProxy']
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024

/**
 * Limits on slow and idle clients (slowloris-style headers or bodies, connections held open doing nothing).
 * A client over one gets a 408 problem (clientErrorHandler) or its socket closed, and nothing else waits on it.
 */
export interface ClientLimits {
  /** The request line and headers must have arrived within this (408 otherwise). */
  readonly headersTimeoutMs: number
  /** The whole request, body included, must have arrived within this (408 otherwise). */
  readonly requestTimeoutMs: number
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number
  /** A socket with no traffic either way is closed after this (a response waiting on an upstream counts as busy only while bytes move). */
  readonly idleTimeoutMs: number
  /** Larger request heads get a 431 problem. */
  readonly maxHeaderBytes: number
}

function clientLimitOptions(limits: ClientLimits | undefined): Partial<FastifyHttpOptions<Server>> {
  if (!limits) return {}
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node checks the two timeouts above on this interval (default 30 s, which would let a slow client
      // keep its socket up to 30 s past its limit).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    },
  }
}

const baseAjvOptions = {
  useDefaults: true,
  // Unknown properties are rejected by schemas with additionalProperties: false, not silently dropped.
  removeAdditional: false,
  // Reporting every error of a big invalid payload costs CPU per request (ajv's DoS note); one is enough.
  allErrors: false,
} as const

/**
 * Two ajv instances: query strings, params and headers arrive as strings and are coerced ("10" -> 10);
 * JSON bodies already have types, so coercion there would accept "10" for a number - a silent contract
 * change. ajv-formats is added by @fastify/ajv-compiler (email, uuid, date-time, uri, ...).
 */
function validatorFactory(): NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'] {
  const factory = AjvCompiler()
  return (externalSchemas, ajvServerOptions) => {
    const plugins = ajvServerOptions?.plugins ?? []
    const coercing = factory(externalSchemas, { customOptions: { ...baseAjvOptions, coerceTypes: 'array' }, plugins })
    const strict = factory(externalSchemas, { customOptions: { ...baseAjvOptions, coerceTypes: false }, plugins })
    return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route))
  }
}

/**
 * The Fastify constructor options, from one place for production and tests (the fastify/demo pattern):
 * request ids, logger, body limit, validation.
 */
export function fastifyServerOptions(options: AppOptions): FastifyHttpOptions<Server> & { loggerInstance: FastifyBaseLogger } {
  const logger = options.logger ?? createLogger({ service: options.service, level: options.logLevel ?? 'info' })
  return {
    loggerInstance: logger,
    genReqId,
    requestIdHeader: false, // genReqId reads and sanity-checks x-request-id itself
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? true,
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
    // In-flight requests finish on close; idle keep-alive sockets are closed so close() does not hang.
    forceCloseConnections: 'idle',
    // While closing, requests already on open keep-alive connections are served (not a bare 503): /readyz
    // is failing by then, and every response carries Connection: close (health.ts), so each socket ends.
    return503OnClosing: false,
    clientErrorHandler,
    ...clientLimitOptions(options.clientLimits),
  }
}

/** Derives AppOptions from the loaded config; the service adds what only it knows. */
export function appOptionsFromConfig(config: Pick<BaseConfig, 'LOG_LEVEL'>, options: Omit<AppOptions, 'logLevel'>): AppOptions {
  return { ...options, logLevel: config.LOG_LEVEL }
}

/**
 * Builds a service app with error handling, request ids, health, metrics and OpenAPI in place.
 * Add routes afterwards (`app.register(routes, { prefix: '/expense/v1' })`), then `runService` or `app.inject`.
 */
export async function buildApp(options: AppOptions): Promise<PlatformApp> {
  // Fastify infers its logger type parameter from the pino instance passed in (pino's Logger), which
  // TypeScript does not see as FastifyBaseLogger although pino implements it; PlatformApp names the one
  // instance type every plugin and route is written against.
  const app = Fastify(fastifyServerOptions(options)).withTypeProvider<TypeBoxTypeProvider>() as unknown as PlatformApp

  await app.register(requestIdPlugin)
  await app.register(errorHandlerPlugin)
  await app.register(openApiPlugin, {
    title: options.title ?? options.service,
    version: options.version ?? '0.1.0',
    ...(options.description ? { description: options.description } : {}),
    ...(options.servers ? { servers: options.servers } : {}),
    serve: options.serveOpenApi ?? true,
  })
  await app.register(metricsPlugin, {
    registry: options.metricsRegistry ?? createMetricsRegistry({ service: options.service }),
  })
  await app.register(healthPlugin, {
    ...(options.readinessChecks ? { checks: options.readinessChecks } : {}),
    ...(options.readinessTimeoutMs ? { checkTimeoutMs: options.readinessTimeoutMs } : {}),
  })
  return app
}
