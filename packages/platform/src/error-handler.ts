import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyUnavailable } from './dependency-errors.js'
import { buildProblemBody, defaultCode, HttpProblem, PROBLEM_CONTENT_TYPE, statusTitle, type ProblemFieldError } from './errors.js'

/** Cap on reported field errors, so a huge invalid array cannot produce a huge response. */
const MAX_FIELD_ERRORS = 20

/** Fastify's own 4xx errors we give stable codes and wording. */
const FRAMEWORK_PROBLEMS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    detail: 'The request body is empty but content-type is application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', detail: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'This content-type is not supported; send application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_request',
    detail: 'The request body size does not match Content-Length',
  },
}

function pointerToPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** ajv error -> `{ path: 'body.items.0.amount', message }` */
export function toFieldError(context: string | undefined, error: FastifySchemaValidationError): ProblemFieldError {
  const segments = [context ?? 'request', ...pointerToPath(error.instancePath)]
  const params = error.params as Record<string, unknown>
  let message = error.message ?? 'is invalid'
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    segments.push(params.missingProperty)
    message = 'is required'
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    segments.push(params.additionalProperty)
    message = 'is not allowed'
  }
  return { path: segments.join('.'), message }
}

interface Resolved {
  status: number
  code: string
  title: string
  detail?: string
  errors?: ProblemFieldError[]
  extra?: Record<string, unknown>
  headers?: Record<string, string>
  /** Unexpected errors are logged at error level; expected ones at debug. */
  unexpected: boolean
  /** A dependency outage: logged at warn (an operator wants to see it, but it is not a bug). */
  dependency?: boolean
}

export function resolveError(err: FastifyError | HttpProblem | Error): Resolved {
  if (err instanceof HttpProblem) {
    return {
      status: err.status,
      code: err.code,
      title: err.title,
      ...(err.detail === undefined ? {} : { detail: err.detail }),
      ...(err.errors ? { errors: err.errors } : {}),
      ...(err.extra ? { extra: err.extra } : {}),
      headers: err.headers,
      unexpected: err.status >= 500,
    }
  }
  const fastifyError = err as FastifyError
  if (Array.isArray(fastifyError.validation)) {
    const errors = fastifyError.validation.slice(0, MAX_FIELD_ERRORS).map((e) => toFieldError(fastifyError.validationContext, e))
    return {
      status: 400,
      code: 'validation_failed',
      title: statusTitle(400),
      detail: 'The request is invalid: ' + errors.map((e) => `${e.path} ${e.message}`).join(', '),
      errors,
      unexpected: false,
    }
  }
  const known = fastifyError.code ? FRAMEWORK_PROBLEMS[fastifyError.code] : undefined
  if (known) return { ...known, title: statusTitle(known.status), unexpected: false }

  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
  if (status >= 400 && status < 500) {
    // Client errors raised by Fastify or plugins carry client-facing messages (e.g. "Bad Request").
    return { status, code: defaultCode(status), title: statusTitle(status), detail: err.message, unexpected: false }
  }
  if (isDependencyUnavailable(err)) {
    // An outage of the database, not a bug: say so, and when to try again (the gateway passes it on).
    return {
      status: 503,
      code: 'dependency_unavailable',
      title: statusTitle(503),
      detail: 'A system this service needs is unavailable; retry after the time in Retry-After.',
      headers: { 'retry-after': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
      extra: { retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS },
      unexpected: false,
      dependency: true,
    }
  }
  // Anything else is a bug or an outage: never echo its message (it may name hosts, SQL, file paths).
  const serverStatus = status >= 500 && status <= 599 ? status : 500
  return {
    status: serverStatus,
    code: defaultCode(serverStatus),
    title: statusTitle(serverStatus),
    detail: 'An unexpected error occurred. Quote the requestId when reporting it.',
    unexpected: true,
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, resolved: Resolved) {
  const body = buildProblemBody(resolved.status, resolved.code, resolved.title, request.id, resolved)
  for (const [name, value] of Object.entries(resolved.headers ?? {})) reply.header(name, value)
  return reply.code(resolved.status).header('x-request-id', request.id).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** Every error and every unknown route becomes an RFC 9457 problem+json response. */
export const errorHandlerPlugin = fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler(function handle(err, request, reply) {
      const resolved = resolveError(err as Error)
      if (resolved.unexpected) request.log.error({ err }, 'request failed with an unexpected error')
      else if (resolved.dependency)
        request.log.warn({ errMessage: String((err as Error).message ?? err).split('\n')[0] }, 'a dependency is unavailable: answered 503')
      else request.log.debug({ err, code: resolved.code }, 'request rejected')
      return sendProblem(request, reply, resolved)
    })

    app.setNotFoundHandler(function notFound(request, reply) {
      return sendProblem(request, reply, {
        status: 404,
        code: 'not_found',
        title: statusTitle(404),
        detail: `No route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
        unexpected: false,
      })
    })
  },
  { name: '@expenses/platform/error-handler' },
)

/**
 * Fastify `clientErrorHandler`: requests Node's HTTP parser rejects (garbage, oversized headers, timeouts)
 * never reach a route or the error handler, so the problem+json body is written to the socket here.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large']
        : [400, 'bad_request', 'The request could not be parsed as HTTP']
  const requestId = randomUUID()
  this.log.debug({ err, reqId: requestId }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(buildProblemBody(status, code, statusTitle(status), requestId, { detail }))
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(err)
}
