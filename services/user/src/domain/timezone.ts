/** IANA time zone names (Asia/Kolkata, America/New_York, UTC ...). */

export const DEFAULT_TIMEZONE = 'UTC'

/**
 * The runtime's canonical zone names by lower-cased name, to store a zone in its usual spelling.
 * Not the whole truth: ICU lists only canonical names (its Node 20 list has Asia/Calcutta, not the
 * current Asia/Kolkata) and not UTC, so anything else is checked by constructing a formatter.
 */
const canonicalSpelling: ReadonlyMap<string, string> = new Map(
  [...Intl.supportedValuesOf('timeZone'), DEFAULT_TIMEZONE].map((zone) => [zone.toLowerCase(), zone]),
)

/**
 * Area/Location names (and single names such as UTC). Newer runtimes also accept UTC offsets like
 * "+05:30" as time zones; those are not IANA names, so the shape check keeps them out.
 */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/

/** The zone in its usual spelling when `name` is a time zone the runtime knows; otherwise undefined. */
export function normaliseTimeZone(name: string): string | undefined {
  if (name.length > 64 || !IANA_NAME.test(name)) return undefined
  const canonical = canonicalSpelling.get(name.toLowerCase())
  if (canonical) return canonical
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return name
  } catch {
    return undefined
  }
}
