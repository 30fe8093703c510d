import { bearerSecurity, problemResponses, Type, type FastifyPluginAsyncTypebox } from '@expenses/platform'
import type { FastifyRequest } from 'fastify'
import type { Expenses } from '../domain/expenses.js'
import { throwValidation } from '../domain/filters.js'
import { CreateExpenseBody, ExpensePageSchema, ExpenseParams, ExpenseSchema, ListExpensesQuery, UpdateExpenseBody, UpdateExpenseQuery } from '../schemas.js'

/**
 * JSON numbers are refused for amounts before schema validation, with a message that says what to send
 * instead: 0.1 + 0.2 style rounding must never reach a ledger.
 */
async function rejectNumericAmount(request: FastifyRequest): Promise<void> {
  const body = request.body as { amount?: unknown } | null | undefined
  if (body && typeof body === 'object' && typeof body.amount === 'number') {
    throwValidation([{ path: 'body.amount', message: 'must be a decimal string such as "12.50", not a JSON number (numbers can lose precision)' }])
  }
}

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'Makes retries safe: the same key with the same body returns the first result (header idempotent-replayed: true)',
    }),
  ),
})

/** Manual expense entry and the user's own expenses: create, list, read, change, delete. */
export const expenseRoutes: FastifyPluginAsyncTypebox<{ expenses: Expenses }> = async (app, { expenses }) => {
  app.post(
    '/expenses',
    {
      onRequest: app.authenticate,
      preValidation: rejectNumericAmount,
      schema: {
        summary: 'Record an expense by hand',
        tags: ['expenses'],
        security: bearerSecurity,
        headers: IdempotencyHeaders,
        body: CreateExpenseBody,
        response: { 201: ExpenseSchema, ...problemResponses(400, 401, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { expense, replayed } = await expenses.create(request.auth.userId, request.body, request.headers['idempotency-key'])
      if (replayed) reply.header('idempotent-replayed', 'true')
      reply.header('location', `${request.url.split('?')[0]}/${expense.id}`)
      return reply.code(201).send(expense)
    },
  )

  app.get(
    '/expenses',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'List your expenses, newest first',
        description:
          'Ordered by occurredAt then id, both descending. Pages are keyset-based: pass nextCursor back as `cursor` ' +
          '(with the same filters) until it is null. Filters combine with AND.',
        tags: ['expenses'],
        security: bearerSecurity,
        querystring: ListExpensesQuery,
        response: { 200: ExpensePageSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => expenses.list(request.auth.userId, request.query),
  )

  app.get(
    '/expenses/:id',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'One of your expenses',
        tags: ['expenses'],
        security: bearerSecurity,
        params: ExpenseParams,
        response: { 200: ExpenseSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => expenses.get(request.auth.userId, request.params.id),
  )

  app.patch(
    '/expenses/:id',
    {
      onRequest: app.authenticate,
      preValidation: rejectNumericAmount,
      schema: {
        summary: 'Change an expense',
        description:
          'Send only the fields to change; `note: null` clears the note. Changing `category` also teaches the categoriser: ' +
          'your later expenses from the same merchant get that category.',
        tags: ['expenses'],
        security: bearerSecurity,
        params: ExpenseParams,
        querystring: UpdateExpenseQuery,
        body: UpdateExpenseBody,
        response: { 200: ExpenseSchema, ...problemResponses(400, 401, 404, 413, 415) },
      },
    },
    async (request) => expenses.update(request.auth.userId, request.params.id, request.body, request.query),
  )

  app.delete(
    '/expenses/:id',
    {
      onRequest: app.authenticate,
      schema: {
        summary: 'Delete an expense',
        tags: ['expenses'],
        security: bearerSecurity,
        params: ExpenseParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await expenses.remove(request.auth.userId, request.params.id)
      return reply.code(204).send(null)
    },
  )
}
