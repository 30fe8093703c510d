import t from 'tap'
import { buildTestApp } from './helper.js'

type Totals = { currency: string; debit: string; credit: string; net: string; count: number }
type Group = Totals & { key: string | null; label: string | null }

async function seeded(t: Parameters<typeof buildTestApp>[0]) {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const add = (amount: string, currency: string, merchant: string, occurredAt: string, extra: Record<string, unknown> = {}) =>
    u.create({ amount, currency, merchant, occurredAt, ...extra })
  // INR: food 250.50 + 100.25 (Swiggy twice, two spellings), transport 80, one salary credit.
  await add('250.50', 'INR', 'SWIGGY', '2024-03-05T10:00:00Z')
  await add('100.25', 'INR', 'swiggy73@okhdfcbank', '2024-03-20T10:00:00Z')
  await add('80.00', 'INR', 'Uber', '2024-04-02T10:00:00Z')
  await add('50000.00', 'INR', 'ACME Salary', '2024-03-31T20:00:00Z', { type: 'credit' })
  // USD: food 4.10 + 0.20 (would be 4.3000000000000001-ish as floats), and a refund credit 0.10.
  await add('4.10', 'USD', 'Starbucks', '2024-03-06T10:00:00Z')
  await add('0.20', 'USD', 'Starbucks', '2024-03-07T10:00:00Z')
  await add('0.10', 'USD', 'Starbucks', '2024-03-08T10:00:00Z', { type: 'credit', category: 'food' })
  // JPY keeps zero decimals.
  await add('1200', 'JPY', 'Starbucks Tokyo', '2024-03-09T10:00:00Z')
  return u
}

const find = (groups: Group[], key: string | null, currency: string) => groups.find((g) => g.key === key && g.currency === currency)

t.test('summary by category: per currency, debit and credit apart, exact decimals, totals per currency', async (t) => {
  const u = await seeded(t)
  const res = await u.get('/summary?groupBy=category')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { groupBy: 'category', from: null, to: null, tz: 'UTC' })
  t.same(find(body.groups, 'food', 'INR'), { key: 'food', label: 'food', currency: 'INR', debit: '350.75', credit: '0.00', net: '-350.75', count: 2 })
  t.same(find(body.groups, 'food', 'USD'), { key: 'food', label: 'food', currency: 'USD', debit: '4.30', credit: '0.10', net: '-4.20', count: 3 })
  t.same(find(body.groups, 'food', 'JPY'), { key: 'food', label: 'food', currency: 'JPY', debit: '1200', credit: '0', net: '-1200', count: 1 })
  t.same(find(body.groups, 'income', 'INR'), { key: 'income', label: 'income', currency: 'INR', debit: '0.00', credit: '50000.00', net: '50000.00', count: 1 })
  t.same(find(body.groups, 'transport', 'INR')?.debit, '80.00')
  t.equal(body.groups.length, 5, 'one row per (category, currency) that has expenses')
  t.same(
    [...body.totals].sort((a: Totals, b: Totals) => a.currency.localeCompare(b.currency)),
    [
      { currency: 'INR', debit: '430.75', credit: '50000.00', net: '49569.25', count: 4 },
      { currency: 'JPY', debit: '1200', credit: '0', net: '-1200', count: 1 },
      { currency: 'USD', debit: '4.30', credit: '0.10', net: '-4.20', count: 3 },
    ],
    'currencies are never added together',
  )
})

t.test('summary by merchant groups spellings of one merchant; by month, day and type', async (t) => {
  const u = await seeded(t)
  const merchant: Group[] = (await u.get('/summary?groupBy=merchant&currency=INR')).json().groups
  t.same(
    find(merchant, 'swiggy', 'INR'),
    { key: 'swiggy', label: 'swiggy73@okhdfcbank', currency: 'INR', debit: '350.75', credit: '0.00', net: '-350.75', count: 2 },
    'label is the latest spelling',
  )
  t.same(
    merchant.map((g) => g.currency),
    ['INR', 'INR', 'INR'],
    'filters apply to the summary',
  )

  const month: Group[] = (await u.get('/summary?groupBy=month')).json().groups
  t.same(
    month.map((g) => `${g.key} ${g.currency} ${g.debit}/${g.credit}`),
    ['2024-03 INR 350.75/50000.00', '2024-03 JPY 1200/0', '2024-03 USD 4.30/0.10', '2024-04 INR 80.00/0.00'],
  )
  const kolkata: Group[] = (await u.get('/summary?groupBy=month&tz=Asia/Kolkata&currency=INR')).json().groups
  t.same(
    kolkata.map((g) => `${g.key} ${g.debit}/${g.credit}`),
    ['2024-03 350.75/0.00', '2024-04 80.00/50000.00'],
    'the salary at 20:00Z on 31 March is April in Kolkata',
  )

  const day: Group[] = (await u.get('/summary?groupBy=day&from=2024-03-05&to=2024-03-06')).json().groups
  t.same(
    day.map((g) => `${g.key} ${g.currency} ${g.count}`),
    ['2024-03-05 INR 1', '2024-03-06 USD 1'],
  )

  const type: Group[] = (await u.get('/summary?groupBy=type&currency=USD')).json().groups
  t.same(
    type.map((g) => `${g.key} ${g.debit}/${g.credit} ${g.count}`),
    ['credit 0.00/0.10 1', 'debit 4.30/0.00 2'],
  )
})

t.test("summary range is inclusive and echoed; only the caller's expenses count", async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const other = newUser()
  await u.create({ amount: '1.00', occurredAt: '2024-03-01T00:00:00Z' })
  await u.create({ amount: '2.00', occurredAt: '2024-03-31T23:59:59.999Z' })
  await u.create({ amount: '4.00', occurredAt: '2024-04-01T00:00:00Z' })
  await other.create({ amount: '1000.00', occurredAt: '2024-03-15T00:00:00Z' })
  const body = (await u.get('/summary?from=2024-03-01&to=2024-03-31')).json()
  t.equal(body.from, '2024-03-01T00:00:00.000Z')
  t.equal(body.to, '2024-03-31T23:59:59.999Z')
  t.same(body.totals, [{ currency: 'USD', debit: '3.00', credit: '0.00', net: '-3.00', count: 2 }])
  const empty = (await newUser().get('/summary')).json()
  t.same({ groups: empty.groups, totals: empty.totals }, { groups: [], totals: [] }, 'no expenses, empty summary')
})

t.test('invalid summary queries answer 400', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const cases: [string, string][] = [
    ['groupBy=week', 'querystring.groupBy'],
    ['tz=Not/AZone', 'querystring.tz'],
    ['from=2024-04-01&to=2024-03-01', 'querystring.from'],
    ['currency=ZZZ', 'querystring.currency'],
    ['limit=5', 'querystring.limit'],
  ]
  for (const [query, path] of cases) {
    const res = await u.get(`/summary?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'validation_failed', query)
    t.match(JSON.stringify(res.json().errors), path, query)
  }
})
