// The built-in pipeline: normalise -> identify institution/country -> find money -> classify -> extract
// fields -> apply the institution's format patterns -> score confidence.
import { classify } from './classify.js'
import { COUNTRIES, countryOfCurrency, countryOfPhoneSender, type CountryProfile } from './countries.js'
import { findDates, toDate } from './dates.js'
import { extractAccount } from './extractors/account.js'
import { findMoney, pickAmount, pickBalance, type MoneyCandidate } from './extractors/amounts.js'
import { detectChannel } from './extractors/channel.js'
import { cleanName, extractMerchant } from './extractors/merchant.js'
import { extractReference } from './extractors/reference.js'
import { detectType, maskNonDirectional } from './extractors/type.js'
import { identifyInstitution, type InstitutionFormat } from './formats/index.js'
import { formatAmount, parseNumber } from './money.js'
import { isIndianDltSender, normaliseSender, normaliseText } from './normalise.js'
import type { CountryCode, ParseInput, ParseResult, RejectReason, TxnType } from './types.js'

/** Lower-cases without changing the length, so positions found in one string index the other. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase()
  if (lower.length === text.length) return lower
  let out = ''
  for (const ch of text) {
    const l = ch.toLowerCase()
    out += l.length === ch.length ? l : ch
  }
  return out
}

export function emptyResult(reason: RejectReason, confidence = 0): ParseResult {
  return {
    isTransaction: false,
    type: null,
    amount: null,
    currency: null,
    merchant: null,
    accountLast4: null,
    balance: null,
    occurredAt: null,
    channel: null,
    reference: null,
    confidence,
    rejectReason: reason,
    format: null,
  }
}

export interface Prepared {
  text: string
  lower: string
  sender: string | null
  rawSender: unknown
  /** reference date for a date written without a year: receivedAt, else the caller's `now`, else null */
  receivedAt: Date | null
}

export function prepare(input: ParseInput, now?: string | Date | null): Prepared {
  const text = normaliseText(input?.text)
  return {
    text,
    lower: lowerSameLength(text),
    sender: normaliseSender(input?.sender),
    rawSender: input?.sender,
    receivedAt: toDate(input?.receivedAt as string | Date | null | undefined) ?? toDate(now),
  }
}

function countryOf(p: Prepared, inst: InstitutionFormat | null): CountryCode | null {
  if (inst) return inst.country
  if (isIndianDltSender(p.rawSender)) return 'IN'
  return countryOfPhoneSender(p.sender)
}

function patternFields(
  inst: InstitutionFormat | null,
  text: string,
): { id: string; groups: Record<string, string | undefined>; type?: TxnType; channel?: ParseResult['channel'] } | null {
  for (const pat of inst?.patterns ?? []) {
    const m = pat.re.exec(text)
    if (m) return { id: pat.id, groups: m.groups ?? {}, type: pat.type, channel: pat.channel }
  }
  return null
}

const NOT_TXN_DATE =
  /\b(?:due(?: on| by| date)?|by|before|till|until|expir\w*|valid(?: up ?to| till| until)?|vence(?: em| el)?|vencimento|from|period)\s?:?\s?$/

function money(c: MoneyCandidate | null): string | null {
  return c === null ? null : formatAmount(c.value, c.currency)
}

export function parseBuiltin(p: Prepared): ParseResult {
  const { text, lower } = p
  if (text.length === 0 || !/\d/.test(text)) return emptyResult('not_a_transaction')
  const inst = identifyInstitution(p.sender, text)
  let country = countryOf(p, inst)
  let profile: CountryProfile | null = country ? COUNTRIES[country] : null
  const cands = findMoney(text, lower, profile)
  const amount = pickAmount(cands)

  const cls = classify(
    lower,
    amount !== null,
    cands.some((c) => c.role === 'amount'),
  )
  if (cls.reason !== null) return emptyResult(cls.reason, cls.confidence)
  if (amount === null) return emptyResult('not_a_transaction')

  if (country === null) {
    country = countryOfCurrency(amount.currency)
    profile = country ? COUNTRIES[country] : null
  }

  const masked = maskNonDirectional(lower)
  const evidence = detectType(masked, amount.start)
  const pattern = patternFields(inst, text)
  let type: TxnType | null = pattern?.type ?? amount.marker ?? (amount.negative ? 'debit' : evidence.type)
  const account = pattern?.groups.account ?? extractAccount(text, type)
  const spentAt = /^\s?(?:at|@)\s\S/.test(lower.slice(amount.end, amount.end + 6))
  // "£4.50 at Pret A Manger" names no channel but is a point-of-sale (card) spend.
  const channel = pattern?.channel ?? detectChannel(lower, inst?.channel ?? null) ?? (spentAt ? 'card' : null)
  if (type === null) {
    // "INR 1,500.00 at AMAZON on HDFC Bank Card XX1234": no verb, but a card/account and a sum from a known
    // institution is a spend. Without those, a lone sum is not evidence of a transaction.
    if (inst !== null && account !== null && (channel === 'card' || /\bat\s/.test(lower))) type = 'debit'
    // Notification style "£4.50 at Pret A Manger": a sum directly followed by "at <place>" is a spend.
    else if (spentAt) type = 'debit'
    else return emptyResult('not_a_transaction', 0.3)
  }

  let amountStr = money(amount)
  let currency = amount.currency
  if (pattern?.groups.amount) {
    const v = parseNumber(pattern.groups.amount, currency)
    if (v !== null) amountStr = formatAmount(v, currency)
  }
  const balanceCand = pickBalance(cands, amount)
  let balance = money(balanceCand)
  if (pattern?.groups.balance) {
    const v = parseNumber(pattern.groups.balance, currency)
    if (v !== null) balance = formatAmount(v, currency)
  }
  if (currency === null && profile) currency = profile.currency

  const dateCtx = { order: profile?.dateOrder ?? 'DMY', receivedAt: p.receivedAt } as const
  const patternDate = pattern?.groups.date ? findDates(pattern.groups.date, dateCtx)[0]?.iso : undefined
  // Skip dates that are not when the money moved: due dates, validity/expiry and "by <date>" promises.
  const occurredAt =
    patternDate ??
    findDates(text, dateCtx).find(
      (d) => (d.end <= amount.start || d.start >= amount.end) && !NOT_TXN_DATE.test(lower.slice(Math.max(0, d.start - 24), d.start)),
    )?.iso ??
    null

  // A cash withdrawal has no merchant; the "at SBI ATM S1AW000123" terminal id is not one.
  const merchantRaw =
    pattern?.groups.merchant !== undefined
      ? (cleanName(pattern.groups.merchant) ?? pattern.groups.merchant.trim())
      : channel === 'atm'
        ? null
        : extractMerchant(text, type)
  const reference = pattern?.groups.ref ?? extractReference(text)

  let confidence: number
  if (pattern) confidence = 0.95
  else {
    const found = [amount.explicit, account !== null, occurredAt !== null, merchantRaw !== null, reference !== null || balance !== null, evidence.strength >= 3]
    const n = found.filter(Boolean).length
    // A recognised institution with most fields found is a known format (>= 0.9); the generic extractor
    // on an unknown sender stays within 0.5-0.75.
    confidence = inst !== null ? Math.min(0.94, 0.66 + 0.05 * n) : Math.min(0.75, 0.45 + 0.05 * n)
  }

  return {
    isTransaction: true,
    type,
    amount: amountStr,
    currency,
    merchant: merchantRaw,
    accountLast4: account,
    balance,
    occurredAt,
    channel,
    reference,
    confidence: Math.round(confidence * 100) / 100,
    rejectReason: null,
    format: pattern?.id ?? inst?.id ?? 'generic',
  }
}
