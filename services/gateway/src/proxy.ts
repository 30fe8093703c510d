/**
 * Forwards one request to an instance of its service and streams the answer back.
 *
 * Retries go to the *next* instance and only when the retry is safe:
 * - the connection could not be opened (refused, unreachable, connect timeout): nothing was
 *   sent, so any method may be retried, and the instance is marked down;
 * - the connection broke before a response for an idempotent method (e.g. a pooled keep-alive
 *   socket the upstream had just closed).
 * A response timeout is never retried (the upstream may have acted on the request): 504.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Agent } from 'undici'
import type { Dispatcher } from 'undici'
import { httpErrors } from '@expenses/platform'
import type { Route } from './route-table.js'
import { upstreamTarget } from './upstreams.js'
import type { UpstreamPool } from './upstreams.js'

export interface ForwarderOptions {
  /** Max time to open a TCP connection to an instance. */
  connectTimeoutMs: number
  /** Max time to wait for response headers, and between body chunks. */
  timeoutMs: number
  /** Retry-After, in seconds, when no instance of a service can be reached (the pool's cooldown). Default 10. */
  retryAfterSeconds?: number
  /**
   * Keep the client's X-Forwarded-For and append to it (the gateway runs behind a trusted proxy).
   * Otherwise it is replaced by the connecting address, so clients cannot forge what services see.
   */
  trustProxy?: boolean
}

export type AttemptOutcome = 'ok' | 'refused' | 'broken' | 'timeout'
export type AttemptObserver = (service: string, outcome: AttemptOutcome) => void

/** Errors raised while connecting: the request never left the gateway. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/** Hop-by-hop headers (RFC 9110 7.6.1) plus ones the gateway sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])
/** Not forwarded upstream: recomputed by the HTTP client (host, length) or unsupported (expect). */
const REQUEST_DROP = new Set(['host', 'content-length', 'expect'])
/** Client-address claims other than X-Forwarded-For, passed on only from a trusted proxy. */
const UNTRUSTED_FORWARDING = new Set(['forwarded', 'x-real-ip'])

export class Forwarder {
  private readonly agent: Agent

  private readonly trustProxy: boolean

  private readonly retryAfterSeconds: number

  constructor(
    options: ForwarderOptions,
    private readonly observe: AttemptObserver = () => {},
  ) {
    this.trustProxy = options.trustProxy ?? false
    this.retryAfterSeconds = options.retryAfterSeconds ?? 10
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    })
  }

  async forward(request: FastifyRequest, reply: FastifyReply, route: Route, pool: UpstreamPool): Promise<FastifyReply> {
    // Stop waiting for the upstream when the client goes away.
    const abort = new AbortController()
    const onClose = () => abort.abort()
    reply.raw.once('close', onClose)
    try {
      const res = await this.firstAnswer(request, route, pool, abort.signal)
      return sendUpstreamResponse(reply, res)
    } finally {
      reply.raw.off('close', onClose)
    }
  }

  private async firstAnswer(request: FastifyRequest, route: Route, pool: UpstreamPool, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const headers = forwardedRequestHeaders(request, this.trustProxy)
    const body = Buffer.isBuffer(request.body) ? request.body : null
    const plan = pool.plan()
    for (const instance of plan) {
      try {
        const res = await this.agent.request({
          ...upstreamTarget(instance, request.url),
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body,
          signal,
        })
        pool.markUp(instance)
        this.observe(route.service, 'ok')
        return res
      } catch (err) {
        if (signal.aborted) throw err
        const code = errorCode(err)
        if (CONNECT_ERRORS.has(code)) {
          pool.markDown(instance)
          this.observe(route.service, 'refused')
          request.log.warn({ upstream: instance.url.href, code }, 'upstream instance unreachable, marked down')
          continue
        }
        if (TIMEOUT_ERRORS.has(code)) {
          this.observe(route.service, 'timeout')
          throw httpErrors.gatewayTimeout(`${route.service} did not answer in time`)
        }
        this.observe(route.service, 'broken')
        request.log.warn({ upstream: instance.url.href, code, err }, 'upstream connection failed')
        if (IDEMPOTENT.has(request.method)) continue
        throw httpErrors.badGateway(`The connection to ${route.service} failed`)
      }
    }
    // The service is down (every instance refused or broke): a 503 that says when to try again, the time
    // until the pool tries the instances it marked down.
    throw httpErrors.serviceUnavailable(`No instance of ${route.service} answered (${plan.length} tried)`, {
      code: 'service_unavailable',
      headers: { 'retry-after': String(this.retryAfterSeconds) },
      extra: { retryAfterSeconds: this.retryAfterSeconds },
    })
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}

function sendUpstreamResponse(reply: FastifyReply, res: Dispatcher.ResponseData) {
  reply.code(res.statusCode)
  const drop = connectionListed(res.headers.connection)
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name)) continue
    // CORS is the gateway's job; an upstream's own CORS headers would conflict with it.
    if (name.startsWith('access-control-')) continue
    // The gateway returns the request id it generated or accepted (set by the platform).
    if (name === 'x-request-id') continue
    reply.header(name, value)
  }
  reply.raw.once('close', () => {
    // Client left mid-body: release the upstream connection instead of buffering the rest.
    if (!res.body.readableEnded) res.body.destroy()
  })
  return reply.send(res.body)
}

export function forwardedRequestHeaders(request: FastifyRequest, trustProxy: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  const drop = connectionListed(request.headers.connection)
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || REQUEST_DROP.has(name) || drop.has(name)) continue
    if (!trustProxy && UNTRUSTED_FORWARDING.has(name)) continue
    out[name] = value
  }
  const prior = trustProxy ? request.headers['x-forwarded-for'] : undefined
  const peer = request.socket.remoteAddress ?? request.ip
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer
  out['x-forwarded-proto'] = request.protocol
  if (request.headers.host) out['x-forwarded-host'] = request.headers.host
  out['x-request-id'] = request.id
  return out
}

function connectionListed(connection: string | string[] | undefined): Set<string> {
  if (!connection) return new Set()
  const v = Array.isArray(connection) ? connection.join(',') : connection
  return new Set(
    v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; cause?: { code?: unknown } }
    if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET') return e.code
    if (typeof e.cause?.code === 'string') return e.cause.code
    if (typeof e.code === 'string') return e.code
  }
  return 'UNKNOWN'
}
