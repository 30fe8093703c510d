// What a parse result means for a stored message: an expense (and the expense.parsed event) or a
// rejection with a reason. Pure functions, shared by the consumer, the preview and corrections.
import { randomUUID } from 'node:crypto'
import { CHANNELS, type EventPayload, type expenseParsed } from '@expenses/events'
import type { Channel, ParseResult, TxnType } from '../parser/index.js'

export type ExpenseParsedPayload = EventPayload<typeof expenseParsed>

/** The parser read a transaction but not enough of it (type, amount or currency) to record an expense. */
export const INCOMPLETE = 'incomplete'
export const LOW_CONFIDENCE = 'low_confidence'

const DECIMAL = /^\d{1,15}(\.\d{1,3})?$/
const CURRENCY = /^[A-Z]{3}$/
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS)
const HOUR = 60 * 60 * 1000

/** The expense fields of an expense.parsed event, already fitted to the contract's limits. */
export interface ExpenseFields {
  type: TxnType
  amount: string
  currency: string
  merchant: string | null
  accountLast4: string | null
  balance: string | null
  /** YYYY-MM-DD as the message states it, or null. */
  date: string | null
  channel: Channel | null
  reference: string | null
  confidence: number
}

export type Outcome = { status: 'parsed'; expense: ExpenseFields } | { status: 'rejected'; reason: string }

function text(value: string | null | undefined, max: number, fromEnd = false): string | null {
  const s = value?.trim()
  if (!s) return null
  return fromEnd ? s.slice(-max) : s.slice(0, max)
}

function isZero(amount: string): boolean {
  return /^0+(\.0+)?$/.test(amount)
}

/** Fields the expense needs, or null when type/amount/currency are missing or unusable. */
export function expenseFields(
  result: Pick<ParseResult, 'type' | 'amount' | 'currency' | 'merchant' | 'accountLast4' | 'balance' | 'occurredAt' | 'channel' | 'reference' | 'confidence'>,
): ExpenseFields | null {
  const { type, amount, currency } = result
  if ((type !== 'debit' && type !== 'credit') || !amount || !DECIMAL.test(amount) || isZero(amount) || !currency || !CURRENCY.test(currency)) return null
  return {
    type,
    amount,
    currency,
    merchant: text(result.merchant, 200),
    // At most the last four digits of the user's own account or card, whatever the parser was given.
    accountLast4: text(result.accountLast4, 4, true),
    // A negative or malformed balance is kept in the stored result but left out of the event.
    balance: result.balance && DECIMAL.test(result.balance) ? result.balance : null,
    date: result.occurredAt && /^\d{4}-\d\d-\d\d$/.test(result.occurredAt) ? result.occurredAt : null,
    channel: result.channel && CHANNEL_SET.has(result.channel) ? result.channel : null,
    reference: text(result.reference, 100),
    confidence: Math.min(1, Math.max(0, Number.isFinite(result.confidence) ? result.confidence : 0)),
  }
}

/** parsed or rejected (with the parser's reason, `incomplete`, or `low_confidence` below minConfidence). */
export function decideOutcome(result: ParseResult, minConfidence = 0): Outcome {
  if (!result.isTransaction) return { status: 'rejected', reason: result.rejectReason ?? 'not_a_transaction' }
  const expense = expenseFields(result)
  if (!expense) return { status: 'rejected', reason: INCOMPLETE }
  if (expense.confidence < minConfidence) return { status: 'rejected', reason: LOW_CONFIDENCE }
  return { status: 'parsed', expense }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/**
 * When the transaction happened. The parser gives only a calendar date, in the user's (unknown) time zone.
 * - No date: receivedAt.
 * - The date is what the calendar showed somewhere on earth (UTC-12 .. UTC+14) when the message arrived,
 *   or later (a date after arrival can only be a misreading): receivedAt, which has the real time of day.
 * - An earlier date (a message about a past transaction, or an old message imported late): noon UTC on
 *   that date, which is the same calendar day in every time zone from UTC-11 to UTC+11.
 */
export function occurredAtFor(date: string | null, receivedAt: Date): string {
  if (date === null) return receivedAt.toISOString()
  const noon = new Date(`${date}T12:00:00.000Z`)
  if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== date) return receivedAt.toISOString()
  const earliestLocalDay = isoDay(receivedAt.getTime() - 12 * HOUR)
  return date >= earliestLocalDay ? receivedAt.toISOString() : noon.toISOString()
}

export function expenseParsedPayload(
  message: { id: string; userId: string; receivedAt: Date },
  expense: ExpenseFields,
  confidence = expense.confidence,
): ExpenseParsedPayload {
  return {
    eventId: randomUUID(),
    userId: message.userId,
    messageId: message.id,
    type: expense.type,
    amount: expense.amount,
    currency: expense.currency,
    merchant: expense.merchant,
    accountLast4: expense.accountLast4,
    balance: expense.balance,
    occurredAt: occurredAtFor(expense.date, message.receivedAt),
    receivedAt: message.receivedAt.toISOString(),
    channel: expense.channel,
    reference: expense.reference,
    confidence,
  }
}
