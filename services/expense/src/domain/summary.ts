import { httpErrors } from '@expenses/platform'
import { Prisma, type Db } from '../db.js'
import { filtersToSql, parseFilters, type FilterQuery } from './filters.js'
import { formatAmount } from './money.js'

export type GroupBy = 'category' | 'merchant' | 'month' | 'day' | 'type'

export interface Totals {
  currency: string
  debit: string
  credit: string
  net: string
  count: number
}

export interface SummaryView {
  from: string | null
  to: string | null
  tz: string
  groupBy: GroupBy
  groups: (Totals & { key: string | null; label: string | null })[]
  totals: Totals[]
}

interface SummaryRow {
  is_total: number
  key: string | null
  label: string | null
  currency: string
  debit: string
  credit: string
  net: string
  count: number
}

/** The SQL expression each grouping uses; month and day are calendar periods in the request's zone. */
function groupKey(groupBy: GroupBy, tz: string): Prisma.Sql {
  switch (groupBy) {
    case 'category':
      return Prisma.sql`category`
    case 'type':
      return Prisma.sql`type`
    case 'merchant':
      return Prisma.sql`merchant_key`
    case 'month':
      return Prisma.sql`to_char(occurred_at AT TIME ZONE ${tz}::text, 'YYYY-MM')`
    case 'day':
      return Prisma.sql`to_char(occurred_at AT TIME ZONE ${tz}::text, 'YYYY-MM-DD')`
  }
}

/** SUM() results arrive as exact decimal text; Decimal formats them without a float in between. */
const decimal = (text: string) => new Prisma.Decimal(text)

/**
 * Totals per group and currency, plus per-currency totals, summed by Postgres over DECIMAL columns
 * (never in JS numbers). Different currencies are never added together; debits and credits are
 * summed apart and net = credit - debit.
 */
export class Summaries {
  private readonly knownZones = new Map<string, boolean>()

  constructor(private readonly db: Db) {}

  async summarise(userId: string, query: FilterQuery & { groupBy?: GroupBy | undefined }): Promise<SummaryView> {
    const filters = parseFilters(query)
    const groupBy = query.groupBy ?? 'category'
    if (!(await this.postgresKnowsZone(filters.tz))) {
      throw httpErrors.badRequest('Unsupported time zone', {
        code: 'validation_failed',
        errors: [{ path: 'querystring.tz', message: 'is not a time zone the database knows' }],
      })
    }
    // GROUPING SETS gives the per-group rows and the per-currency totals in one pass over the rows.
    const rows = await this.db.$queryRaw<SummaryRow[]>(Prisma.sql`
      SELECT GROUPING(k)::int AS is_total,
             k AS key,
             (array_agg(merchant ORDER BY occurred_at DESC, id DESC))[1] AS label,
             currency,
             COALESCE(SUM(amount) FILTER (WHERE type = 'debit'), 0)::text AS debit,
             COALESCE(SUM(amount) FILTER (WHERE type = 'credit'), 0)::text AS credit,
             (COALESCE(SUM(amount) FILTER (WHERE type = 'credit'), 0) - COALESCE(SUM(amount) FILTER (WHERE type = 'debit'), 0))::text AS net,
             COUNT(*)::int AS count
        FROM (SELECT ${groupKey(groupBy, filters.tz)} AS k, merchant, occurred_at, id, currency, type, amount
                FROM expenses
               WHERE ${filtersToSql(userId, filters)}) AS e
       GROUP BY GROUPING SETS ((k, currency), (currency))
       ORDER BY is_total, key NULLS LAST, currency`)

    const totalsOf = (row: SummaryRow): Totals => ({
      currency: row.currency,
      debit: formatAmount(decimal(row.debit), row.currency),
      credit: formatAmount(decimal(row.credit), row.currency),
      net: formatAmount(decimal(row.net), row.currency),
      count: row.count,
    })
    return {
      from: filters.from?.toISOString() ?? null,
      to: filters.to?.toISOString() ?? null,
      tz: filters.tz,
      groupBy,
      groups: rows.filter((r) => r.is_total === 0).map((r) => ({ key: r.key, label: groupBy === 'merchant' ? r.label : r.key, ...totalsOf(r) })),
      totals: rows.filter((r) => r.is_total === 1).map(totalsOf),
    }
  }

  /** Intl and Postgres ship separate zone databases; a name only one of them knows must be a 400, not a 500. */
  private async postgresKnowsZone(tz: string): Promise<boolean> {
    if (tz === 'UTC') return true
    let known = this.knownZones.get(tz)
    if (known === undefined) {
      const found = await this.db.$queryRaw<unknown[]>`SELECT 1 FROM pg_timezone_names WHERE lower(name) = lower(${tz}) LIMIT 1`
      known = found.length > 0
      if (this.knownZones.size < 1000) this.knownZones.set(tz, known)
    }
    return known
  }
}
