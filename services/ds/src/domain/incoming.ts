// A bank message as a user submits it: cleaned, checked and given its idempotency key. Used by the single
// and the batch endpoint, so both accept exactly the same messages.
import { createHash } from 'node:crypto'
import type { ProblemFieldError } from '@expenses/platform'

export const MAX_TEXT_LENGTH = 4096
export const MAX_SENDER_LENGTH = 64
/** Phones' clocks drift, but a message cannot arrive a day from now. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000

export interface SubmittedMessage {
  text: string
  sender?: string | null | undefined
  receivedAt?: string | undefined
}

export interface IncomingMessage {
  text: string
  sender: string | null
  receivedAt: Date
  /** sha256 (hex) of the normalised text, sender and receivedAt; unique per user. */
  dedupKey: string
}

export type Checked = { ok: true; value: IncomingMessage } | { ok: false; errors: ProblemFieldError[] }

/**
 * Postgres text and jsonb cannot hold NUL, and jsonb rejects lone UTF-16 surrogates (JSON.stringify writes
 * them as \udXXX escapes). Neither carries meaning in a bank message, so they are dropped/replaced here
 * instead of failing the insert with a 500.
 */
export function storable(s: string): string {
  return s.replaceAll('\u0000', '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/** Whitespace and Unicode-form differences do not make a different message. */
function normalisedForKey(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ')
}

export function dedupKey(text: string, sender: string | null, receivedAt: Date): string {
  return createHash('sha256')
    .update(JSON.stringify([normalisedForKey(text), sender, receivedAt.toISOString()]))
    .digest('hex')
}

/**
 * Cleans and checks what the schema cannot: the text length AFTER trimming (counted in UTF-16 units, the
 * stricter of the two counts, so the event contract's limit always holds), a parsable, not-future
 * receivedAt. `path` prefixes field paths in errors (body, body.messages.3).
 */
export function checkIncoming(raw: SubmittedMessage, now: Date, path = 'body'): Checked {
  const errors: ProblemFieldError[] = []
  const text = storable(raw.text).trim()
  if (text.length === 0) errors.push({ path: `${path}.text`, message: 'must not be blank' })
  else if (text.length > MAX_TEXT_LENGTH) errors.push({ path: `${path}.text`, message: `must be at most ${MAX_TEXT_LENGTH} characters after trimming` })

  const senderText = typeof raw.sender === 'string' ? storable(raw.sender).trim() : ''
  const sender = senderText.length > 0 ? senderText : null
  if (sender !== null && sender.length > MAX_SENDER_LENGTH) errors.push({ path: `${path}.sender`, message: `must be at most ${MAX_SENDER_LENGTH} characters` })

  let receivedAt = now
  if (raw.receivedAt !== undefined) {
    receivedAt = new Date(raw.receivedAt)
    if (Number.isNaN(receivedAt.getTime())) errors.push({ path: `${path}.receivedAt`, message: 'must be an ISO 8601 date-time with a time zone' })
    else if (receivedAt.getTime() - now.getTime() > MAX_FUTURE_SKEW_MS) errors.push({ path: `${path}.receivedAt`, message: 'must not be in the future' })
    else if (receivedAt.getUTCFullYear() < 1970) errors.push({ path: `${path}.receivedAt`, message: 'must not be before 1970' })
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, value: { text, sender, receivedAt, dedupKey: dedupKey(text, sender, receivedAt) } }
}
