import { bearerSecurity, problemResponses, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { Summaries } from '../domain/summary.js'
import { SummaryQuery, SummarySchema } from '../schemas.js'

export const summaryRoutes: FastifyPluginAsyncTypebox<{ summaries: Summaries }> = async (app, { summaries }) => {
  app.get(
    '/summary',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Totals of your expenses per group and currency',
        description:
          'Groups by category (default), merchant, month (YYYY-MM), day (YYYY-MM-DD) or type, in the time zone `tz` (default UTC). ' +
          'Every group is per currency - amounts in different currencies are never added - with debit and credit summed apart, ' +
          'net = credit - debit, and a count. `totals` has the same figures per currency. Takes the same filters as the list.',
        tags: ['summary'],
        security: bearerSecurity,
        querystring: SummaryQuery,
        response: { 200: SummarySchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => summaries.summarise(request.auth.userId, request.query),
  )
}
