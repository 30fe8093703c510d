import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * Accept an upstream id (from the gateway or a client) only if it is short and made of safe characters:
 * it is echoed in headers and written to logs, so it must not carry newlines, markup or megabytes.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

export function isSaneRequestId(value: unknown): value is string {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value)
}

/** Fastify `genReqId`: the incoming x-request-id when sane, else a fresh UUID. */
export function genReqId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER]
  return isSaneRequestId(incoming) ? incoming : randomUUID()
}

/** Echoes the request id on every response, including 404s and errors, so clients can quote it. */
export const requestIdPlugin = fp(
  async function requestId(app: FastifyInstance) {
    app.addHook('onRequest', async (request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id)
    })
  },
  { name: '@expenses/platform/request-id' },
)
