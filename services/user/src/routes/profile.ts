import { bearerSecurity, httpErrors, problemResponses, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { Profiles } from '../domain/profiles.js'
import { NOT_PATCHABLE, ProfilePatchBody, ProfileSchema } from '../schemas.js'

/** The caller's own profile. There is no user id in the path: the token decides whose profile it is. */
export const profileRoutes: FastifyPluginAsyncTypebox<{ profiles: Profiles }> = async (app, { profiles }) => {
  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        summary: "The caller's profile",
        description: '404 profile_not_found until the user.registered event has been processed (shortly after signup): poll.',
        tags: ['user'],
        security: bearerSecurity,
        response: { 200: ProfileSchema, ...problemResponses(401, 404) },
      },
    },
    async (request) => profiles.get(request.auth.userId),
  )

  app.patch(
    '/me',
    {
      onRequest: app.authenticate,
      // Before schema validation, so these get a precise message instead of a generic "not allowed".
      preValidation: async (request) => {
        const body = request.body
        if (typeof body !== 'object' || body === null) return
        const sent = NOT_PATCHABLE.filter((field) => Object.hasOwn(body, field))
        if (sent.length === 0) return
        const errors = sent.map((field) => ({ path: `body.${field}`, message: 'is managed by auth-service and cannot be changed here' }))
        throw httpErrors.badRequest(`${sent.join(' and ')} cannot be changed here`, { code: 'validation_failed', errors })
      },
      schema: {
        summary: "Change the caller's profile",
        description:
          'Send at least one field. Publishes user.profile-updated.v1 listing the fields that actually changed; a patch that changes nothing publishes nothing.',
        tags: ['user'],
        security: bearerSecurity,
        body: ProfilePatchBody,
        response: { 200: ProfileSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => profiles.update(request.auth.userId, request.body, request.id),
  )
}
