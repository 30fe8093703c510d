import t from 'tap'
import { buildTestApp } from './helper.js'

type Item = { id: string; occurredAt: string; merchant: string; category: string; type: string; currency: string; source: string }

t.test('25 expenses paged with limit 10: newest first, no duplicates, no gaps', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const created: Item[] = []
  // Several share an occurredAt, so the id tiebreak is exercised across page boundaries.
  for (let i = 0; i < 25; i++) {
    const day = String(1 + Math.floor(i / 3)).padStart(2, '0')
    created.push(await u.create({ amount: `${i + 1}.00`, merchant: `Shop ${i}`, occurredAt: `2024-05-${day}T10:00:00Z` }))
  }
  const expected = [...created].sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1))

  const pages: Item[][] = []
  let cursor: string | null = null
  do {
    const res = await u.get(`/expenses?limit=10${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    const body: { items: Item[]; nextCursor: string | null } = res.json()
    pages.push(body.items)
    cursor = body.nextCursor
  } while (cursor && pages.length < 10)
  t.same(
    pages.map((p) => p.length),
    [10, 10, 5],
  )
  const seen = pages.flat().map((e) => e.id)
  t.equal(new Set(seen).size, 25, 'no duplicates')
  t.same(
    seen,
    expected.map((e) => e.id),
    'exactly the expenses, newest first with id desc tiebreak',
  )

  const all = (await u.get('/expenses')).json()
  t.equal(all.items.length, 25, 'default limit 50 fits all')
  t.equal(all.nextCursor, null)
  const exact = (await u.get('/expenses?limit=25')).json()
  t.equal(exact.nextCursor, null, 'no empty last page when the limit matches exactly')
})

t.test('a page started before an insert stays consistent (keyset, not offset)', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  for (let i = 0; i < 4; i++) await u.create({ merchant: `Old ${i}`, occurredAt: `2024-01-0${i + 1}` })
  const first = (await u.get('/expenses?limit=2')).json()
  await u.create({ merchant: 'Newest', occurredAt: '2024-06-01' })
  const second = (await u.get(`/expenses?limit=2&cursor=${first.nextCursor}`)).json()
  t.same(
    [...first.items, ...second.items].map((e: Item) => e.merchant),
    ['Old 3', 'Old 2', 'Old 1', 'Old 0'],
  )
})

t.test('filters combine: from/to inclusive, type, category, merchant substring, currency, source', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const make = (merchant: string, occurredAt: string, extra: Record<string, unknown> = {}) => u.create({ merchant, occurredAt, ...extra })
  await make('Starbucks Reserve', '2024-03-01T00:00:00Z')
  await make('STARBUCKS', '2024-03-15T12:00:00Z')
  await make('Starbucks', '2024-03-31T23:59:59.999Z')
  await make('Starbucks', '2024-04-01T00:00:00Z')
  await make('Uber', '2024-03-10T08:00:00Z')
  await make('Starbucks refund', '2024-03-12T08:00:00Z', { type: 'credit' })
  await make('Starbucks Tokyo', '2024-03-20T08:00:00Z', { currency: 'JPY', amount: '600' })
  await make('100% Juice_Bar', '2024-03-21T08:00:00Z')

  const merchants = async (query: string) => {
    const res = await u.get(`/expenses?${query}`)
    t.equal(res.statusCode, 200, query)
    return (res.json().items as Item[]).map((e) => e.merchant)
  }
  t.same(
    await merchants('from=2024-03-01&to=2024-03-31&merchant=starbucks&type=debit&currency=USD'),
    ['Starbucks', 'STARBUCKS', 'Starbucks Reserve'],
    'date-only bounds include both whole days',
  )
  t.same(await merchants('from=2024-03-15T12:00:00Z&to=2024-03-15T12:00:00Z'), ['STARBUCKS'], 'date-time bounds are inclusive')
  t.same(await merchants('category=transport'), ['Uber'])
  t.same(await merchants('type=credit'), ['Starbucks refund'])
  t.same(await merchants('currency=jpy'), ['Starbucks Tokyo'])
  t.same(await merchants('merchant=RESERVE'), ['Starbucks Reserve'], 'case-insensitive')
  t.same(await merchants('merchant=100%25'), ['100% Juice_Bar'], '% is matched literally')
  t.same(await merchants('merchant=e_B'), ['100% Juice_Bar'], '_ is matched literally')
  t.same(await merchants('source=message'), [])
  t.equal((await merchants('source=manual')).length, 8)
  t.same(await merchants('from=2024-03-15&to=2024-03-15T17:30:00%2B05:30'), ['STARBUCKS'], 'offsets are honoured (17:30+05:30 is 12:00Z)')
  t.same(await merchants('from=2024-03-01&to=2024-03-01&tz=Asia/Kolkata'), ['Starbucks Reserve'], '00:00Z is 05:30 on 1 March in Kolkata')
  t.same(await merchants('from=2024-03-01&to=2024-03-01&tz=America/New_York'), [], '00:00Z is still 29 February in New York')
  t.same(await merchants('to=2024-02-29&tz=Asia/Kolkata'), [], 'the Kolkata day ends at 18:30Z')
  t.same(await merchants('from=2024-04-01&tz=America/New_York'), [], 'New York April starts at 04:00Z')
  t.same(await merchants('from=2024-03-31&tz=America/New_York&merchant=starbucks&currency=USD'), ['Starbucks', 'Starbucks'])
})

t.test('invalid list queries answer 400 naming the parameter', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  await u.create({})
  await u.create({})
  const { nextCursor } = (await u.get('/expenses?limit=1')).json()
  const tampered = nextCursor.slice(0, 5) + (nextCursor[5] === 'A' ? 'B' : 'A') + nextCursor.slice(6)
  const cases: [string, string, string][] = [
    ['limit=0', 'querystring.limit', 'validation_failed'],
    ['limit=201', 'querystring.limit', 'validation_failed'],
    ['limit=ten', 'querystring.limit', 'validation_failed'],
    ['from=2024-02-30', 'querystring.from', 'validation_failed'],
    ['to=tomorrow', 'querystring.to', 'validation_failed'],
    ['from=2024-05-01&to=2024-04-01', 'querystring.from', 'validation_failed'],
    ['type=refund', 'querystring.type', 'validation_failed'],
    ['category=misc', 'querystring.category', 'validation_failed'],
    ['currency=XYZ', 'querystring.currency', 'validation_failed'],
    ['source=sms', 'querystring.source', 'validation_failed'],
    ['tz=Mars/Olympus', 'querystring.tz', 'validation_failed'],
    ['sort=amount', 'querystring.sort', 'validation_failed'],
    [`cursor=${tampered}`, 'querystring.cursor', 'invalid_cursor'],
    ['cursor=bm90LWEtY3Vyc29y', 'querystring.cursor', 'invalid_cursor'],
  ]
  for (const [query, path, code] of cases) {
    const res = await u.get(`/expenses?${query}`)
    t.equal(res.statusCode, 400, `${query}: 400`)
    t.equal(res.json().code, code, `${query}: ${code}`)
    t.match(JSON.stringify(res.json().errors), path, `${query}: names ${path}`)
  }
  t.equal((await u.get(`/expenses?limit=1&cursor=${nextCursor}`)).statusCode, 200, 'the untouched cursor works')
})
