// Learning from the user: a correction fixes one message (which then becomes an expense) and teaches the
// parser that sender's layout for this user.
import { enqueueEvent, expenseParsed } from '@expenses/events'
import { httpErrors } from '@expenses/platform'
import type { BankMessage, Prisma } from '../generated/prisma/client.js'
import type { Db, Tx } from '../db.js'
import { learnTemplate, parseMessage, type CorrectedFields, type ParseResult, type TemplateField, type UserTemplate } from '../parser/index.js'
import { jsonInput } from './json.js'
import { expenseFields, expenseParsedPayload } from './outcome.js'
import { saveTemplate, templatesFor } from './templates.js'

/** What PATCH accepts: any template field; null clears a field the parser got wrong. */
export type Correction = Partial<Record<TemplateField, string | null>> & { isTransaction?: true }

const FIELDS: readonly TemplateField[] = ['type', 'amount', 'currency', 'merchant', 'accountLast4', 'balance', 'occurredAt', 'channel', 'reference']
/** The user confirmed these values, so the result is as certain as it gets. */
export const CORRECTED_CONFIDENCE = 1
export const CORRECTED_FORMAT = 'user_correction'

/** The parser's result with the user's corrections applied (a correction always means "this is a transaction"). */
export function applyCorrection(base: ParseResult, correction: Correction): ParseResult {
  const merged: ParseResult = { ...base, isTransaction: true, rejectReason: null, confidence: CORRECTED_CONFIDENCE, format: CORRECTED_FORMAT }
  for (const field of FIELDS) {
    const value = correction[field]
    if (value !== undefined) Object.assign(merged, { [field]: value })
  }
  return merged
}

function isParseResult(value: unknown): value is ParseResult {
  return typeof value === 'object' && value !== null && 'isTransaction' in value && 'amount' in value
}

/** Fields the parser's template learner may anchor on. Optional ones are dropped when they stop it learning. */
const OPTIONAL_ANCHORS: readonly TemplateField[] = ['reference', 'balance', 'accountLast4', 'occurredAt']

/**
 * Learns from all the confirmed values first; if the learner cannot build a template that reproduces them
 * (a value it cannot find in the text, or finds ambiguously), it tries again anchoring only type, amount,
 * currency, merchant and channel - the parser fills the rest generically.
 */
export function learnFrom(message: Pick<BankMessage, 'text' | 'sender' | 'receivedAt'>, merged: ParseResult): UserTemplate | null {
  const input = { text: message.text, sender: message.sender, receivedAt: message.receivedAt }
  const values: CorrectedFields = {}
  for (const field of FIELDS) (values as Record<string, unknown>)[field] = merged[field]
  const full = learnTemplate(input, values)
  if (full) return full
  const core: CorrectedFields = { ...values }
  for (const field of OPTIONAL_ANCHORS) (core as Record<string, unknown>)[field] = null
  return learnTemplate(input, core)
}

async function lockOwnMessage(tx: Tx, userId: string, messageId: string): Promise<BankMessage> {
  // FOR UPDATE serialises this with the parser worker and with a concurrent correction of the same message.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM bank_messages WHERE id = ${messageId}::uuid AND user_id = ${userId}::uuid FOR UPDATE`
  if (locked.length === 0) throw httpErrors.notFound('No such message', { code: 'message_not_found' })
  return tx.bankMessage.findUniqueOrThrow({ where: { id: messageId } })
}

export interface CorrectionOutcome {
  message: BankMessage
  templateLearned: boolean
}

export class Corrections {
  constructor(
    private readonly db: Db,
    private readonly onOutboxWrite: () => void = () => undefined,
  ) {}

  /**
   * Applies the correction, publishes expense.parsed for the message with `corrected: true` (new eventId;
   * expense-service creates the expense of a rejected or pending message, and updates the expense of one
   * that already has one) and stores a template for this user and sender when one can be learned.
   */
  async correct(userId: string, messageId: string, correction: Correction): Promise<CorrectionOutcome> {
    const outcome = await this.db.$transaction(async (tx) => {
      const message = await lockOwnMessage(tx, userId, messageId)
      const base = isParseResult(message.result)
        ? message.result
        : parseMessage(
            { text: message.text, sender: message.sender, receivedAt: message.receivedAt },
            { templates: await templatesFor(tx, userId, message.sender) },
          )
      const merged = applyCorrection(base, correction)
      const expense = expenseFields(merged)
      if (!expense) throw incompleteCorrection(merged)

      const template = learnFrom(message, merged)
      if (template) await saveTemplate(tx, userId, template)
      const now = new Date()
      const updated = await tx.bankMessage.update({
        where: { id: message.id },
        data: {
          status: 'parsed',
          result: jsonInput(merged),
          reason: null,
          correction: correction as Prisma.InputJsonObject,
          correctedAt: now,
          parsedAt: message.parsedAt ?? now,
        },
      })
      await enqueueEvent(tx, expenseParsed, { ...expenseParsedPayload(message, expense, CORRECTED_CONFIDENCE), corrected: true })
      return { message: updated, templateLearned: template !== null }
    })
    this.onOutboxWrite()
    return outcome
  }
}

function incompleteCorrection(merged: ParseResult) {
  const errors: { path: string; message: string }[] = []
  if (merged.type !== 'debit' && merged.type !== 'credit')
    errors.push({ path: 'body.type', message: 'is required: the parser could not tell debit from credit' })
  if (!merged.amount) errors.push({ path: 'body.amount', message: 'is required: the parser found no amount' })
  else if (/^0+(\.0+)?$/.test(merged.amount)) errors.push({ path: 'body.amount', message: 'must be greater than zero' })
  if (!merged.currency) errors.push({ path: 'body.currency', message: 'is required: the parser found no currency' })
  if (errors.length === 0) errors.push({ path: 'body', message: 'does not make a valid expense' })
  return httpErrors.badRequest('The corrected message still lacks what an expense needs: ' + errors.map((e) => e.path).join(', '), {
    code: 'incomplete_correction',
    errors,
  })
}
