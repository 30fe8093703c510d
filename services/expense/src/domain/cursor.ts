import { createHash } from 'node:crypto'

/**
 * Opaque keyset cursors for the expense list: base64url of the last row's sort key (occurredAt, id)
 * plus a short checksum. The checksum is not a secret - a cursor only ever positions a query that is
 * already limited to the caller's own expenses - it makes an edited or truncated cursor an error
 * (400) instead of a silently different page.
 */
export interface CursorPosition {
  occurredAt: Date
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

function checksum(payload: string): string {
  return createHash('sha256').update(`expense-cursor:v1:${payload}`).digest('base64url').slice(0, 10)
}

export function encodeCursor(position: CursorPosition): string {
  const payload = `${position.occurredAt.toISOString()}|${position.id}`
  return Buffer.from(`${payload}|${checksum(payload)}`, 'utf8').toString('base64url')
}

/** The position a cursor encodes, or null when it is not a cursor this service issued. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) return null
  const bytes = Buffer.from(cursor, 'base64url')
  // Node ignores stray bits at the end of base64; re-encoding catches an edited last character.
  if (bytes.toString('base64url') !== cursor) return null
  const [iso, id, sum, ...rest] = bytes.toString('utf8').split('|')
  if (rest.length > 0 || !iso || !id || !sum || !ISO.test(iso) || !UUID.test(id)) return null
  if (checksum(`${iso}|${id}`) !== sum) return null
  const occurredAt = new Date(iso)
  return Number.isNaN(occurredAt.getTime()) ? null : { occurredAt, id }
}
