// Dates as banks write them: 12-03-24, 12/03/2024, 2024-03-12, 2024:03:12, 12Mar24, 12-MAR-2024,
// 12 March, Mar 12, 2024, 12/03 (no year), "12 de março", and month names in the languages we parse.
// Numeric day/month order comes from the country; the year, when missing, from the received-at date.
import { execAll, L } from './regex.js'

const MONTH_WORDS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['january', 'jan', 'janeiro', 'enero', 'ene', 'janvier', 'janv', 'januar', 'januari', 'jänner']],
  [2, ['february', 'feb', 'fevereiro', 'fev', 'febrero', 'février', 'fevrier', 'févr', 'fevr', 'februar', 'februari', 'febr']],
  [3, ['march', 'mar', 'março', 'marco', 'marzo', 'mars', 'märz', 'marz', 'mär', 'mrz', 'maart', 'mrt', 'maret', 'mac']],
  [4, ['april', 'apr', 'abril', 'abr', 'avril', 'avr']],
  [5, ['may', 'maio', 'mayo', 'mai', 'mei']],
  [6, ['june', 'jun', 'junho', 'junio', 'juin', 'juni']],
  [7, ['july', 'jul', 'julho', 'julio', 'juillet', 'juil', 'juli', 'julai']],
  [8, ['august', 'aug', 'agosto', 'ago', 'août', 'aout', 'augustus', 'agustus', 'agu', 'agt', 'ogos']],
  [9, ['september', 'sept', 'sep', 'setembro', 'set', 'septiembre', 'septembre']],
  [10, ['october', 'oct', 'outubro', 'out', 'octubre', 'octobre', 'oktober', 'okt']],
  [11, ['november', 'nov', 'novembro', 'noviembre', 'novembre']],
  [12, ['december', 'dec', 'dezembro', 'dez', 'diciembre', 'dic', 'décembre', 'decembre', 'déc', 'dezember', 'desember', 'des', 'disember']],
]

const MONTH_INDEX = new Map<string, number>()
for (const [n, words] of MONTH_WORDS) for (const w of words) MONTH_INDEX.set(w, n)
// Month-first dates ("Mar 12") only with English names: "set 12", "out 5" are ordinary words elsewhere.
const EN_MONTHS = new Set([
  'january',
  'jan',
  'february',
  'feb',
  'march',
  'mar',
  'april',
  'apr',
  'may',
  'june',
  'jun',
  'july',
  'jul',
  'august',
  'aug',
  'september',
  'sept',
  'sep',
  'october',
  'oct',
  'november',
  'nov',
  'december',
  'dec',
])

// Not preceded by "dd/mm/": in "14/03/2024:10:11:00" the year is followed by the time, not a month.
const ISO_RE = /(?<![\d])(?<!\d[-/.])(\d{4})[-/.:](\d{1,2})[-/.:](\d{1,2})(?!\d)/g
const NUMERIC_RE = /(?<![\d.,/])(?<!\d:)(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)(?![.,/]\d)(?!:\d(?!\d?:))/g
// The month is read as any 3-10 letter word and then looked up, instead of a ~100-word alternation tried
// at every digit; a word that is not a month simply yields no date.
const DAY_MONTH_RE = new RegExp(
  String.raw`(?<![${L}\d])(\d{1,2})(?:st|nd|rd|th|er|º)?[\s\-/.]{0,2}(?:de\s)?([${L}]{3,10})\.?(?![${L}])(?:(?:[\s\-/.,]{0,2}(?:de\s)?)('?\d{4}|'?\d{2})(?![\d:]))?`,
  'g',
)
const MONTH_DAY_RE = new RegExp(
  String.raw`(?<![${L}])((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6})\.?\s{0,2}(\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?\s{0,2}(\d{4})(?!\d))?`,
  'gi',
)
const DAY_MONTH_NUMERIC_RE = /(?<![\d.,/\-$€£₹])(?<!\d:)(\d{1,2})\/(\d{1,2})(?![\d/]|[.,]\d)/g

export interface DateMatch {
  iso: string
  start: number
  end: number
}

export interface DateContext {
  order: 'DMY' | 'MDY'
  receivedAt: Date | null
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

function iso(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

function fullYear(raw: string): number {
  const digits = raw.replace(/'/g, '')
  const n = Number(digits)
  return digits.length <= 2 ? (n >= 70 ? 1900 + n : 2000 + n) : n
}

/** Year for a date written without one: the received-at year, or the year before if that is in the future. */
function inferYear(m: number, d: number, receivedAt: Date | null): number | null {
  if (receivedAt === null) return null
  const y = receivedAt.getUTCFullYear()
  const candidate = Date.UTC(y, m - 1, d)
  // Allow a couple of days of clock/time-zone skew before deciding the date belongs to last year.
  return candidate > receivedAt.getTime() + 2 * 86_400_000 ? y - 1 : y
}

function withYear(m: number, d: number, yearRaw: string | undefined, ctx: DateContext): string | null {
  if (yearRaw) return iso(fullYear(yearRaw), m, d)
  const y = inferYear(m, d, ctx.receivedAt)
  return y === null ? null : iso(y, m, d)
}

/** All dates in the text, in order of position. Overlapping matches keep the earlier, more specific one. */
function add(out: DateMatch[], value: string | null, start: number, len: number): void {
  if (value === null) return
  const end = start + len
  for (const o of out) if (start < o.end && end > o.start) return
  out.push({ iso: value, start, end })
}

// French, Portuguese and German never write a numeric date month first, even from a month-first country
// ("Dépôt … le 05/06/2025" from a Canadian bank is 5 June). Spanish is left out: US Spanish alerts may.
const DAY_FIRST_BEFORE = /(?:^|\s)(?:le|du|au|em|am|vom|den)\s$/i

function orderAt(text: string, at: number, order: DateContext['order']): DateContext['order'] {
  return order === 'MDY' && DAY_FIRST_BEFORE.test(text.slice(Math.max(0, at - 5), at)) ? 'DMY' : order
}

export function findDates(text: string, ctx: DateContext): DateMatch[] {
  const out: DateMatch[] = []
  for (const m of execAll(ISO_RE, text)) {
    add(out, iso(Number(m[1]), Number(m[2]), Number(m[3])), m.index ?? 0, m[0].length)
  }
  for (const m of execAll(NUMERIC_RE, text)) {
    const a = Number(m[1])
    const b = Number(m[3])
    const y = fullYear(m[4] ?? '')
    // An impossible month settles the order regardless of country.
    let order = orderAt(text, m.index ?? 0, ctx.order)
    if (a > 12 && b <= 12) order = 'DMY'
    else if (b > 12 && a <= 12) order = 'MDY'
    add(out, order === 'DMY' ? iso(y, b, a) : iso(y, a, b), m.index ?? 0, m[0].length)
  }
  for (const m of execAll(DAY_MONTH_RE, text)) {
    const month = MONTH_INDEX.get((m[2] ?? '').toLowerCase())
    if (month === undefined) continue
    add(out, withYear(month, Number(m[1]), m[3], ctx), m.index ?? 0, m[0].length)
  }
  for (const m of execAll(MONTH_DAY_RE, text)) {
    const word = (m[1] ?? '').toLowerCase()
    const month = EN_MONTHS.has(word) ? MONTH_INDEX.get(word) : undefined
    if (month === undefined) continue
    add(out, withYear(month, Number(m[2]), m[3], ctx), m.index ?? 0, m[0].length)
  }
  for (const m of execAll(DAY_MONTH_NUMERIC_RE, text)) {
    const a = Number(m[1])
    const b = Number(m[2])
    let order = orderAt(text, m.index ?? 0, ctx.order)
    if (a > 12 && b <= 12) order = 'DMY'
    else if (b > 12 && a <= 12) order = 'MDY'
    const [month, day] = order === 'DMY' ? [b, a] : [a, b]
    add(out, withYear(month, day, undefined, ctx), m.index ?? 0, m[0].length)
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Parses receivedAt (ISO string or Date); invalid values become null rather than throwing. */
let lastDateString: string | null = null
let lastDate: Date | null = null

export function toDate(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  // Batches repeat the same receivedAt/now string; parsing it once is enough (Dates are never mutated here).
  if (typeof value === 'string' && value === lastDateString) return lastDate
  const d = value instanceof Date ? value : typeof value === 'string' && value.length <= 64 ? new Date(value) : null
  const out = d !== null && !Number.isNaN(d.getTime()) ? d : null
  if (typeof value === 'string') {
    lastDateString = value
    lastDate = out
  }
  return out
}
