/**
 * What never reaches a log line.
 *
 * pino's own `redact` wildcards (`*.password`, `*.*.password`, ...) cost ~50-400 µs per log call with the
 * number of keys we need (measured: 5.7 µs/line plain, 374 µs/line with 25 keys x 5 depths), so nested
 * secrets are removed by `redactDeep`, a copy-on-write walk over plain objects run as pino's
 * `formatters.log`, and pino `redact` keeps only exact paths into serializer output (req/res headers).
 */

/** Keys whose values are secrets, matched case-insensitively anywhere in the key (newPassword, KAFKA_SASL_PASSWORD). */
export const SECRET_KEY_PATTERN = /pass(word|wd)|secret|token|authorization|cookie|private_?key|api_?key|credential|database_?url|connection_?string|admin_url/i

/** Documented examples of what SECRET_KEY_PATTERN covers. */
export const SECRET_KEYS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'privateKey',
  'authorization',
  'cookie',
  'set-cookie',
  'DATABASE_URL',
  'connectionString',
  'KAFKA_SASL_PASSWORD',
] as const

/** Exact pino `redact.paths`: applied after serializers, where Fastify/pino put request and response headers. */
export const HEADER_REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]']

export const REDACTED = '[Redacted]'

const MAX_DEPTH = 8
/** Upper bound on visited properties per log call, so logging a huge body stays cheap. */
const MAX_VISITS = 5000

/** Replaces the password in `scheme://user:password@host/...` strings; other strings are returned unchanged. */
export function redactConnectionString(value: string): string {
  if (!value.includes('@') || !value.includes('://')) return value
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]*)(@)/gi, `$1${REDACTED}$3`)
}

/**
 * The replacement for a secret value: connection strings keep their host and database (useful when
 * debugging which DB a service talks to) but lose the password; anything else is replaced entirely.
 */
export function censor(value: unknown): unknown {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return redactConnectionString(value)
  return REDACTED
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Returns `value` with secret-keyed values censored and URL passwords masked in strings, at any depth up to
 * MAX_DEPTH. Only plain objects and arrays are walked (not Errors, requests, sockets - those have
 * serializers); the input is never mutated, and unchanged subtrees are returned as they are.
 */
export function redactDeep(value: unknown, extraKeys?: ReadonlySet<string>): unknown {
  const budget = { visits: MAX_VISITS }
  return walk(value, 0, budget, extraKeys)
}

function isSecretKey(key: string, extraKeys?: ReadonlySet<string>): boolean {
  return SECRET_KEY_PATTERN.test(key) || (extraKeys?.has(key) ?? false)
}

function walk(value: unknown, depth: number, budget: { visits: number }, extraKeys?: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return redactConnectionString(value)
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length && budget.visits-- > 0; i++) {
      const item: unknown = value[i]
      const next = walk(item, depth + 1, budget, extraKeys)
      if (next !== item) (copy ??= value.slice())[i] = next
    }
    return copy ?? value
  }
  if (!isPlainObject(value)) return value
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(value)) {
    if (budget.visits-- <= 0) break
    const item = value[key]
    const next = isSecretKey(key, extraKeys) ? (item === undefined ? item : censor(item)) : walk(item, depth + 1, budget, extraKeys)
    if (next !== item) (copy ??= { ...value })[key] = next
  }
  return copy ?? value
}
