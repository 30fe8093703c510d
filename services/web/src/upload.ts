import type { MessageInput } from './api/client'

/**
 * Reads a pasted block or an uploaded export into messages. Accepted:
 * - plain text: one message per line (blank lines skipped);
 * - JSON Lines: one object per line with `text` (or `body`/`message`), optional `sender`/`from`/`address`
 *   and `receivedAt`/`date` (ISO 8601 or epoch ms, as Android SMS backups write it);
 * - CSV with a header row naming a text column (text, body, message, sms) and optionally sender and date.
 * Returns the messages and, per skipped line, why.
 */
export interface ReadMessages {
  messages: MessageInput[]
  skipped: { line: number; reason: string }[]
}

const TEXT_KEYS = ['text', 'body', 'message', 'sms', 'content']
const SENDER_KEYS = ['sender', 'from', 'address', 'originator']
const DATE_KEYS = ['receivedat', 'received_at', 'date', 'timestamp', 'time']

function pick(record: Record<string, unknown>, keys: string[]): unknown {
  for (const [k, v] of Object.entries(record)) if (keys.includes(k.toLowerCase())) return v
  return undefined
}

function toIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const asNumber = typeof value === 'number' ? value : /^\d{10,13}$/.test(String(value)) ? Number(value) : NaN
  const date = Number.isFinite(asNumber) ? new Date(asNumber < 1e12 ? asNumber * 1000 : asNumber) : new Date(String(value))
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

function fromRecord(record: Record<string, unknown>): MessageInput | string {
  const text = pick(record, TEXT_KEYS)
  if (typeof text !== 'string' || !text.trim()) return 'no message text'
  const sender = pick(record, SENDER_KEYS)
  const receivedAt = toIso(pick(record, DATE_KEYS))
  return {
    text: text.trim(),
    ...(typeof sender === 'string' && sender.trim() ? { sender: sender.trim().slice(0, 64) } : {}),
    ...(receivedAt ? { receivedAt } : {}),
  }
}

/** Splits one CSV document into rows (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''))
}

export function readMessages(content: string, fileName = ''): ReadMessages {
  const messages: MessageInput[] = []
  const skipped: ReadMessages['skipped'] = []
  const text = content.replace(/^\uFEFF/, '')
  const lines = text.split(/\r?\n/)
  const firstLine = lines.find((l) => l.trim() !== '')?.trim() ?? ''

  if (fileName.endsWith('.jsonl') || fileName.endsWith('.ndjson') || (firstLine.startsWith('{') && !fileName.endsWith('.csv'))) {
    lines.forEach((line, index) => {
      if (!line.trim()) return
      try {
        const parsed = fromRecord(JSON.parse(line) as Record<string, unknown>)
        if (typeof parsed === 'string') skipped.push({ line: index + 1, reason: parsed })
        else messages.push(parsed)
      } catch {
        skipped.push({ line: index + 1, reason: 'not valid JSON' })
      }
    })
    return { messages, skipped }
  }

  const header = firstLine
    .toLowerCase()
    .split(',')
    .map((h) => h.trim().replace(/^"|"$/g, ''))
  if (fileName.endsWith('.csv') || (header.length > 1 && header.some((h) => TEXT_KEYS.includes(h)))) {
    const [head, ...rows] = parseCsv(text)
    const names = (head ?? []).map((h) => h.trim())
    if (!names.some((h) => TEXT_KEYS.includes(h.toLowerCase()))) {
      return { messages, skipped: [{ line: 1, reason: `the header has no text column (one of ${TEXT_KEYS.join(', ')})` }] }
    }
    rows.forEach((cells, index) => {
      const parsed = fromRecord(Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ''])))
      if (typeof parsed === 'string') skipped.push({ line: index + 2, reason: parsed })
      else messages.push(parsed)
    })
    return { messages, skipped }
  }

  for (const line of lines) if (line.trim()) messages.push({ text: line.trim() })
  return { messages, skipped }
}
