// Money candidates with a role. A message can mention several sums - the transaction amount, the balance
// (sometimes BEFORE the amount), an available limit, a fee, a cashback - so each sum is labelled from the
// words right before/after it, and only an 'amount' is ever taken as the transaction amount.
import type { CountryProfile } from '../countries.js'
import { DOLLAR } from '../currencies.js'
import { parseNumber, scanMoney, type BareNumber } from '../money.js'
import { execAll } from '../regex.js'

/**
 * 'limit' is a card's available or total credit limit: not money the user has (so never the balance)
 * and never the transaction.
 */
export type MoneyRole = 'amount' | 'balance' | 'limit' | 'fee' | 'due' | 'other'

export interface MoneyCandidate {
  start: number
  end: number
  /** canonical decimal (not yet padded to minor units) */
  value: string
  /** resolved ISO code, or null when neither the text nor the country says */
  currency: string | null
  /** true when a currency was written next to the number */
  explicit: boolean
  negative: boolean
  marker: 'debit' | 'credit' | null
  role: MoneyRole
}

// Last balance-like keyword in the window before a sum.
const BALANCE_BEFORE =
  /(?:\bbal(?:ance)?\b|\bbal(?=[.:])|\bavl\b|\bavail(?:able)?\b|\bavlbl\b|\bav(?:ai)?l\.?bal|\bavbl\b|\blimit\b|\blmt\b|\bsaldo\b|\bsolde\b|\bkontostand\b|\bguthaben\b|\bbaki\b|رصيد|الرصيد|\bclosing\b|잔액|残高)/g
// "Rs 12,345 avl bal" - but not when the keyword labels the NEXT number ("CR Amt:294.90\nBal:9.72").
const BALANCE_AFTER =
  /^[ .,:]{0,3}(?:is\s+)?(?:your\s+|the\s+)?(?:avl\.?|available|current|new|closing|updated|total|ledger)?\s?bal(?:ance)?\b(?![ .:-]{0,3}(?:is\s)?(?:[a-z]{1,4}\.?\s?|[₹$€£]\s?)?\d)/
// Words which, between a balance keyword and the sum, show the sum is the transaction instead.
const TXN_WORDS =
  /debit|credit|paid|sent|spent|receiv|withdr|purchase|transfer|txn|transaction|payment|deposit|charged|\bdr\b|\bcr\b|refund|compra|pago|pagamento|paiement|zahlung|betaling|pembayaran|transaksi|شراء|خصم|تحويل/
const FEE_BEFORE = /(?:\bfees?|\bcharges|\bcost|\bcommission|\bsurcharge|\bgst|\bvat|\blevy|\btarifa|\bfrais|\bbiaya|\bgebühr|رسوم)\s?(?:of|is|:|,|-)?\s?$/
const DUE_BEFORE = /(?:\bdue\b|\boutstanding\b|\bo\/s\b|\bmin(?:imum)?\.?\s?(?:amt|amount)\b|\bstatement\b|\bbill\b)[^\d\n]{0,14}$/
const OTHER_BEFORE =
  /(?:\bcash\s?back\b|\breward|\bpoints?\b|\bsave(?:d)?\b|\bwin\b|\bup\s?to\b|\bupto\b|\bwithin the day\b|\blimit of\b|\bthreshold\b)[^\d\n]{0,10}$/

// Numbers with no currency next to them but a label that makes them money: "debited by 500.0" (SBI),
// "DR Amt:5,000.00" (Zenith), "Bal:12,345.67".
// Read backwards from each bare number (one found by the money scan with no currency next to it).
const LABEL_AMOUNT_BEFORE =
  /(?:\bamt\b|\bamount\b|\bdebited (?:by|for|with)|\bcredited (?:by|with)|\bsum of|\bvalor(?: de)?|\bmontant(?: de)?|\bbetrag|\bbedrag|\bjumlah|\bnominal|\bsebesar|مبلغ)\s?[:.-]?\s?(?:of\s)?$/i
const LABEL_BALANCE_BEFORE = /(?:\bbal(?:ance)?|\bavl\.? bal|\bavail(?:able)?\.? bal(?:ance)?)\s?[:.-]?\s?(?:is\s)?$/i
const NOT_AFTER_LABELLED = /^[\d/:-]/
// A balance-like label that names a credit limit: "avl lmt", "available credit (limit)", "credit limit",
// "avl cr lmt", "limite disponible". Checked on the label before a sum that roleOf reads as a balance.
const LIMIT_LABEL = /\b(?:limit|lmt|limite|límite)\b|\b(?:avl|avail(?:able)?|avbl)\.?\s*(?:cr\.?|credit)(?!\w)/i

// Keyword pre-checks for the end-anchored patterns below: an end-anchored regex is tried from every start
// position, a plain keyword scan is not.
const FEE_WORDS = /fee|charge|cost|commission|gst|vat|levy|tarifa|frais|biaya|gebühr|رسوم/
const OTHER_WORDS = /cash|reward|point|save|win|up|within the day|limit of|threshold/
const DUE_WORDS = /due|outstanding|o\/s|min|statement|bill/
const BALANCE_WORDS = /bal|avl|avail|avbl|limit|lmt|saldo|solde|kontostand|guthaben|baki|رصيد|closing|잔액|残高/

function hasAny(s: string, words: RegExp): boolean {
  return words.test(s)
}

function roleOf(lower: string, start: number, end: number, prevEnd: number): MoneyRole {
  const windowStart = Math.max(prevEnd, start - 45)
  const before = lower.slice(windowStart, start)
  // The end-anchored patterns only ever look at the last few characters (longest keyword + filler, and one
  // more so a word boundary is real): test those instead of making the engine try every start position.
  const feeWindow = before.slice(-17)
  if (hasAny(feeWindow, FEE_WORDS) && FEE_BEFORE.test(feeWindow)) return 'fee'
  const otherWindow = before.slice(-26)
  if (hasAny(otherWindow, OTHER_WORDS) && OTHER_BEFORE.test(otherWindow)) return 'other'
  let lastBal = -1
  let lastBalEnd = -1
  for (const m of hasAny(before, BALANCE_WORDS) ? execAll(BALANCE_BEFORE, before) : []) {
    lastBal = m.index ?? -1
    lastBalEnd = lastBal + m[0].length
  }
  if (lastBal >= 0) {
    const filler = before.slice(lastBalEnd)
    // "...balance is low. Rs 500 debited": a sentence ended between the keyword and the sum.
    if (!TXN_WORDS.test(filler.replace(/\bcr(?:edit)?\b\.?/g, '')) && !/\p{L}{3,}[.!?]\s/u.test(filler)) {
      // "Avl Lmt: INR 1,20,000", "Available credit: USD 3,210", "Avl Cr Limit": the card's limit, not a balance.
      const label = before.slice(Math.max(0, lastBal - 12))
      return LIMIT_LABEL.test(label) ? 'limit' : 'balance'
    }
  }
  const dueWindow = before.slice(-32)
  if (hasAny(dueWindow, DUE_WORDS) && DUE_BEFORE.test(dueWindow)) return 'due'
  if (BALANCE_AFTER.test(lower.slice(end, end + 40))) return 'balance'
  return 'amount'
}

interface Span {
  start: number
  end: number
  raw: string
  currency: string | null
  explicit: boolean
  negative: boolean
  marker: 'debit' | 'credit' | null
  forced?: MoneyRole
}

const MARKER_AFTER = /^\s?(CR|DR)\b/i

function addLabelled(text: string, spans: Span[], bare: readonly BareNumber[]): void {
  for (const n of bare) {
    if (NOT_AFTER_LABELLED.test(text.charAt(n.end))) continue
    const before = text.slice(Math.max(0, n.start - 32), n.start)
    const forced: MoneyRole | null = LABEL_BALANCE_BEFORE.test(before) ? 'balance' : LABEL_AMOUNT_BEFORE.test(before) ? 'amount' : null
    if (forced === null) continue
    const after = MARKER_AFTER.exec(text.slice(n.end, n.end + 4))
    const marker = after ? (after[1]?.toUpperCase() === 'CR' ? 'credit' : 'debit') : null
    spans.push({ start: n.start, end: n.end, raw: n.raw, currency: null, explicit: false, negative: false, marker, forced })
  }
}

function resolveCurrency(c: string | null, country: CountryProfile | null, explicitCurrency: string | null): string | null {
  if (c === DOLLAR) return country?.dollar ?? 'USD'
  if (c !== null) return c
  return country?.currency ?? explicitCurrency
}

export function findMoney(text: string, lower: string, country: CountryProfile | null): MoneyCandidate[] {
  const bare: BareNumber[] = []
  const raw = scanMoney(text, bare)
  let explicitCurrency: string | null = null
  for (const m of raw) {
    if (m.currency !== null && m.currency !== DOLLAR) {
      explicitCurrency = m.currency
      break
    }
  }
  const spans: Span[] = raw.map((m) => ({
    start: m.start,
    end: m.end,
    raw: m.raw,
    currency: m.currency,
    explicit: true,
    negative: m.negative,
    marker: m.marker,
  }))
  if (bare.length > 0) addLabelled(text, spans, bare)
  spans.sort((a, b) => a.start - b.start)

  const out: MoneyCandidate[] = []
  let prevEnd = 0
  for (const s of spans) {
    const currency = resolveCurrency(s.currency, country, explicitCurrency)
    const value = parseNumber(s.raw, currency)
    if (value !== null) {
      const role = s.forced === 'balance' ? 'balance' : roleOf(lower, s.start, s.end, prevEnd)
      out.push({ start: s.start, end: s.end, value, currency, explicit: s.explicit, negative: s.negative, marker: s.marker, role })
    }
    prevEnd = s.end
  }
  return out
}

/** The transaction amount: the first 'amount' sum with a written currency, else a labelled one, else a cashback-like one. */
const NON_ZERO = /[1-9]/
function isZero(c: MoneyCandidate): boolean {
  return !NON_ZERO.test(c.value)
}

export function pickAmount(cands: readonly MoneyCandidate[]): MoneyCandidate | null {
  return (
    cands.find((c) => c.role === 'amount' && c.explicit && !isZero(c)) ??
    cands.find((c) => c.role === 'amount' && !isZero(c)) ??
    cands.find((c) => c.role === 'other' && !isZero(c)) ??
    null
  )
}

export function pickBalance(cands: readonly MoneyCandidate[], amount: MoneyCandidate | null): MoneyCandidate | null {
  return cands.find((c) => c.role === 'balance' && c !== amount) ?? null
}
