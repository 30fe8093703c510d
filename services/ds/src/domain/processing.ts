// The parser worker's unit of work for bank-message.received events: parse with the user's templates
// for the sender, record the outcome on the message and publish expense.parsed or bank-message.rejected -
// all through the consumer's transaction, so the outcome and its event commit together with the inbox row.
// processReceivedMessages does a chunk of events in a handful of statements; processReceivedMessage does
// one, and is what the consumer falls back to when a chunk fails.
import { randomUUID } from 'node:crypto'
import {
  bankMessageReceived,
  bankMessageRejected,
  expenseParsed,
  PermanentEventError,
  subscribe,
  type BatchContext,
  type EventPayload,
  type HandlerContext,
  type Subscription,
} from '@expenses/events'
import type { Tx } from '../db.js'
import { parseMessage, type ParseResult } from '../parser/index.js'
import { jsonInput } from './json.js'
import { decideOutcome, expenseParsedPayload, type Outcome } from './outcome.js'
import { recordTemplateHits, templateScope, templatesFor, templatesForMany } from './templates.js'

export interface ProcessingOptions {
  /** Transactions parsed with less confidence are rejected as low_confidence (0 = never). */
  minConfidence: number
  /** Called once per message this worker settled, after its transaction committed (parse outcomes by reason). */
  onSettled?: (settled: { messageId: string; status: 'parsed' | 'rejected'; reason: string | null }) => void
}

function reportSettled(ctx: { afterCommit?: (fn: () => void) => void }, options: ProcessingOptions, settlements: readonly Settlement[]): void {
  const { onSettled } = options
  if (!onSettled || settlements.length === 0) return
  ctx.afterCommit?.(() => {
    for (const { message, outcome } of settlements)
      onSettled({ messageId: message.id, status: outcome.status, reason: outcome.status === 'rejected' ? outcome.reason : null })
  })
}

type ReceivedEvent = Pick<EventPayload<typeof bankMessageReceived>, 'messageId' | 'userId'>
type StoredMessage = { id: string; userId: string; text: string; sender: string | null; receivedAt: Date; status: string }
interface Settlement {
  message: StoredMessage
  result: ParseResult
  outcome: Outcome
}

// Events on this topic come only from our own outbox, written with the row; anything else can never succeed.
function checkStored(event: ReceivedEvent, message: StoredMessage | null | undefined): asserts message is StoredMessage {
  if (!message || message.userId !== event.userId) throw new PermanentEventError(`message ${event.messageId} is not stored for this user`, 'unknown_message')
}

function publishOutcome(publish: HandlerContext['publish'], { message, outcome }: Settlement): void {
  if (outcome.status === 'parsed') {
    publish(expenseParsed, expenseParsedPayload(message, outcome.expense))
  } else {
    publish(bankMessageRejected, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      userId: message.userId,
      messageId: message.id,
      reason: outcome.reason,
    })
  }
}

export async function processReceivedMessage(
  event: ReceivedEvent,
  ctx: Pick<HandlerContext<Tx>, 'tx' | 'log' | 'publish'> & Partial<Pick<HandlerContext<Tx>, 'afterCommit'>>,
  options: ProcessingOptions,
): Promise<void> {
  const { tx } = ctx
  const message = await tx.bankMessage.findUnique({ where: { id: event.messageId } })
  checkStored(event, message)
  if (message.status !== 'pending') {
    // Already settled, e.g. the user corrected it before the worker got to it.
    ctx.log.info({ messageId: message.id, status: message.status }, 'message already settled; nothing to do')
    return
  }

  const templates = await templatesFor(tx, message.userId, message.sender)
  const result = parseMessage({ text: message.text, sender: message.sender, receivedAt: message.receivedAt }, { templates })
  const outcome = decideOutcome(result, options.minConfidence)

  // Conditional on pending: a correction committed meanwhile wins, and then no event is written here.
  const settled = await tx.bankMessage.updateMany({
    where: { id: message.id, status: 'pending' },
    data: {
      status: outcome.status,
      result: jsonInput(result),
      reason: outcome.status === 'rejected' ? outcome.reason : null,
      parsedAt: new Date(),
    },
  })
  if (settled.count === 0) return
  await recordTemplateHits(tx, [{ userId: message.userId, result }])
  publishOutcome(ctx.publish, { message, result, outcome })
  reportSettled(ctx, options, [{ message, result, outcome }])
  ctx.log.debug({ messageId: message.id, status: outcome.status, format: result.format }, 'bank message parsed')
}

/**
 * The same work for a chunk of events: one read of the messages, one of the templates, one bulk
 * update of the outcomes. A message named twice in the chunk is left to the one-by-one path, which
 * settles it once and skips the repeat.
 */
export async function processReceivedMessages(events: readonly ReceivedEvent[], ctx: BatchContext<Tx>, options: ProcessingOptions): Promise<void> {
  const { tx } = ctx
  if (new Set(events.map((e) => e.messageId)).size !== events.length) {
    for (const event of events) await processReceivedMessage(event, ctx, options)
    return
  }
  const rows = await tx.bankMessage.findMany({
    where: { id: { in: events.map((e) => e.messageId) } },
    select: { id: true, userId: true, text: true, sender: true, receivedAt: true, status: true },
  })
  const byId = new Map(rows.map((r) => [r.id, r]))
  const pending: StoredMessage[] = []
  for (const event of events) {
    const message = byId.get(event.messageId.toLowerCase())
    checkStored(event, message)
    if (message.status === 'pending') pending.push(message)
  }
  if (pending.length === 0) return

  const templates = await templatesForMany(tx, pending)
  const settlements: Settlement[] = pending.map((message) => {
    const result = parseMessage(
      { text: message.text, sender: message.sender, receivedAt: message.receivedAt },
      { templates: templates.get(templateScope(message.userId, message.sender)) ?? [] },
    )
    return { message, result, outcome: decideOutcome(result, options.minConfidence) }
  })

  // Conditional on pending, as in processReceivedMessage: a correction committed meanwhile wins.
  const updated = await tx.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "bank_messages" AS m
        SET "status" = u.status::"message_status", "result" = u.result, "reason" = u.reason, "parsed_at" = now()
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[]) AS u(id, status, result, reason)
      WHERE m."id" = u.id AND m."status" = 'pending'
  RETURNING m."id"::text AS id`,
    settlements.map((s) => s.message.id),
    settlements.map((s) => s.outcome.status),
    settlements.map((s) => JSON.stringify(s.result)),
    settlements.map((s) => (s.outcome.status === 'rejected' ? s.outcome.reason : null)),
  )
  const settledIds = new Set(updated.map((r) => r.id))
  const settled = settlements.filter((s) => settledIds.has(s.message.id))
  await recordTemplateHits(
    tx,
    settled.map((s) => ({ userId: s.message.userId, result: s.result })),
  )
  for (const settlement of settled) publishOutcome(ctx.publish, settlement)
  reportSettled(ctx, options, settled)
  ctx.log.debug({ events: events.length, settled: settled.length }, 'bank messages parsed')
}

/** The parser worker's subscriptions, for an EventConsumer (runtime `consumers`, or tests). */
export function parserSubscriptions(options: ProcessingOptions): Subscription<Tx>[] {
  return [
    subscribe(bankMessageReceived, (event, ctx: HandlerContext<Tx>) => processReceivedMessage(event, ctx, options), {
      handleBatch: (items, ctx) =>
        processReceivedMessages(
          items.map((i) => i.event),
          ctx,
          options,
        ),
    }),
  ]
}
