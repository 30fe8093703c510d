import { bearerSecurity, problemResponses, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { Accounts } from '../domain/accounts.js'
import type { SigningKeys } from '../domain/signing-keys.js'
import { JwksSchema, MeSchema } from '../schemas.js'

/** The public keys that verify our access tokens, and who the bearer of one is. */
export const identityRoutes: FastifyPluginAsyncTypebox<{ accounts: Accounts; keys: SigningKeys }> = async (app, { accounts, keys }) => {
  const jwks = {
    schema: { summary: 'Public keys (JWKS) for verifying access tokens', tags: ['auth'], response: { 200: JwksSchema } },
  }
  for (const url of ['/jwks', '/.well-known/jwks.json']) {
    app.get(url, jwks, async (_request, reply) => {
      // Short cache: verifiers refetch on an unknown kid anyway, and rotation must show up quickly.
      reply.header('cache-control', 'public, max-age=300')
      return keys.jwks()
    })
  }

  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'The account behind the access token',
        tags: ['auth'],
        security: bearerSecurity,
        response: { 200: MeSchema, ...problemResponses(401, 404) },
      },
    },
    async (request) => accounts.profile(request.auth.userId),
  )
}
