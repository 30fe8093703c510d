/**
 * ISO 8601 input dates for the API: a calendar date ("2024-03-05") or a date-time
 * ("2024-03-05T14:30:00Z", "2024-03-05T20:00:00+05:30"). A date-time without an offset, and a date,
 * are read in the request's time zone (`tz`, default UTC). Everything is validated here (Feb 30 and
 * hour 25 are errors, not silently rolled over), so the routes can answer 400 with a precise message.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

export const MIN_YEAR = 1900
export const MAX_YEAR = 9999

export type ParsedInstant = { ok: true; date: Date; dateOnly: boolean } | { ok: false; message: string }

export function isValidTimeZone(tz: string): boolean {
  if (tz.length > 64) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC at an instant, in milliseconds (IST -> +19800000). */
function zoneOffsetMs(tz: string, instant: number): number {
  let format = offsetFormatters.get(tz)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    offsetFormatters.set(tz, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value)
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000))
}

/** The instant at which the wall-clock time (in `tz`) is as given; DST gaps resolve forwards. */
export function zonedToInstant(fields: [number, number, number, number, number, number, number], tz: string): number {
  const wall = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], fields[6])
  if (tz === 'UTC') return wall
  const first = wall - zoneOffsetMs(tz, wall)
  const second = wall - zoneOffsetMs(tz, first)
  return second
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Parses an API date or date-time; `tz` applies to dates and to date-times without an offset. */
export function parseInstant(raw: string, tz = 'UTC'): ParsedInstant {
  const dateOnly = DATE.exec(raw)
  const match = dateOnly ?? DATE_TIME.exec(raw)
  if (!match) return { ok: false, message: 'must be an ISO 8601 date (2024-03-05) or date-time (2024-03-05T14:30:00Z)' }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const [hour, minute, second] = dateOnly ? [0, 0, 0] : [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)]
  const ms = dateOnly ? 0 : Number((match[7] ?? '').padEnd(3, '0').slice(0, 3))
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, message: `year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, message: 'is not a real calendar date' }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: 'is not a real time of day' }
  const offset = dateOnly ? undefined : match[8]
  const fields: [number, number, number, number, number, number, number] = [year, month, day, hour, minute, second, ms]
  if (offset === undefined) return { ok: true, date: new Date(zonedToInstant(fields, tz)), dateOnly: Boolean(dateOnly) }
  let offsetMs = 0
  if (offset.toUpperCase() !== 'Z') {
    const digits = offset.slice(1).replace(':', '')
    const hours = Number(digits.slice(0, 2))
    const minutes = Number(digits.slice(2) || '0')
    if (hours > 18 || minutes > 59) return { ok: false, message: 'has an impossible UTC offset' }
    offsetMs = (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000
  }
  return { ok: true, date: new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs), dateOnly: false }
}

/**
 * The inclusive upper bound a `to` filter means: a date-time is itself; a date means the end of that
 * day in `tz` (stored times have millisecond precision, so "next midnight minus 1 ms" is exact).
 */
export function parseUpperBound(raw: string, tz = 'UTC'): ParsedInstant {
  const parsed = parseInstant(raw, tz)
  if (!parsed.ok || !parsed.dateOnly) return parsed
  const match = DATE.exec(raw)
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])]
  const next = new Date(Date.UTC(year, month - 1, day + 1))
  const fields: [number, number, number, number, number, number, number] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, 0, 0]
  return { ok: true, date: new Date(zonedToInstant(fields, tz) - 1), dateOnly: true }
}
