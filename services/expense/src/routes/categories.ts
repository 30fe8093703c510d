import { bearerSecurity, problemResponses, Type, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import { CATEGORIES } from '../domain/categories.js'
import type { Expenses } from '../domain/expenses.js'
import { CategoryRuleSchema, CategorySchema } from '../schemas.js'

/** The category list, and the merchant rules each user has taught the categoriser. */
export const categoryRoutes: FastifyPluginAsyncTypebox<{ expenses: Expenses }> = async (app, { expenses }) => {
  app.get(
    '/categories',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'The fixed list of categories',
        tags: ['categories'],
        security: bearerSecurity,
        response: { 200: Type.Object({ categories: Type.Array(CategorySchema) }), ...problemResponses(401) },
      },
    },
    async () => ({ categories: [...CATEGORIES] }),
  )

  app.get(
    '/category-rules',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Your learned merchant -> category rules',
        description: "A rule is stored whenever you change an expense's category; it applies to your later expenses from that merchant.",
        tags: ['categories'],
        security: bearerSecurity,
        response: { 200: Type.Object({ items: Type.Array(CategoryRuleSchema) }), ...problemResponses(401) },
      },
    },
    async (request) => ({ items: await expenses.listRules(request.auth.userId) }),
  )

  app.delete(
    '/category-rules/:merchantKey',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Forget a learned rule (existing expenses keep their categories)',
        tags: ['categories'],
        security: bearerSecurity,
        params: Type.Object({ merchantKey: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 204: Type.Null({ description: 'Forgotten' }), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await expenses.deleteRule(request.auth.userId, request.params.merchantKey)
      return reply.code(204).send(null)
    },
  )
}
