import { httpErrors, type ProblemFieldError } from '@expenses/platform'
import { Prisma } from '../db.js'
import type { Category } from './categories.js'
import { isValidTimeZone, parseInstant, parseUpperBound } from './dates.js'
import { isKnownCurrency } from './money.js'

/** The filters the list and the summary share, as they arrive in the query string. */
export interface FilterQuery {
  from?: string | undefined
  to?: string | undefined
  type?: 'debit' | 'credit' | undefined
  category?: Category | undefined
  merchant?: string | undefined
  currency?: string | undefined
  source?: 'message' | 'manual' | undefined
  tz?: string | undefined
}

export interface ExpenseFilters {
  from: Date | null
  to: Date | null
  type: 'debit' | 'credit' | undefined
  category: Category | undefined
  merchant: string | undefined
  currency: string | undefined
  source: 'message' | 'manual' | undefined
  tz: string
}

/** Throws 400 validation_failed naming every bad field, the same shape schema validation uses. */
export function throwValidation(errors: ProblemFieldError[]): never {
  throw httpErrors.badRequest('The request is invalid: ' + errors.map((e) => `${e.path} ${e.message}`).join(', '), {
    code: 'validation_failed',
    errors,
  })
}

/** Checks what the query schema cannot: real dates and time zones, from <= to, known currency. */
export function parseFilters(query: FilterQuery): ExpenseFilters {
  const errors: ProblemFieldError[] = []
  const tz = query.tz ?? 'UTC'
  if (!isValidTimeZone(tz)) errors.push({ path: 'querystring.tz', message: 'is not an IANA time zone such as Asia/Kolkata or UTC' })
  const zone = errors.length === 0 ? tz : 'UTC'
  let from: Date | null = null
  let to: Date | null = null
  if (query.from !== undefined) {
    const parsed = parseInstant(query.from, zone)
    if (parsed.ok) from = parsed.date
    else errors.push({ path: 'querystring.from', message: parsed.message })
  }
  if (query.to !== undefined) {
    const parsed = parseUpperBound(query.to, zone)
    if (parsed.ok) to = parsed.date
    else errors.push({ path: 'querystring.to', message: parsed.message })
  }
  if (from && to && from.getTime() > to.getTime()) errors.push({ path: 'querystring.from', message: 'must not be after `to`' })
  const currency = query.currency?.toUpperCase()
  if (currency !== undefined && !isKnownCurrency(currency)) errors.push({ path: 'querystring.currency', message: 'is not an ISO 4217 currency code' })
  if (errors.length > 0) throwValidation(errors)
  return { from, to, type: query.type, category: query.category, merchant: query.merchant, currency, source: query.source, tz }
}

/** A LIKE pattern matching `text` literally anywhere: Prisma and SQL would read % and _ as wildcards. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** The filters as a SQL condition on the expenses table: the list and the summaries use the same one. */
export function filtersToSql(userId: string, f: ExpenseFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`user_id = ${userId}::uuid`]
  if (f.from) conditions.push(Prisma.sql`occurred_at >= ${f.from}`)
  if (f.to) conditions.push(Prisma.sql`occurred_at <= ${f.to}`)
  if (f.type) conditions.push(Prisma.sql`type = ${f.type}`)
  if (f.category) conditions.push(Prisma.sql`category = ${f.category}`)
  if (f.currency) conditions.push(Prisma.sql`currency = ${f.currency}`)
  if (f.source) conditions.push(Prisma.sql`source = ${f.source}`)
  if (f.merchant) conditions.push(Prisma.sql`merchant ILIKE ${containsPattern(f.merchant)}`)
  return Prisma.join(conditions, ' AND ')
}
