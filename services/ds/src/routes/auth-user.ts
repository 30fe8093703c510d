import type { FastifyRequest } from 'fastify'
import { httpErrors } from '@expenses/platform'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The caller's user id. Our tables key users by UUID; a token whose subject is not one cannot own anything. */
export function callerId(request: FastifyRequest): string {
  const userId = request.auth.userId
  if (!UUID.test(userId)) throw httpErrors.unauthorized('The access token does not name a user', { code: 'invalid_token' })
  return userId.toLowerCase()
}
