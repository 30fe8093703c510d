/**
 * The gateway's own behaviour as a Fastify plugin, independent of how the app is built:
 * route matching, per-route rate limits, token verification, body limits and proxying.
 * Order for a proxied request:
 *   match route (404; a GET or HEAD no route claims goes to the web app when WEB_URLS names it)
 *   -> reject dot-segments (400) -> rate limit (429) -> token (401)
 *   -> read body within the route's limit (413) -> forward (503 with Retry-After when no instance answers, 502 when a non-idempotent request's connection broke, 504 on a timeout).
 * Everything before "forward" answers without touching an upstream.
 */
import rateLimit from '@fastify/rate-limit'
import { httpErrors } from '@expenses/platform'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { useRawBodies } from './body.js'
import type { GatewayMetrics } from './metrics.js'
import type { Forwarder } from './proxy.js'
import { matchRoute, WEB_METHODS } from './route-table.js'
import type { Route, RouteTable } from './route-table.js'
import type { UpstreamPool } from './upstreams.js'

export interface GatewayPluginOptions {
  table: RouteTable
  /** Scales every route's per-minute limit (RATE_LIMIT_MULTIPLIER; benchmarks raise it, the route table stays as it is). */
  rateLimitMultiplier?: number
  pools: Map<string, UpstreamPool>
  forwarder: Forwarder
  metrics: GatewayMetrics
  /** Verifies the access token of `auth: required` routes; throws (401) when it is missing or invalid. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
}

/** The methods proxied. OPTIONS is left to CORS preflight handling; the services define no OPTIONS operations. */
const PROXIED_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']

const RATE_WINDOW_MS = 60_000

const routeOf = new WeakMap<FastifyRequest, Route>()

export async function gatewayPlugin(app: FastifyInstance, opts: GatewayPluginOptions): Promise<void> {
  const { table, pools, forwarder, metrics, authenticate } = opts

  // In-memory counters per gateway process (the cluster uses Kong's rate-limiting plugin instead).
  await app.register(rateLimit, { global: false })
  // A path no API route claims goes to the web app's instances, when the gateway has them (WEB_URLS).
  const web = table.web && pools.has(table.web.service) ? table.web : undefined
  const limiters = new Map(
    [...table.routes, ...(web ? [web] : [])].map((route) => [
      route.name,
      app.createRateLimit({
        max: Math.max(1, Math.round(route.rateLimitPerMinute * (opts.rateLimitMultiplier ?? 1))),
        timeWindow: RATE_WINDOW_MS,
        keyGenerator: (request) => `${route.name}|${request.ip}`,
      }),
    ]),
  )

  await app.register(async (proxy) => {
    useRawBodies(proxy, (request) => routeOf.get(request)?.bodyLimitBytes ?? 0)

    proxy.addHook('onRequest', async (request, reply) => {
      const route = matchRoute(table, request.url) ?? (web && WEB_METHODS.has(request.method) ? web : undefined)
      if (!route) {
        reply.callNotFound()
        return reply
      }
      routeOf.set(request, route)
      if (hasDotSegment(request.url)) throw httpErrors.badRequest('The path must not contain "." or ".." segments')

      const limit = await limiters.get(route.name)!(request)
      if (!limit.isAllowed) {
        reply.header('ratelimit-limit', limit.max)
        reply.header('ratelimit-remaining', limit.remaining)
        reply.header('ratelimit-reset', limit.ttlInSeconds)
        if (limit.isExceeded) {
          throw httpErrors.tooManyRequests(`Rate limit of ${limit.max} requests per minute exceeded; retry later`, {
            headers: { 'retry-after': String(limit.ttlInSeconds) },
          })
        }
      }

      if (route.auth === 'required') await authenticate(request, reply)
    })

    proxy.addHook('onResponse', async (request, reply) => {
      const route = routeOf.get(request)
      metrics.requestDuration.observe(
        { route: route?.name ?? 'unmatched', service: route?.service ?? 'none', status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      )
    })

    proxy.route({
      method: PROXIED_METHODS,
      url: '/*',
      // The platform's per-route histogram would lump every proxied request under "/*".
      config: { metrics: false },
      handler: async (request, reply) => {
        const route = routeOf.get(request)!
        return forwarder.forward(request, reply, route, pools.get(route.service)!)
      },
    })
  })
}

/** `.` / `..` segments (also percent-encoded) could make the gateway and the service disagree about the route. */
function hasDotSegment(url: string): boolean {
  const path = url.split('?', 1)[0] ?? ''
  return path.split('/').some((seg) => {
    const s = seg.toLowerCase().replace(/%2e/g, '.')
    return s === '.' || s === '..'
  })
}
