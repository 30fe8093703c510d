import { bearerSecurity, httpErrors, problemResponses, type FastifyPluginAsyncTypebox, type ProblemFieldError } from '@expenses/platform'
import type { FastifyRequest } from 'fastify'
import { Compile } from 'typebox/compile'
import type { Corrections } from '../domain/corrections.js'
import { checkIncoming, type IncomingMessage, type SubmittedMessage } from '../domain/incoming.js'
import { toView, type MessageStore } from '../domain/messages.js'
import {
  BatchInput,
  BatchResultSchema,
  CorrectedMessageSchema,
  CorrectionBody,
  ListQuerySchema,
  MAX_BATCH,
  MessageInput,
  MessageListSchema,
  MessageParams,
  MessageSchema,
  SubmitResultSchema,
} from '../schemas.js'

const checkItem = Compile(MessageInput)
/** Enough to fix a batch in one go without an unbounded error body. */
const MAX_REPORTED_ERRORS = 100

function invalid(detail: string, errors: ProblemFieldError[], extra?: Record<string, unknown>) {
  return httpErrors.badRequest(detail, { code: 'validation_failed', errors: errors.slice(0, MAX_REPORTED_ERRORS), ...(extra ? { extra } : {}) })
}

/**
 * Checks every item of a batch and reports ALL bad indexes at once (schema validation stops at the first
 * error). Nothing is stored when any item is bad. Returns the cleaned items.
 */
function checkBatch(items: readonly unknown[], now: Date): IncomingMessage[] {
  const errors: ProblemFieldError[] = []
  const invalidIndexes: number[] = []
  const valid: IncomingMessage[] = []
  for (const [index, item] of items.entries()) {
    const path = `body.messages.${index}`
    if (!checkItem.Check(item)) {
      invalidIndexes.push(index)
      for (const e of checkItem.Errors(item).slice(0, 3)) {
        const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] }
        const field = params.requiredProperties?.[0] ?? params.additionalProperties?.[0]
        const pointer = e.instancePath.split('/').filter(Boolean).join('.')
        errors.push({ path: [path, pointer, field].filter(Boolean).join('.'), message: e.message })
      }
      continue
    }
    const checked = checkIncoming(item as SubmittedMessage, now, path)
    if (checked.ok) valid.push(checked.value)
    else {
      invalidIndexes.push(index)
      errors.push(...checked.errors)
    }
  }
  if (invalidIndexes.length > 0) {
    throw invalid(`${invalidIndexes.length} of ${items.length} messages are invalid; nothing was stored`, errors, { invalidIndexes })
  }
  return valid
}

const batchItems = new WeakMap<FastifyRequest, IncomingMessage[]>()

/** Submitting, reading and correcting the caller's bank messages. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ messages: MessageStore; corrections: Corrections }> = async (app, { messages, corrections }) => {
  app.addHook('onRequest', app.authenticate)

  app.post(
    '/messages',
    {
      schema: {
        summary: 'Submit a raw bank message for parsing',
        description:
          'Stores the message and queues it for the parser (202, status pending). Posting the same text, sender and receivedAt again answers 200 with the stored message id and its current status, and queues nothing.',
        tags: ['messages'],
        security: bearerSecurity,
        body: MessageInput,
        response: { 200: SubmitResultSchema, 202: SubmitResultSchema, ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const checked = checkIncoming(request.body, new Date())
      if (!checked.ok) throw invalid('The message is invalid', checked.errors)
      const [result] = await messages.submit(request.auth.userId, [checked.value])
      if (!result) throw new Error('submission returned no result')
      return reply.code(result.duplicate ? 200 : 202).send({ messageId: result.messageId, status: result.status, duplicate: result.duplicate })
    },
  )

  app.post(
    // find-my-way reads ':' as a parameter; '::' is a literal colon, so this is the path /messages:batch.
    '/messages::batch',
    {
      schema: {
        summary: 'Submit up to 500 raw bank messages at once',
        description:
          'All or nothing on validation: if any item is invalid the answer is 400 with every bad index (invalidIndexes, errors[].path body.messages.<i>.<field>) and nothing is stored. Otherwise results come in input order; 202 when every item was new, 207 when some were duplicates (of earlier requests or of earlier items in the batch).',
        tags: ['messages'],
        security: bearerSecurity,
        body: BatchInput,
        response: { 202: BatchResultSchema, 207: BatchResultSchema, ...problemResponses(400, 401, 413, 415) },
      },
      // Runs before schema validation so that a batch with several bad items reports all of them.
      preValidation: async (request) => {
        const body = request.body as { messages?: unknown } | null
        if (body && typeof body === 'object' && Array.isArray(body.messages) && body.messages.length <= MAX_BATCH) {
          batchItems.set(request, checkBatch(body.messages, new Date()))
        }
      },
    },
    async (request, reply) => {
      const items = batchItems.get(request) ?? checkBatch(request.body.messages, new Date())
      const results = await messages.submit(request.auth.userId, items)
      const duplicates = results.filter((r) => r.duplicate).length
      return reply.code(duplicates === 0 ? 202 : 207).send({ results, accepted: results.length - duplicates, duplicates })
    },
  )

  app.get(
    '/messages',
    {
      schema: {
        summary: 'Your messages, newest received first',
        tags: ['messages'],
        security: bearerSecurity,
        querystring: ListQuerySchema,
        response: { 200: MessageListSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = await messages.list(request.auth.userId, request.query)
      return { items: page.items.map(toView), nextCursor: page.nextCursor }
    },
  )

  app.get(
    '/messages/:id',
    {
      schema: {
        summary: 'One of your messages, with what the parser made of it',
        tags: ['messages'],
        security: bearerSecurity,
        params: MessageParams,
        response: { 200: MessageSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => toView(await messages.get(request.auth.userId, request.params.id.toLowerCase())),
  )

  app.patch(
    '/messages/:id',
    {
      schema: {
        summary: "Correct what the parser read; teaches it this sender's layout for you",
        description:
          'Marks the message parsed with the corrected values and publishes expense.parsed for it. expense-service keeps one expense per message: correcting a rejected or pending message creates its expense, and correcting a message that already produced one updates that expense (its category too, unless you chose the category yourself). A template for this sender is learned for you when the corrected values can be found in the text (templateLearned).',
        tags: ['messages'],
        security: bearerSecurity,
        params: MessageParams,
        body: CorrectionBody,
        response: { 200: CorrectedMessageSchema, ...problemResponses(400, 401, 404, 415) },
      },
    },
    async (request) => {
      const { currency, ...rest } = request.body
      const outcome = await corrections.correct(request.auth.userId, request.params.id.toLowerCase(), {
        ...rest,
        ...(currency === undefined ? {} : { currency: currency.toUpperCase() }),
      })
      return { ...toView(outcome.message), templateLearned: outcome.templateLearned }
    },
  )
}
