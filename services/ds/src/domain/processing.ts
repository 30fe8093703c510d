// The parser worker's unit of work for one bank-message.received event: parse with the user's templates
// for the sender, record the outcome on the message and write expense.parsed or bank-message.rejected -
// all through the consumer's transaction, so the outcome and its event commit together with the inbox row.
import { randomUUID } from 'node:crypto'
import { bankMessageReceived, bankMessageRejected, enqueueEvent, expenseParsed, PermanentEventError, subscribe, type HandlerContext, type Subscription } from '@expenses/events'
import type { Prisma } from '../generated/prisma/client.js'
import { asTx } from '../db.js'
import { parseMessage } from '../parser/index.js'
import { decideOutcome, expenseParsedPayload } from './outcome.js'
import { recordTemplateHit, templatesFor } from './templates.js'

export interface ProcessingOptions {
  /** Transactions parsed with less confidence are rejected as low_confidence (0 = never). */
  minConfidence: number
}

export async function processReceivedMessage(
  event: { messageId: string; userId: string; occurredAt: string },
  ctx: Pick<HandlerContext, 'tx' | 'log'>,
  options: ProcessingOptions,
): Promise<void> {
  const tx = asTx(ctx.tx)
  const message = await tx.bankMessage.findUnique({ where: { id: event.messageId } })
  // Events on this topic come only from our own outbox, written with the row; anything else can never succeed.
  if (!message || message.userId !== event.userId) throw new PermanentEventError(`message ${event.messageId} is not stored for this user`, 'unknown_message')
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
      result: result as unknown as Prisma.InputJsonObject,
      reason: outcome.status === 'rejected' ? outcome.reason : null,
      parsedAt: new Date(),
    },
  })
  if (settled.count === 0) return
  await recordTemplateHit(tx, message.userId, result)

  if (outcome.status === 'parsed') {
    await enqueueEvent(tx, expenseParsed, expenseParsedPayload(message, outcome.expense))
  } else {
    await enqueueEvent(tx, bankMessageRejected, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      userId: message.userId,
      messageId: message.id,
      reason: outcome.reason,
    })
  }
  ctx.log.debug({ messageId: message.id, status: outcome.status, format: result.format }, 'bank message parsed')
}

/** The parser worker's subscriptions, for an EventConsumer (runtime `consumers`, or tests). */
export function parserSubscriptions(options: ProcessingOptions): Subscription[] {
  return [subscribe(bankMessageReceived, (event, ctx) => processReceivedMessage(event, ctx, options))]
}
