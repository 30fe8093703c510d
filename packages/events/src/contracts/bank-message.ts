import Type from 'typebox'
import type { Static } from 'typebox'
import { topics } from '../topics.js'
import { defineEvent } from './define.js'
import { CurrencyCode, DecimalAmount, EventMeta, Nullable, Timestamp, Uuid } from './fields.js'

/** Published by ds-service's HTTP side when a user forwards a raw bank message; read by its parser worker. */
export const bankMessageReceived = defineEvent({
  type: 'bank-message.received',
  version: 1,
  topic: topics.bankMessageReceived,
  schema: Type.Object({
    ...EventMeta,
    userId: Uuid,
    messageId: Uuid,
    text: Type.String({ minLength: 1, maxLength: 4096 }),
    sender: Nullable(Type.String({ maxLength: 64 })),
    receivedAt: Timestamp,
  }),
  key: (e) => e.userId,
})

export const TransactionType = Type.Union([Type.Literal('debit'), Type.Literal('credit')])
/** How money moved. The one list: the parser's Channel type, its templates and ds-service's schemas use it. */
export const Channel = Type.Union([
  Type.Literal('upi'),
  Type.Literal('card'),
  Type.Literal('neft'),
  Type.Literal('imps'),
  Type.Literal('rtgs'),
  Type.Literal('atm'),
  Type.Literal('netbanking'),
  Type.Literal('wallet'),
  Type.Literal('ach'),
  Type.Literal('mobile_money'),
])
export type ChannelName = Static<typeof Channel>
export const CHANNELS: readonly ChannelName[] = Channel.anyOf.map((schema) => schema.const)

/**
 * Published by ds-service when a bank message is a transaction. `occurredAt` is when the transaction
 * happened: the date stated in the message, falling back to when the message was received.
 * `corrected: true` marks the user's correction of the message: its values replace those of the
 * message's expense if one exists (a plain re-publish never changes an existing expense).
 */
export const expenseParsed = defineEvent({
  type: 'expense.parsed',
  version: 1,
  topic: topics.expenseParsed,
  schema: Type.Object({
    eventId: Uuid,
    userId: Uuid,
    messageId: Uuid,
    type: TransactionType,
    amount: DecimalAmount,
    currency: CurrencyCode,
    merchant: Nullable(Type.String({ maxLength: 200 })),
    accountLast4: Nullable(Type.String({ maxLength: 8 })),
    balance: Nullable(DecimalAmount),
    occurredAt: Timestamp,
    receivedAt: Timestamp,
    channel: Nullable(Channel),
    reference: Nullable(Type.String({ maxLength: 100 })),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    // Added after v1 shipped, so optional: events without it are not corrections.
    corrected: Type.Optional(Type.Boolean()),
  }),
  key: (e) => e.userId,
})

/** Published by ds-service when a message is not a transaction (OTP, promotion, reminder, declined ...). */
export const bankMessageRejected = defineEvent({
  type: 'bank-message.rejected',
  version: 1,
  topic: topics.bankMessageRejected,
  schema: Type.Object({
    ...EventMeta,
    userId: Uuid,
    messageId: Uuid,
    reason: Type.String({ minLength: 1, maxLength: 64 }),
  }),
  key: (e) => e.userId,
})
