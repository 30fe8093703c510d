// One JSON Lines record in, one JSON Lines record out - the CLI's per-line logic, kept apart from the
// stdin/stdout loop so it can be tested without spawning a process.
import { parseMessage } from './index.js'

/** Bytes per input line we are willing to JSON.parse; longer lines are answered with an error. */
const MAX_LINE = 2_000_000

/** @param now the clock used to infer the year of a date written without one when receivedAt is missing */
export function handleLine(line: string, now: Date = new Date()): string | null {
  if (line.trim().length === 0) return null
  if (line.length > MAX_LINE) return JSON.stringify({ id: null, error: 'line too long' })
  let obj: unknown
  try {
    obj = JSON.parse(line)
  } catch {
    return JSON.stringify({ id: null, error: 'invalid JSON' })
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return JSON.stringify({ id: null, error: 'expected a JSON object' })
  const rec = obj as Record<string, unknown>
  const id = typeof rec.id === 'string' || typeof rec.id === 'number' ? rec.id : null
  if (typeof rec.text !== 'string') return JSON.stringify({ id, error: 'missing "text" string' })
  const sender = typeof rec.sender === 'string' ? rec.sender : null
  const receivedAt = typeof rec.receivedAt === 'string' ? rec.receivedAt : null
  const r = parseMessage({ text: rec.text, sender, receivedAt }, { now })
  const result = {
    isTransaction: r.isTransaction,
    type: r.type,
    amount: r.amount,
    currency: r.currency,
    merchant: r.merchant,
    accountLast4: r.accountLast4,
    balance: r.balance,
    occurredAt: r.occurredAt,
    channel: r.channel,
    reference: r.reference,
  }
  return JSON.stringify({ id, result })
}
