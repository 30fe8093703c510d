// Public API of the bank-message parser: a pure, deterministic module (no I/O). ds-service codes against
// these names; keep them stable.
import { COUNTRIES } from './countries.js'
import { identifyInstitution } from './formats/index.js'
import { emptyResult, parseBuiltin, prepare, type Prepared } from './parse.js'
import { buildTemplate, correctedValues, matchTemplates } from './templates.js'
import type { CorrectedFields, ParseInput, ParseOptions, ParseResult, UserTemplate } from './types.js'

export type {
  Channel,
  CorrectedFields,
  ParseInput,
  ParseOptions,
  ParseResult,
  RejectReason,
  TemplateField,
  TemplateFieldSpec,
  TxnType,
  UserTemplate,
} from './types.js'
export { FORMATS } from './formats/index.js'
export { normaliseSender } from './normalise.js'

function dateOrder(p: Prepared): 'DMY' | 'MDY' {
  const inst = identifyInstitution(p.sender, p.text)
  return inst ? COUNTRIES[inst.country].dateOrder : 'DMY'
}

/**
 * Parses one bank SMS / notification. Tries the user's templates for this sender first, then the built-in
 * institution formats, then the generic extractors. Never throws; work is bounded by the input cap.
 */
export function parseMessage(input: ParseInput, options?: ParseOptions): ParseResult {
  try {
    const p = prepare(input, options?.now)
    const builtin = parseBuiltin(p)
    const match = options?.templates ? matchTemplates(options.templates, p, dateOrder(p)) : null
    if (match === null) return builtin
    const f = match.fields
    const pick = <K extends keyof typeof f>(k: K): NonNullable<(typeof f)[K]> | null =>
      (f[k] ?? (builtin.isTransaction ? builtin[k] : null) ?? null) as NonNullable<(typeof f)[K]> | null
    return {
      isTransaction: true,
      type: pick('type'),
      amount: pick('amount'),
      currency: pick('currency'),
      merchant: pick('merchant'),
      accountLast4: pick('accountLast4'),
      balance: pick('balance'),
      occurredAt: pick('occurredAt'),
      channel: pick('channel'),
      reference: pick('reference'),
      confidence: 0.97,
      rejectReason: null,
      format: `user:${match.template.id ?? 'template'}`,
    }
  } catch {
    // Defensive: a bug in an extractor must degrade to "not parsed", never to an exception in the service.
    return emptyResult('not_a_transaction')
  }
}

/**
 * Learns a template for the message's sender from the user's corrections. Fields the user did not correct
 * are taken from the built-in parse. Returns null when no usable template can be built (e.g. the amount
 * does not appear in the text).
 */
export function learnTemplate(input: ParseInput, corrected: CorrectedFields, options?: Pick<ParseOptions, 'now'>): UserTemplate | null {
  try {
    const p = prepare(input, options?.now)
    const base = parseBuiltin(p)
    return buildTemplate(p, correctedValues(base, corrected ?? {}), dateOrder(p))
  } catch {
    return null
  }
}
