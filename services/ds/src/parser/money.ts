// Numbers and money: reading "1,23,456.78" / "1.234,56" / "1 234,56" into a canonical decimal string, and
// finding currency+number pairs in text. All patterns are bounded (no nested unbounded quantifiers), so
// scanning hostile input such as "Rs " + "1,".repeat(50000) stays linear.
import { CASE_SENSITIVE, CURRENCY_TOKENS, DOT_GROUPING, isThreeDecimal, minorUnits } from './currencies.js'

/**
 * One number as written. Alternatives, in order: comma grouping (Western and Indian lakh/crore) with an
 * optional dot decimal; dot grouping with an optional comma decimal; space/apostrophe grouping (exactly
 * three-digit groups); plain digits with an optional decimal part.
 */
export const NUMBER_SOURCE =
  String.raw`(?:\d{1,3}(?:,\d{2,3}){1,6}(?:\.\d{1,3})?(?!\d)(?!,\d)` +
  String.raw`|\d{1,3}(?:\.\d{3}){1,5}(?:,\d{1,3})?(?!\d)(?!\.\d)` +
  String.raw`|\d{1,3}(?:[ '’]\d{3}){1,5}(?:[.,]\d{1,3})?(?!\d)` +
  String.raw`|\d{1,15}(?:[.,]\d{1,3})?(?!\d))`

/**
 * Canonical decimal string ("1234.5", "150000") of a number as written, or null when it is not a number.
 * A lone separator followed by exactly three digits is ambiguous: "1,234" is a thousand everywhere;
 * "1.234" is a thousand for dot-grouping currencies (EUR, IDR, BRL...), 1.234 for KWD/BHD/OMR, and a
 * decimal otherwise.
 */
export function parseNumber(raw: string, currency: string | null): string | null {
  let s = raw.replace(/[ '’]/g, '')
  if (!/^\d[\d.,]*$/.test(s) || s.length > 24) return null
  const lastComma = s.lastIndexOf(',')
  const lastDot = s.lastIndexOf('.')
  let intPart: string
  let frac = ''
  if (lastComma >= 0 && lastDot >= 0) {
    const decIdx = Math.max(lastComma, lastDot)
    intPart = s.slice(0, decIdx).replace(/[.,]/g, '')
    frac = s.slice(decIdx + 1)
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.'
    const parts = s.split(sep)
    const after = parts[parts.length - 1] ?? ''
    if (parts.length > 2) {
      intPart = parts.join('')
    } else if (after.length === 3) {
      const decimal = sep === '.' ? isThreeDecimal(currency) || !DOT_GROUPING.has(currency ?? '') : isThreeDecimal(currency)
      if (decimal) {
        intPart = parts[0] ?? ''
        frac = after
      } else {
        intPart = parts.join('')
      }
    } else {
      intPart = parts[0] ?? ''
      frac = after
    }
  } else {
    intPart = s
  }
  s = intPart.replace(/^0+(?=\d)/, '')
  if (!/^\d+$/.test(s) || !/^\d*$/.test(frac)) return null
  return frac.length > 0 ? `${s}.${frac}` : s
}

/** Pads (or trims trailing zeros) to the currency's minor units: ("1234.5","INR") -> "1234.50". */
export function formatAmount(canonical: string, currency: string | null): string {
  const exp = minorUnits(currency)
  const [int = '0', fracRaw = ''] = canonical.split('.')
  let frac = fracRaw
  while (frac.length > exp && frac.endsWith('0')) frac = frac.slice(0, -1)
  if (frac.length < exp) frac = frac.padEnd(exp, '0')
  return frac.length > 0 ? `${int}.${frac}` : int
}

/** Numeric value for comparisons (never used for output). */
export function amountValue(canonical: string): number {
  return Number(canonical)
}

export interface MoneyMatch {
  start: number
  end: number
  /** the number as written */
  raw: string
  /** ISO code, '$' for an unresolved dollar, or null for a bare number */
  currency: string | null
  negative: boolean
  /** a trailing CR/DR marker ("Rs.1234.56CR", "NGN5,000.00 DR") */
  marker: 'debit' | 'credit' | null
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const tokensByLength = [...CURRENCY_TOKENS].sort((a, b) => b[0].length - a[0].length)
const TOKEN_SOURCE = tokensByLength.map(([t]) => escapeRe(t)).join('|')

const PREFIX_RE = new RegExp(
  String.raw`(?<![\p{L}\d])(-)?(${TOKEN_SOURCE})\s?[:.]?\s?(-)?(${NUMBER_SOURCE})(?:\s?(CR|DR|Cr|Dr)\b)?`,
  'giu',
)
const SUFFIX_RE = new RegExp(
  String.raw`(?<![\p{L}\d.,-])(-)?(${NUMBER_SOURCE})\s?(${TOKEN_SOURCE})(?![\p{L}])(?:\s?(CR|DR|Cr|Dr)\b)?`,
  'giu',
)

/** Resolves a matched token to its ISO code, honouring case-sensitive tokens. */
export function currencyOfToken(token: string): string | null {
  let fallback: string | null = null
  for (const [t, code] of CURRENCY_TOKENS) {
    if (t === token) return code
    if (fallback === null && !CASE_SENSITIVE.has(t) && t.toLowerCase() === token.toLowerCase()) fallback = code
  }
  return fallback
}

function markerOf(m: string | undefined): 'debit' | 'credit' | null {
  if (!m) return null
  return m.toUpperCase() === 'CR' ? 'credit' : 'debit'
}

/** Every currency+number pair in the text, in order of position, without overlaps. */
export function scanMoney(text: string): MoneyMatch[] {
  const found: MoneyMatch[] = []
  for (const m of text.matchAll(PREFIX_RE)) {
    const token = m[2] ?? ''
    const currency = currencyOfToken(token)
    const raw = m[4] ?? ''
    const start = m.index ?? 0
    const end = start + m[0].length
    if (currency === null) continue
    // "R12AB" is a code, not rand; "Rs.500debited" is still money.
    // "R12AB", "RM8MN540MT" are codes, not money: a short alphabetic token glued to digits glued to letters.
    if (/^[A-Za-z]{1,2}\.?$/.test(token) && /^[\p{L}]/u.test(text.slice(end, end + 1)) && !m[5]) continue
    found.push({ start, end, raw, currency, negative: Boolean(m[1] || m[3]), marker: markerOf(m[5]) })
  }
  for (const m of text.matchAll(SUFFIX_RE)) {
    const token = m[3] ?? ''
    const currency = currencyOfToken(token)
    const start = m.index ?? 0
    const end = start + m[0].length
    if (currency === null) continue
    if (found.some((f) => start < f.end && end > f.start)) continue
    // A bare "R"/"SR"/"RM" after a number is almost always the start of a word or code, not a currency.
    if (token.length === 1 && token !== '€' && token !== '£' && token !== '$' && token !== '₹') continue
    found.push({ start, end, raw: m[2] ?? '', currency, negative: Boolean(m[1]), marker: markerOf(m[4]) })
  }
  return found.sort((a, b) => a.start - b.start)
}
