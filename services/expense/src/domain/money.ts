/**
 * Money rules: ISO 4217 currency codes, each currency's minor units, and exact decimal amounts.
 * Amounts travel as decimal strings and are stored as DECIMAL; no value here ever becomes a float.
 */

import { minorUnits } from '@expenses/events'

// ISO 4217 lives in the event kit, shared with the parser: one table of codes and minor units.
export { isKnownCurrency, minorUnits } from '@expenses/events'

/** The largest amount the DECIMAL(19, 4) column holds: 15 integer digits. */
export const MAX_INTEGER_DIGITS = 15
const DECIMAL_STRING = /^(\d+)(?:\.(\d+))?$/

export type AmountProblem = { code: 'not_decimal' | 'not_positive' | 'too_large' | 'too_many_decimals'; message: string }

/**
 * Checks a positive amount written as a decimal string against its currency. Returns the canonical
 * form (no leading zeros, exactly the currency's minor-unit digits) or what is wrong with it.
 * Strictness is deliberate: "10.001" USD is rejected rather than rounded, so what the user sent is
 * exactly what is stored.
 */
export function parseAmount(raw: string, currency: string): { ok: true; value: string } | { ok: false; problem: AmountProblem } {
  const match = DECIMAL_STRING.exec(raw)
  if (!match) return { ok: false, problem: { code: 'not_decimal', message: 'must be a decimal string such as "12.50"' } }
  const integer = (match[1] ?? '').replace(/^0+(?=\d)/, '')
  const fraction = match[2] ?? ''
  const digits = minorUnits(currency)
  if (fraction.length > digits) {
    const allowed = digits === 0 ? 'no decimal places' : `at most ${digits} decimal place${digits === 1 ? '' : 's'}`
    return { ok: false, problem: { code: 'too_many_decimals', message: `${currency} amounts have ${allowed}` } }
  }
  if (integer.length > MAX_INTEGER_DIGITS) {
    return { ok: false, problem: { code: 'too_large', message: `must be below 10^${MAX_INTEGER_DIGITS}` } }
  }
  if (/^0+$/.test(integer) && /^0*$/.test(fraction)) return { ok: false, problem: { code: 'not_positive', message: 'must be greater than zero' } }
  return { ok: true, value: digits === 0 ? integer : `${integer}.${fraction.padEnd(digits, '0')}` }
}

/** Anything with an exact decimal toFixed: Prisma's Decimal (decimal.js). */
export interface DecimalLike {
  toFixed(digits: number): string
  decimalPlaces(): number
}

/**
 * Formats a stored amount with its currency's minor units ("1250.00", "1250" for JPY, "1.250" for
 * KWD). A value with more fractional digits than that (an event from a bank that wrote "100.50" JPY)
 * keeps its extra digits rather than being rounded: display must never change a stored amount.
 */
export function formatAmount(value: DecimalLike, currency: string): string {
  return value.toFixed(Math.max(minorUnits(currency), value.decimalPlaces()))
}
