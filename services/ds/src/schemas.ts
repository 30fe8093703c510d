import { Type } from '@expenses/platform'
import { MAX_SENDER_LENGTH } from './domain/incoming.js'
import { CHANNELS } from '@expenses/events'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const MAX_BATCH = 500
const Decimal = Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,3})?$', description: 'Decimal string, never a number, e.g. "1250.00"' })
const Status = Type.Union([Type.Literal('pending'), Type.Literal('parsed'), Type.Literal('rejected')])
const Channel = Type.Union(CHANNELS.map((c) => Type.Literal(c)))
const TxnType = Type.Union([Type.Literal('debit'), Type.Literal('credit')])

export const MessageInput = Type.Object(
  {
    // The 4096 limit applies after trimming and is checked in code; this cap only bounds the work.
    text: Type.String({
      minLength: 1,
      maxLength: 16_384,
      pattern: '\\S',
      description: 'The bank SMS / notification as received; 1..4096 characters after trimming',
    }),
    sender: Type.Optional(Nullable(Type.String({ maxLength: MAX_SENDER_LENGTH, description: 'Sender id, e.g. VM-HDFCBK, MPESA, +254722000000' }))),
    receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the phone received it (ISO 8601 with time zone); default now' })),
  },
  { additionalProperties: false },
)

export const BatchInput = Type.Object({ messages: Type.Array(MessageInput, { minItems: 1, maxItems: MAX_BATCH }) }, { additionalProperties: false })

export const SubmitResultSchema = Type.Object({
  messageId: Type.String({ format: 'uuid' }),
  status: Status,
  duplicate: Type.Boolean({ description: 'The same message was already stored; nothing new happened' }),
})

export const BatchResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0 }),
      messageId: Type.String({ format: 'uuid' }),
      status: Status,
      duplicate: Type.Boolean({ description: 'Already stored (earlier request or earlier in this batch); no new event' }),
    }),
  ),
  accepted: Type.Integer({ description: 'New messages stored' }),
  duplicates: Type.Integer({ description: 'Items that were already stored' }),
})

export const ParseResultSchema = Type.Object(
  {
    isTransaction: Type.Boolean(),
    type: Nullable(TxnType),
    amount: Nullable(Type.String()),
    currency: Nullable(Type.String()),
    merchant: Nullable(Type.String()),
    accountLast4: Nullable(Type.String()),
    balance: Nullable(Type.String()),
    occurredAt: Nullable(Type.String({ description: 'YYYY-MM-DD as stated in the message' })),
    channel: Nullable(Type.String()),
    reference: Nullable(Type.String()),
    confidence: Type.Number(),
    rejectReason: Nullable(Type.String()),
    format: Nullable(Type.String({ description: 'Format, template (user:<id>), generic, or user_correction' })),
  },
  { additionalProperties: true },
)

export const PreviewSchema = Type.Object(
  {
    ...ParseResultSchema.properties,
    status: Type.Union([Type.Literal('parsed'), Type.Literal('rejected')], { description: 'What a submitted message would become' }),
    reason: Nullable(Type.String({ description: 'Why it would be rejected' })),
  },
  { additionalProperties: true },
)

export const MessageSchema = Type.Object({
  messageId: Type.String({ format: 'uuid' }),
  status: Status,
  text: Type.String(),
  sender: Nullable(Type.String()),
  receivedAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  parsedAt: Nullable(Type.String({ format: 'date-time' })),
  result: Nullable(ParseResultSchema),
  reason: Nullable(Type.String()),
  correction: Nullable(Type.Object({}, { additionalProperties: true })),
  correctedAt: Nullable(Type.String({ format: 'date-time' })),
  expenseId: Type.Null({ description: 'Reserved: expense-service keys the expense by messageId' }),
})

export const CorrectedMessageSchema = Type.Object({
  ...MessageSchema.properties,
  templateLearned: Type.Boolean({ description: 'A template for this sender was learned for you' }),
})

export const MessageParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export const ListQuerySchema = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const MessageListSchema = Type.Object({
  items: Type.Array(MessageSchema),
  nextCursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last' })),
})

export const CorrectionBody = Type.Object(
  {
    isTransaction: Type.Optional(Type.Literal(true, { description: 'Implied by any correction' })),
    type: Type.Optional(TxnType),
    amount: Type.Optional(Decimal),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' })),
    merchant: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }))),
    accountLast4: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{2,8}$' }))),
    balance: Type.Optional(Nullable(Decimal)),
    occurredAt: Type.Optional(Nullable(Type.String({ format: 'date', description: 'YYYY-MM-DD' }))),
    channel: Type.Optional(Nullable(Channel)),
    reference: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }))),
  },
  { additionalProperties: false, minProperties: 1 },
)
