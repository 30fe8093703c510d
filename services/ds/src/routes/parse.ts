import { bearerSecurity, httpErrors, problemResponses, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { Db } from '../db.js'
import { checkIncoming } from '../domain/incoming.js'
import { decideOutcome } from '../domain/outcome.js'
import { templatesFor } from '../domain/templates.js'
import { parseMessage } from '../parser/index.js'
import { MessageInput, PreviewSchema } from '../schemas.js'

/** A dry run: what the parser makes of a message, with the caller's templates, storing nothing. */
export const parseRoutes: FastifyPluginAsyncTypebox<{ db: Db; minConfidence: number }> = async (app, { db, minConfidence }) => {
  app.post(
    '/parse',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Preview how a message would be parsed (stores nothing)',
        description: 'The parse result, plus status/reason: what the message would become if submitted.',
        tags: ['messages'],
        security: bearerSecurity,
        body: MessageInput,
        response: { 200: PreviewSchema, ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request) => {
      const checked = checkIncoming(request.body, new Date())
      if (!checked.ok) throw httpErrors.badRequest('The message is invalid', { code: 'validation_failed', errors: checked.errors })
      const { text, sender, receivedAt } = checked.value
      const templates = await templatesFor(db, request.auth.userId, sender)
      const result = parseMessage({ text, sender, receivedAt }, { templates })
      const outcome = decideOutcome(result, minConfidence)
      return { ...result, status: outcome.status, reason: outcome.status === 'rejected' ? outcome.reason : null }
    },
  )
}
