import { useMemo, useState, type FormEvent } from 'react'
import { api, call, type Summary } from '../api/client'
import { useProfile } from '../app/profile'
import { BarChart } from '../components/BarChart'
import { Field } from '../components/Field'
import { Empty, Loading, Notice } from '../components/Notice'
import { useAsync } from '../components/useAsync'
import { categoryLabel, formatMonthKey, formatMoney, todayIn } from '../format'

interface Period {
  from: string
  to: string
}

/**
 * Totals by category and by month, for a chosen period, one block per currency: amounts in different
 * currencies are never added (the API sums them apart, and this page only lays them out).
 */
export function InsightsPage() {
  const { timeZone } = useProfile()
  const [period, setPeriod] = useState<Period>(() => ({ from: todayIn(timeZone, -365), to: todayIn(timeZone) }))
  const summaries = useAsync(async () => {
    const query = { from: period.from, to: period.to, tz: timeZone }
    const [byCategory, byMonth] = await Promise.all([
      call(api.GET('/expense/v1/summary', { params: { query: { ...query, groupBy: 'category' } } })),
      call(api.GET('/expense/v1/summary', { params: { query: { ...query, groupBy: 'month' } } })),
    ])
    return { byCategory, byMonth }
  }, [period, timeZone])

  function choose(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const from = String(form.get('from') ?? '')
    const to = String(form.get('to') ?? '')
    if (from && to) setPeriod(from <= to ? { from, to } : { from: to, to: from })
  }

  const currencies = summaries.data?.byCategory.totals.map((t) => t.currency) ?? []
  return (
    <>
      <h1>Insights</h1>
      <form className="filters card" onSubmit={choose} aria-label="Period">
        <Field label="From" name="from" type="date" defaultValue={period.from} required />
        <Field label="To" name="to" type="date" defaultValue={period.to} required />
        <button type="submit">Show</button>
      </form>
      <Notice kind="error">{summaries.error}</Notice>
      {summaries.loading && !summaries.data && <Loading />}
      {summaries.data && currencies.length === 0 && (
        <Empty title="No expenses in this period.">
          <p>
            Choose a longer period, or add bank messages on the <a href="#/inbox">Messages</a> page.
          </p>
        </Empty>
      )}
      {summaries.data &&
        currencies.map((currency) => (
          <CurrencyInsights key={currency} currency={currency} byCategory={summaries.data!.byCategory} byMonth={summaries.data!.byMonth} />
        ))}
    </>
  )
}

function CurrencyInsights({ currency, byCategory, byMonth }: { currency: string; byCategory: Summary; byMonth: Summary }) {
  const totals = byCategory.totals.find((t) => t.currency === currency)!
  const format = useMemo(() => (value: string) => formatMoney(value, currency), [currency])
  const categories = useMemo(() => {
    const groups = byCategory.groups.filter((g) => g.currency === currency && g.debit !== '0' && !/^0(\.0+)?$/.test(g.debit))
    return { labels: groups.map((g) => categoryLabel(g.key ?? 'other')), series: [{ label: 'Spent', values: groups.map((g) => g.debit), color: '#c2410c' }] }
  }, [byCategory, currency])
  const months = useMemo(() => {
    const groups = byMonth.groups.filter((g) => g.currency === currency).sort((a, b) => String(a.key).localeCompare(String(b.key)))
    return {
      labels: groups.map((g) => formatMonthKey(g.key ?? '')),
      series: [
        { label: 'Out', values: groups.map((g) => g.debit), color: '#c2410c' },
        { label: 'In', values: groups.map((g) => g.credit), color: '#15803d' },
      ],
    }
  }, [byMonth, currency])

  return (
    <section className="card" aria-labelledby={`insights-${currency}`} data-testid={`insights-${currency}`}>
      <h2 id={`insights-${currency}`}>{currency}</h2>
      <dl className="totals">
        <div>
          <dt>Money out</dt>
          <dd className="amount-debit">{format(totals.debit)}</dd>
        </div>
        <div>
          <dt>Money in</dt>
          <dd className="amount-credit">{format(totals.credit)}</dd>
        </div>
        <div>
          <dt>Net</dt>
          <dd>{format(totals.net)}</dd>
        </div>
        <div>
          <dt>Transactions</dt>
          <dd>{totals.count}</dd>
        </div>
      </dl>
      <div className="charts">
        {categories.labels.length > 0 ? (
          <BarChart title={`Spending in ${currency} by category`} labels={categories.labels} series={categories.series} format={format} />
        ) : (
          <p className="muted">No spending in {currency} in this period.</p>
        )}
        <BarChart title={`Out and in, ${currency}, by month`} labels={months.labels} series={months.series} format={format} />
      </div>
    </section>
  )
}
