import { STATUS_CODES } from 'node:http'
import { Type } from 'typebox'
import type { Static } from 'typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'
/** RFC 9457 recommends a URI for `type`; ours are not meant to be dereferenced, so a URN namespace. */
export const PROBLEM_TYPE_PREFIX = 'urn:expenses:problem:'

export const ProblemFieldErrorSchema = Type.Object({
  path: Type.String({ description: 'Where the problem is, e.g. body.amount or querystring.limit' }),
  message: Type.String(),
})

/** RFC 9457 problem details as every service returns them. Extra members are allowed (`extra`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code, e.g. validation_failed' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(ProblemFieldErrorSchema)),
  },
  { additionalProperties: true },
)
export type Problem = Static<typeof ProblemSchema> & { [member: string]: unknown }
export type ProblemFieldError = Static<typeof ProblemFieldErrorSchema>

const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
}

export function defaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request')
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

export interface ProblemOptions {
  detail?: string
  /** Extra members merged into the body (e.g. `{ retryAfterSeconds: 30 }`). */
  extra?: Record<string, unknown>
  errors?: ProblemFieldError[]
  /** Response headers to send with the problem (e.g. WWW-Authenticate, Retry-After). */
  headers?: Record<string, string>
}

/**
 * An error a route throws on purpose: the error handler turns it into a problem+json response with this
 * status, code, title and detail as given (the detail IS shown to clients, so keep it user-safe).
 */
export class HttpProblem extends Error {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string | undefined
  readonly extra: Record<string, unknown> | undefined
  readonly errors: ProblemFieldError[] | undefined
  readonly headers: Record<string, string>

  constructor(status: number, code: string, title: string, options: ProblemOptions = {}) {
    super(options.detail ?? title)
    this.name = 'HttpProblem'
    this.status = status
    this.code = code
    this.title = title
    this.detail = options.detail
    this.extra = options.extra
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }

  /** Fastify reads statusCode from thrown errors, e.g. when they escape an encapsulated error handler. */
  get statusCode(): number {
    return this.status
  }
}

export function isHttpProblem(err: unknown): err is HttpProblem {
  return err instanceof HttpProblem
}

/** `throw problem(409, 'email_taken', 'Conflict', 'This email is already registered')` */
export function problem(status: number, code: string, title: string = statusTitle(status), detail?: string, extra?: Record<string, unknown>): HttpProblem {
  return new HttpProblem(status, code, title, { ...(detail === undefined ? {} : { detail }), ...(extra ? { extra } : {}) })
}

type Shortcut = (detail?: string, options?: Omit<ProblemOptions, 'detail'> & { code?: string }) => HttpProblem

function shortcut(status: number): Shortcut {
  return (detail, options = {}) => {
    const { code, ...rest } = options
    return new HttpProblem(status, code ?? defaultCode(status), statusTitle(status), {
      ...rest,
      ...(detail === undefined ? {} : { detail }),
    })
  }
}

/** `throw httpErrors.notFound('Expense not found')`, `throw httpErrors.conflict('...', { code: 'email_taken' })` */
export const httpErrors = {
  badRequest: shortcut(400),
  unauthorized: shortcut(401),
  forbidden: shortcut(403),
  notFound: shortcut(404),
  conflict: shortcut(409),
  gone: shortcut(410),
  preconditionFailed: shortcut(412),
  payloadTooLarge: shortcut(413),
  unsupportedMediaType: shortcut(415),
  unprocessableEntity: shortcut(422),
  tooManyRequests: shortcut(429),
  internal: shortcut(500),
  badGateway: shortcut(502),
  serviceUnavailable: shortcut(503),
  gatewayTimeout: shortcut(504),
} as const

/** A route response entry documenting a problem+json body (Fastify serializes by content type). */
export interface ProblemResponse {
  description: string
  content: { 'application/problem+json': { schema: typeof ProblemSchema } }
}

/**
 * Response entries for the given error statuses, to spread into a route's `schema.response` so the
 * OpenAPI document lists them as application/problem+json: `response: { 200: Expense, ...problemResponses(400, 404) }`.
 */
export function problemResponses<const S extends readonly number[]>(...statuses: S): { [K in S[number]]: ProblemResponse } {
  const out: Record<number, ProblemResponse> = {}
  for (const status of statuses) {
    out[status] = {
      description: statusTitle(status),
      content: { 'application/problem+json': { schema: ProblemSchema } },
    }
  }
  return out as { [K in S[number]]: ProblemResponse }
}

export function buildProblemBody(
  status: number,
  code: string,
  title: string,
  requestId: string,
  options: Pick<ProblemOptions, 'detail' | 'extra' | 'errors'> = {},
): Problem {
  const body: Problem = {
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title,
    status,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
    code,
    requestId,
    ...(options.errors ? { errors: options.errors } : {}),
  }
  // Extra members never override the standard ones.
  for (const [key, value] of Object.entries(options.extra ?? {})) if (!(key in body)) body[key] = value
  return body
}
