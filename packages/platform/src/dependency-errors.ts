/**
 * Recognises errors that mean "a dependency (the database) is unavailable right now" rather than a bug: the
 * error handler answers them with a 503 and Retry-After, so clients and the gateway back off instead of
 * seeing a 500, and the connection timeout bounds how long a request can wait for a database that is gone.
 * Matched by error codes, not by importing Prisma or pg, so every service shares one rule.
 */

/** Prisma's codes for an unreachable or overloaded database (P1001 unreachable, P1002/P1008 timed out, P1017 closed, P2024 pool timeout). */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024'])
/** Socket errors (pg and Node) and PostgreSQL SQLSTATEs for a server shutting down, starting or full. */
const SOCKET_AND_SQLSTATE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
])
/** node-postgres raises these without a code. */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/
/** The kinds Prisma's driver adapters report for the same conditions. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'])

/** Seconds a client is told to wait before retrying. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5

export function isDependencyUnavailable(err: unknown): boolean {
  let current: unknown = err
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; kind?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } }; cause?: unknown }
    if (typeof e.code === 'string' && (PRISMA_CODES.has(e.code) || SOCKET_AND_SQLSTATE_CODES.has(e.code) || /^08/.test(e.code))) return true
    if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true
    const adapterKind = e.meta?.driverAdapterError?.cause?.kind
    if (typeof adapterKind === 'string' && ADAPTER_KINDS.has(adapterKind)) return true
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true
    current = e.cause
  }
  return false
}
