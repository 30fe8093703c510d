// Stored bank messages: idempotent submission (single and batch) with the bank-message.received event in
// the same transaction, and the user's own view of them.
import { randomUUID } from 'node:crypto'
import { bankMessageReceived, enqueueEvents } from '@expenses/events'
import { httpErrors, type Static } from '@expenses/platform'
import type { BankMessage, MessageStatus } from '../generated/prisma/client.js'
import type { Db } from '../db.js'
import type { MessageSchema } from '../schemas.js'
import type { IncomingMessage } from './incoming.js'

export interface SubmitResult {
  index: number
  messageId: string
  status: MessageStatus
  /** True when the same message (text, sender, receivedAt) was already stored for this user. */
  duplicate: boolean
}

/** expenseId is always null: expense-service owns expenses and keys them by messageId. */
export type MessageView = Static<typeof MessageSchema>

export function toView(row: BankMessage): MessageView {
  return {
    messageId: row.id,
    status: row.status,
    text: row.text,
    sender: row.sender,
    receivedAt: row.receivedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    parsedAt: row.parsedAt?.toISOString() ?? null,
    // JSON columns, written only by this service from these same schemas (the parser's result, a checked
    // correction), so the stored shape is the view's; Prisma types them as any JSON.
    result: (row.result ?? null) as MessageView['result'],
    reason: row.reason,
    correction: (row.correction ?? null) as MessageView['correction'],
    correctedAt: row.correctedAt?.toISOString() ?? null,
    expenseId: null,
  }
}

export interface ListQuery {
  status?: MessageStatus | undefined
  limit: number
  cursor?: string | undefined
}

interface Cursor {
  receivedAt: Date
  id: string
}

function encodeCursor(row: Pick<BankMessage, 'receivedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.receivedAt.toISOString(), row.id])).toString('base64url')
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    const receivedAt = new Date(String(at))
    if (typeof at === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(receivedAt.getTime())) return { receivedAt, id }
  } catch {
    // falls through to the 400 below
  }
  throw httpErrors.badRequest('The cursor is not one this API returned', {
    code: 'validation_failed',
    errors: [{ path: 'querystring.cursor', message: 'is invalid' }],
  })
}

/** A batch of up to 500 new messages means ~1000 statements in one transaction; give it room. */
const BATCH_TRANSACTION = { timeout: 60_000, maxWait: 15_000 }

export class MessageStore {
  constructor(
    private readonly db: Db,
    /** Wakes the outbox relay after a commit that wrote an event. */
    private readonly onOutboxWrite: () => void = () => undefined,
  ) {}

  /**
   * Stores the messages that are new for this user and writes one bank-message.received event per new
   * message, all in one transaction; messages already stored (same dedup key) answer with the stored id.
   * The unique key settles races: INSERT .. ON CONFLICT DO NOTHING waits for a concurrent inserter of the
   * same key, then skips, and the follow-up SELECT sees the winner's committed row.
   * Results are in input order; repeats within one call share the first occurrence's message.
   */
  async submit(userId: string, messages: readonly IncomingMessage[]): Promise<SubmitResult[]> {
    const firstIndexByKey = new Map<string, number>()
    const rows: { id: string; userId: string; dedupKey: string; text: string; sender: string | null; receivedAt: Date }[] = []
    for (const [index, m] of messages.entries()) {
      if (firstIndexByKey.has(m.dedupKey)) continue
      firstIndexByKey.set(m.dedupKey, index)
      rows.push({ id: randomUUID(), userId, dedupKey: m.dedupKey, text: m.text, sender: m.sender, receivedAt: m.receivedAt })
    }

    const { created, existing } = await this.db.$transaction(async (tx) => {
      const inserted = await tx.bankMessage.createManyAndReturn({ data: rows, skipDuplicates: true, select: { dedupKey: true } })
      const createdKeys = new Set(inserted.map((r) => r.dedupKey))
      const now = new Date().toISOString()
      await enqueueEvents(
        tx,
        bankMessageReceived,
        rows
          .filter((row) => createdKeys.has(row.dedupKey))
          .map((row) => ({
            eventId: randomUUID(),
            occurredAt: now,
            userId,
            messageId: row.id,
            text: row.text,
            sender: row.sender,
            receivedAt: row.receivedAt.toISOString(),
          })),
      )
      const missing = rows.filter((r) => !createdKeys.has(r.dedupKey)).map((r) => r.dedupKey)
      const found =
        missing.length === 0
          ? []
          : await tx.bankMessage.findMany({ where: { userId, dedupKey: { in: missing } }, select: { id: true, dedupKey: true, status: true } })
      return { created: createdKeys, existing: new Map(found.map((r) => [r.dedupKey, r])) }
    }, BATCH_TRANSACTION)
    if (created.size > 0) this.onOutboxWrite()

    const byKey = new Map(rows.map((r) => [r.dedupKey, r]))
    return messages.map((m, index) => {
      const isNew = created.has(m.dedupKey) && firstIndexByKey.get(m.dedupKey) === index
      if (created.has(m.dedupKey)) {
        return { index, messageId: (byKey.get(m.dedupKey) as { id: string }).id, status: 'pending', duplicate: !isNew }
      }
      const stored = existing.get(m.dedupKey)
      // Unreachable unless the conflicting row vanished between the insert and the select (rows are never deleted).
      if (!stored) throw new Error('a conflicting message disappeared during submission')
      return { index, messageId: stored.id, status: stored.status, duplicate: true }
    })
  }

  /** The user's message, or 404 for a missing id and for another user's message alike. */
  async get(userId: string, messageId: string): Promise<BankMessage> {
    const row = await this.db.bankMessage.findFirst({ where: { id: messageId, userId } })
    if (!row) throw httpErrors.notFound('No such message', { code: 'message_not_found' })
    return row
  }

  /** The user's messages, newest received first, keyset-paginated. */
  async list(userId: string, query: ListQuery): Promise<{ items: BankMessage[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
    const rows = await this.db.bankMessage.findMany({
      where: {
        userId,
        ...(query.status ? { status: query.status } : {}),
        ...(after ? { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const items = rows.slice(0, query.limit)
    const last = items[items.length - 1]
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null }
  }
}
