/**
 * Display helpers. Amounts stay decimal strings end to end: Intl.NumberFormat formats a numeric string
 * exactly (no float rounding), and nothing here adds amounts up (the API's summary does, per currency).
 */
const moneyFormats = new Map<string, Intl.NumberFormat>()

export function formatMoney(amount: string, currency: string): string {
  let format = moneyFormats.get(currency)
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency, currencyDisplay: 'code' })
    } catch {
      return `${amount} ${currency}`
    }
    moneyFormats.set(currency, format)
  }
  // The string overload keeps every digit (Intl.NumberFormat v3); the cast is only for older lib typings.
  return format.format(amount as unknown as number)
}

/** Formatters are costly to build and lists re-render on every poll: one per style and zone. */
const dateFormats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' as const } : {}), timeZone })
    dateFormats.set(key, format)
  }
  return format
}

export function formatDateTime(iso: string, timeZone: string): string {
  return dateFormat(timeZone, true).format(new Date(iso))
}

export function formatDate(iso: string, timeZone: string): string {
  return dateFormat(timeZone, false).format(new Date(iso))
}

/** "2026-03" -> "Mar 2026" (a month key of the summary, already in the user's time zone). */
export function formatMonthKey(key: string): string {
  const [year, month] = key.split('-').map(Number)
  if (!year || !month) return key
  return new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1))
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, offsetDays = 0): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  )
  return parts
}

/** The local date-time of an instant in a time zone, as <input type="datetime-local"> wants it. */
export function toLocalInput(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`
}

export const CATEGORY_LABELS: Record<string, string> = {
  food: 'Food & dining',
  groceries: 'Groceries',
  transport: 'Transport',
  shopping: 'Shopping',
  bills: 'Bills & utilities',
  entertainment: 'Entertainment',
  health: 'Health',
  travel: 'Travel',
  transfers: 'Transfers',
  income: 'Income',
  other: 'Other',
}

export const categoryLabel = (c: string) => CATEGORY_LABELS[c] ?? c

/** "2026-12-05T14:30:00" in `timeZone` -> the same instant as an ISO string with Z. */
export function zonedToIso(local: string, timeZone: string): string {
  const asUtc = new Date(`${local}Z`).getTime()
  // The zone's offset at that moment, found by formatting the UTC guess in the zone (twice, for DST edges).
  const offsetAt = (t: number) => new Date(toLocalInput(new Date(t).toISOString(), timeZone) + ':00Z').getTime() - t
  const first = asUtc - offsetAt(asUtc)
  return new Date(asUtc - offsetAt(first)).toISOString()
}
