// Numbers and money: reading "1,23,456.78" / "1.234,56" / "1 234,56" into a canonical decimal string, and
// finding currency+number pairs in text. All patterns are bounded (no nested unbounded quantifiers), so
// scanning hostile input such as "Rs " + "1,".repeat(50000) stays linear.
import { CASE_SENSITIVE, CURRENCY_TOKENS, DOLLAR, DOT_GROUPING, isThreeDecimal, minorUnits } from './currencies.js'
import { execAll } from './regex.js'

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
const PLAIN_INT = /^[1-9]\d{0,14}$/
const PLAIN_DECIMAL = /^(?:[1-9]\d{0,14}|0)\.\d{1,2}$/

export function parseNumber(raw: string, currency: string | null): string | null {
  // Fast paths for the common shapes ("500", "1234.50"); a 1-2 digit decimal part is never a grouping.
  if (PLAIN_INT.test(raw) || PLAIN_DECIMAL.test(raw)) return raw
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
const TWO_DECIMALS = /^\d+\.\d\d$/

export function formatAmount(canonical: string, currency: string | null): string {
  const exp = minorUnits(currency)
  if (exp === 2 && TWO_DECIMALS.test(canonical)) return canonical
  const [int = '0', fracRaw = ''] = canonical.split('.')
  let frac = fracRaw
  while (frac.length > exp && frac.endsWith('0')) frac = frac.slice(0, -1)
  if (frac.length < exp) frac = frac.padEnd(exp, '0')
  return frac.length > 0 ? `${int}.${frac}` : int
}

/**
 * Whether two decimal strings are the same amount ("1250", "1250.00" and "01250.0" are), compared as
 * digits, never as floats (which would call 0.1 + 0.2 and 0.30000000000000004 different, or two long
 * amounts equal). Anything that is not a plain decimal string is equal to nothing.
 */
export function sameAmount(a: string, b: string): boolean {
  const canonical = (value: string) => {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim())
    if (!m) return null
    return `${m[1]!.replace(/^0+(?=\d)/, '')}.${(m[2] ?? '').replace(/0+$/, '')}`
  }
  const left = canonical(a)
  return left !== null && left === canonical(b)
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

// Lower-cased written forms, and the lengths they come in, for the backwards/forwards token look-ups.
const FOLDED_FORMS = new Set(CURRENCY_TOKENS.map(([t]) => t.toLowerCase()))
const TOKEN_LENGTHS = [...new Set(CURRENCY_TOKENS.map(([t]) => t.length))].sort((a, b) => b - a)
// Characters a written form can end / start with: most numbers (dates, references, phone numbers) have
// neither next to them, so the look-ups are skipped.
const LAST_CHARS = new Set(CURRENCY_TOKENS.map(([t]) => t.slice(-1).toLowerCase()))
const FIRST_CHARS = new Set(CURRENCY_TOKENS.map(([t]) => t.charAt(0).toLowerCase()))

// Every number, found once; the currency is then looked up in the few characters on either side. This
// replaces two regexes that each tried ~130 alternatives at every position of the text.
const NUMBER_RE = new RegExp(String.raw`(?<!\d)${NUMBER_SOURCE}`, 'g')
const LETTER_RE = /\p{L}/u

/** One-character tests with an ASCII fast path (these run for every number in the text). */
function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0)
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
  return LETTER_RE.test(ch)
}

function isLetterOrDigit(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return (c >= 48 && c <= 57) || isLetter(ch)
}
const SPACE = /\s/
const MARKER = /^\s?(CR|DR|Cr|Dr)\b/

function isSpace(ch: string | undefined): boolean {
  if (ch === undefined) return false
  const c = ch.charCodeAt(0)
  if (c === 32 || c === 10 || c === 9) return true
  return c > 127 && SPACE.test(ch)
}

// Lower-cased last two characters of every form of length >= 2, and the one-character forms: a number
// preceded by "on ", "no ", "XX", "ref " is rejected without slicing.
const LAST_TWO = new Set(CURRENCY_TOKENS.filter(([t]) => t.length >= 2).map(([t]) => t.slice(-2).toLowerCase()))
const ONE_CHAR = new Set(CURRENCY_TOKENS.filter(([t]) => t.length === 1).map(([t]) => t.toLowerCase()))
const NO_TOKENS: readonly string[] = []
const MAX_TOKEN = TOKEN_LENGTHS[0] ?? 0

/** Written currency forms (as written) ending at `end`, longest first. */
function tokensEndingAt(text: string, end: number): readonly string[] {
  const last = text.charAt(end - 1).toLowerCase()
  if (!LAST_CHARS.has(last)) return NO_TOKENS
  if (!ONE_CHAR.has(last) && !LAST_TWO.has(text.slice(Math.max(0, end - 2), end).toLowerCase())) return NO_TOKENS
  const raw = text.slice(Math.max(0, end - MAX_TOKEN), end)
  const folded = raw.toLowerCase()
  if (folded.length !== raw.length) return NO_TOKENS // case folding changed the length: not a currency form
  let out: string[] | null = null
  for (const len of TOKEN_LENGTHS) {
    if (len > folded.length) continue
    if (FOLDED_FORMS.has(folded.slice(folded.length - len))) (out ??= []).push(raw.slice(raw.length - len))
  }
  return out ?? NO_TOKENS
}

/** The longest written currency form starting at `start` that is not glued to a following letter. */
function tokenStartingAt(text: string, start: number): string | null {
  if (!FIRST_CHARS.has(text.charAt(start).toLowerCase())) return null
  for (const len of TOKEN_LENGTHS) {
    if (start + len > text.length) continue
    const cand = text.slice(start, start + len)
    if (FOLDED_FORMS.has(cand.toLowerCase()) && !(start + len < text.length && isLetter(text.charAt(start + len)))) return cand
  }
  return null
}

interface Side {
  start: number
  token: string
  negative: boolean
}

/**
 * "<token>\s?[:.]?\s?-?<number>": the token before a number. Among the ways to split the separator, the one
 * whose token starts leftmost wins (what a left-to-right regex would have matched).
 */
function prefixOf(text: string, numStart: number): Side | null {
  const direct = prefixBefore(text, numStart, false)
  if (text.charCodeAt(numStart - 1) !== 45 /* - */) return direct
  const signed = prefixBefore(text, numStart - 1, true)
  if (signed === null) return direct
  return direct === null || signed.start <= direct.start ? signed : direct
}

function prefixBefore(text: string, i: number, negative: boolean): Side | null {
  let best: Side | null = null
  // separator = \s?[:.]?\s? read backwards from i; each possible split ends the token at another place
  let j = i
  for (let step = 0; step < 4; step++) {
    if (step === 1 && !isSpace(text[j - 1])) step++
    if (step === 2 && text[j - 1] !== ':' && text[j - 1] !== '.') step++
    if (step === 3 && !isSpace(text[j - 1])) break
    if (step > 0) j--
    if (j <= 0) break
    for (const token of tokensEndingAt(text, j)) {
      // "(-)?<token>": the sign before the token counts only if the lookbehind holds before it; otherwise
      // the token alone may still start a match ("BAL-Rs.273.99").
      const tStart = j - token.length
      let start = tStart
      let neg = negative
      if (text.charCodeAt(tStart - 1) === 45 && !isWordChar(text, tStart - 2)) {
        start = tStart - 1
        neg = true
      } else if (isWordChar(text, tStart - 1)) continue
      if (best === null || start < best.start) best = { start, token, negative: neg }
    }
  }
  return best
}

function isWordChar(text: string, i: number): boolean {
  const ch = text[i]
  return ch !== undefined && isLetterOrDigit(ch)
}

function markerAt(text: string, end: number): { marker: 'debit' | 'credit' | null; end: number } {
  const m = MARKER.exec(text.slice(end, end + 4))
  if (!m) return { marker: null, end }
  return { marker: markerOf(m[1]), end: end + m[0].length }
}

const EXACT_TOKEN = new Map<string, string>()
const FOLDED_TOKEN = new Map<string, string>()
for (const [t, code] of CURRENCY_TOKENS) {
  if (!EXACT_TOKEN.has(t)) EXACT_TOKEN.set(t, code)
  if (!CASE_SENSITIVE.has(t) && !FOLDED_TOKEN.has(t.toLowerCase())) FOLDED_TOKEN.set(t.toLowerCase(), code)
}

/** Resolves a matched token to its ISO code, honouring case-sensitive tokens. */
export function currencyOfToken(token: string): string | null {
  return EXACT_TOKEN.get(token) ?? FOLDED_TOKEN.get(token.toLowerCase()) ?? null
}

function markerOf(m: string | undefined): 'debit' | 'credit' | null {
  if (!m) return null
  return m.toUpperCase() === 'CR' ? 'credit' : 'debit'
}

/** "-?<number>\s?<token>": the currency written after a number, or null. */
function suffixMoney(text: string, n: BareNumber, found: readonly MoneyMatch[], prefixed: number): MoneyMatch | null {
  let start = n.start
  let negative = false
  if (text[start - 1] === '-') {
    start--
    negative = true
  }
  const before = text[start - 1]
  if (before !== undefined && (isLetterOrDigit(before) || before === '.' || before === ',' || before === '-')) return null
  let tokenStart = isSpace(text[n.end]) ? n.end + 1 : n.end
  let token = tokenStartingAt(text, tokenStart)
  if (token === null && tokenStart > n.end) {
    tokenStart = n.end
    token = tokenStartingAt(text, tokenStart)
  }
  if (token === null) return null
  const currency = currencyOfToken(token)
  if (currency === null) return null
  const mk = markerAt(text, tokenStart + token.length)
  const end = mk.end
  for (let k = 0; k < prefixed; k++) {
    const f = found[k]
    if (f !== undefined && start < f.end && end > f.start) return null
  }
  // A bare "R"/"P" after a number is almost always the start of a word or code, not a currency; a symbol
  // ("12,30 €", "1,280円", "45,000원", "250.000₫") is written after the number in many locales.
  if (token.length === 1 && /[A-Za-z]/.test(token)) return null
  // "200,00 kr" is Swedish/Norwegian/Danish money; only as a suffix, and only on a decimal amount.
  if ((token === 'kr' || token === 'kr.') && !/[.,]\d{2}$/.test(n.raw)) return null
  return { start, end, raw: n.raw, currency, negative, marker: mk.marker }
}

const ISO_AFTER = /^\s?\(?([A-Z]{3})\)?(?![A-Za-z])/

function isoCodeAfter(text: string, end: number): { code: string; end: number } | null {
  const m = ISO_AFTER.exec(text.slice(end, end + 7))
  if (m === null) return null
  const code = currencyOfToken(m[1] ?? '')
  return code === null || code === DOLLAR ? null : { code, end: end + m[0].length }
}

export interface BareNumber {
  start: number
  end: number
  raw: string
}

/**
 * Every currency+number pair in the text, in order of position, without overlaps. Numbers with no
 * currency next to them are appended to `bare` when given (labelled amounts are read from those).
 */
export function scanMoney(text: string, bare?: BareNumber[]): MoneyMatch[] {
  const numbers: Array<{ start: number; end: number; raw: string }> = []
  for (const m of execAll(NUMBER_RE, text)) {
    const start = m.index ?? 0
    numbers.push({ start, end: start + m[0].length, raw: m[0] })
    if (numbers.length > 400) break
  }
  const found: MoneyMatch[] = []
  const rest: typeof numbers = []
  for (const n of numbers) {
    const pre = prefixOf(text, n.start)
    const currency = pre === null ? null : currencyOfToken(pre.token)
    if (pre === null || currency === null) {
      rest.push(n)
      continue
    }
    const mk = markerAt(text, n.end)
    // "R12AB", "RM8MN540MT" are codes, not money: a short alphabetic token glued to digits glued to letters.
    // "Rs.500debited" is still money.
    if (/^[A-Za-z]{1,2}\.?$/.test(pre.token) && n.end < text.length && isLetter(text.charAt(n.end)) && mk.marker === null) {
      rest.push(n)
      continue
    }
    // A lone "P" (Philippine peso) only before a written decimal amount: "P250.00", not "P2P" or "P1".
    if (pre.token === 'P' && !/[.,]\d{2}$/.test(n.raw)) {
      rest.push(n)
      continue
    }
    // "$458.00 MXN", "$150.00 (CAD)": an ISO code written after a dollar sum says which dollar (or peso) it is.
    const iso = currency === DOLLAR && mk.marker === null ? isoCodeAfter(text, n.end) : null
    if (iso !== null) found.push({ start: pre.start, end: iso.end, raw: n.raw, currency: iso.code, negative: pre.negative, marker: null })
    else found.push({ start: pre.start, end: mk.end, raw: n.raw, currency, negative: pre.negative, marker: mk.marker })
  }
  const prefixed = found.length
  for (const n of rest) {
    const m = suffixMoney(text, n, found, prefixed)
    if (m !== null) found.push(m)
    else bare?.push(n)
  }
  return found.sort((a, b) => a.start - b.start)
}
