import { problemResponses, Type, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { Accounts } from '../domain/accounts.js'
import { LoginBody, RefreshBody, SignupBody, TokenPairSchema } from '../schemas.js'

/** Signup, login, refresh and logout: everything that hands out or takes back tokens. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ accounts: Accounts }> = async (app, { accounts }) => {
  app.post(
    '/signup',
    {
      schema: {
        summary: 'Create an account and start a session',
        tags: ['auth'],
        body: SignupBody,
        response: { 201: TokenPairSchema, ...problemResponses(400, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const pair = await accounts.signup(request.body, request.id)
      return reply.code(201).send(pair)
    },
  )

  app.post(
    '/login',
    {
      schema: {
        summary: 'Log in with username and password',
        description: 'Answers 401 without saying whether the username or the password was wrong.',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: TokenPairSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => accounts.login(request.body.username, request.body.password, request.ip),
  )

  app.post(
    '/refresh',
    {
      schema: {
        summary: 'Exchange a refresh token for a new token pair',
        description: 'Refresh tokens are single-use. Presenting a spent one revokes its whole session.',
        tags: ['auth'],
        body: RefreshBody,
        response: { 200: TokenPairSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => accounts.refresh(request.body.refreshToken),
  )

  app.post(
    '/logout',
    {
      schema: {
        summary: 'End the session of a refresh token',
        tags: ['auth'],
        body: RefreshBody,
        response: { 204: Type.Null({ description: 'Logged out' }), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await accounts.logout(request.body.refreshToken)
      return reply.code(204).send(null)
    },
  )
}
