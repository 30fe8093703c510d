import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, PREFIX } from './helper.js'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

t.test('POST /expenses creates a manual expense and GET returns it', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const res = await u.post('/expenses', {
    amount: '1250.5',
    currency: 'inr',
    merchant: '  Swiggy  ',
    occurredAt: '2024-03-05T20:00:00+05:30',
    note: 'team lunch',
  })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.same(Object.keys(body).sort(), [
    'accountLast4',
    'amount',
    'category',
    'categorySource',
    'channel',
    'createdAt',
    'currency',
    'id',
    'merchant',
    'messageId',
    'note',
    'occurredAt',
    'receivedAt',
    'reference',
    'source',
    'type',
    'updatedAt',
  ])
  t.match(body, {
    id: uuid,
    type: 'debit',
    amount: '1250.50',
    currency: 'INR',
    merchant: 'Swiggy',
    category: 'food',
    categorySource: 'rules',
    occurredAt: '2024-03-05T14:30:00.000Z',
    source: 'manual',
    messageId: null,
    receivedAt: null,
    note: 'team lunch',
    accountLast4: null,
    channel: null,
    reference: null,
  })
  t.equal(res.headers.location, `${PREFIX}/expenses/${body.id}`)
  const got = await u.get(`/expenses/${body.id}`)
  t.equal(got.statusCode, 200)
  t.same(got.json(), body)
})

t.test('defaults: type debit, occurredAt now, category from the categoriser; a given category is kept', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const before = Date.now()
  const a = await u.create({ amount: '99', currency: 'JPY', merchant: 'Netflix' })
  t.equal(a.type, 'debit')
  t.equal(a.amount, '99', 'JPY has no minor unit')
  t.equal(a.category, 'entertainment')
  t.ok(Date.parse(a.occurredAt) >= before - 1000 && Date.parse(a.occurredAt) <= Date.now() + 1000, 'occurredAt defaults to now')
  const b = await u.create({ amount: '1.5', currency: 'KWD', merchant: 'Netflix', type: 'credit', category: 'other', occurredAt: '2024-02-29' })
  t.match(b, { amount: '1.500', type: 'credit', category: 'other', categorySource: 'user', occurredAt: '2024-02-29T00:00:00.000Z' })
})

t.test('invalid manual expenses answer 400 with machine-readable errors and store nothing', async (t) => {
  const { newUser, db } = await buildTestApp(t)
  const u = newUser()
  const valid = { amount: '10.00', currency: 'USD', merchant: 'Shop' }
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['amount as a JSON number', { ...valid, amount: 10.5 }, /body\.amount/],
    ['too many decimals for USD', { ...valid, amount: '10.001' }, /body\.amount/],
    ['decimals on JPY', { ...valid, currency: 'JPY', amount: '10.5' }, /body\.amount/],
    ['zero amount', { ...valid, amount: '0.00' }, /body\.amount/],
    ['negative amount', { ...valid, amount: '-5.00' }, /body\.amount/],
    ['not a number', { ...valid, amount: 'ten' }, /body\.amount/],
    ['unknown currency', { ...valid, currency: 'ABC' }, /body\.currency/],
    ['currency not 3 letters', { ...valid, currency: 'US' }, /body\.currency/],
    ['missing merchant', { amount: '1.00', currency: 'USD' }, /body\.merchant/],
    ['blank merchant', { ...valid, merchant: '   ' }, /body\.merchant/],
    ['merchant too long', { ...valid, merchant: 'x'.repeat(201) }, /body\.merchant/],
    ['unknown category', { ...valid, category: 'luxuries' }, /body\.category/],
    ['bad type', { ...valid, type: 'refund' }, /body\.type/],
    ['impossible date', { ...valid, occurredAt: '2024-02-30' }, /body\.occurredAt/],
    ['not a date', { ...valid, occurredAt: 'last tuesday' }, /body\.occurredAt/],
    ['unknown field', { ...valid, userId: randomUUID() }, /body\.userId/],
  ]
  for (const [name, payload, field] of cases) {
    const res = await u.post('/expenses', payload)
    t.equal(res.statusCode, 400, `${name}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
    const body = res.json()
    t.equal(body.code, 'validation_failed', `${name}: code`)
    t.match(JSON.stringify(body.errors), field, `${name}: names the field`)
  }
  const numeric = await u.post('/expenses', { ...valid, amount: 10.5 })
  t.match(numeric.json().errors, [{ path: 'body.amount', message: /decimal string/ }], 'a JSON number is told to send a string')
  const malformed = await u.post('/expenses', '{"amount": ', { 'content-type': 'application/json' })
  t.equal(malformed.statusCode, 400)
  t.equal(malformed.json().code, 'malformed_json')
  t.equal(await db.expense.count({ where: { userId: u.userId } }), 0, 'nothing stored')
})

t.test('every route answers 401 without a valid token', async (t) => {
  const { app, issuer, newUser } = await buildTestApp(t)
  const u = newUser()
  const e = await u.create({})
  const routes: [string, string][] = [
    ['POST', '/expenses'],
    ['GET', '/expenses'],
    ['GET', `/expenses/${e.id}`],
    ['PATCH', `/expenses/${e.id}`],
    ['DELETE', `/expenses/${e.id}`],
    ['GET', '/summary'],
    ['GET', '/categories'],
    ['GET', '/category-rules'],
  ]
  const expired = issuer.token(u.userId, { expiresInMs: -60_000 })
  for (const [method, url] of routes) {
    for (const [what, headers] of [
      ['no token', {}],
      ['garbage token', { authorization: 'Bearer not.a.jwt' }],
      ['expired token', { authorization: `Bearer ${expired}` }],
      // Validly signed, but its subject is no user id: a 401, never a database error on the @db.Uuid column.
      ['a token whose subject is not a UUID', { authorization: `Bearer ${issuer.token('not-a-uuid')}` }],
    ] as const) {
      const res = await app.inject({
        method: method as 'GET',
        url: `${PREFIX}${url}`,
        headers,
        payload: method === 'POST' || method === 'PATCH' ? { note: 'x' } : undefined,
      })
      t.equal(res.statusCode, 401, `${method} ${url} with ${what}`)
      t.equal(res.json().code, 'invalid_token', `${method} ${url} with ${what}: code`)
    }
  }
  t.equal((await u.get(`/expenses/${e.id}`)).json().note, null, 'unchanged')
})

t.test("another user's expense is 404 on GET, PATCH and DELETE and stays unchanged", async (t) => {
  const { newUser } = await buildTestApp(t)
  const owner = newUser()
  const intruder = newUser()
  const e = await owner.create({ amount: '42.00', merchant: 'Private Shop' })
  for (const res of [
    await intruder.get(`/expenses/${e.id}`),
    await intruder.patch(`/expenses/${e.id}`, { amount: '1.00' }),
    await intruder.delete(`/expenses/${e.id}`),
  ]) {
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'expense_not_found')
  }
  const missing = await owner.get(`/expenses/${randomUUID()}`)
  t.equal(missing.statusCode, 404, 'a nonexistent id answers the same')
  t.same((await owner.get(`/expenses/${e.id}`)).json(), e, 'the owner still sees it unchanged')
  t.same((await intruder.get('/expenses')).json().items, [], "and it is not in the intruder's list")
})

t.test('a malformed id answers 400 on every expense route', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  for (const res of [await u.get('/expenses/not-a-uuid'), await u.patch('/expenses/123', { note: 'x' }), await u.delete('/expenses/abc')]) {
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'validation_failed')
    t.match(JSON.stringify(res.json().errors), /params\.id/)
  }
})

t.test('PATCH changes only the fields sent; note null clears', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const e = await u.create({ amount: '10.00', currency: 'USD', merchant: 'Corner Shop', note: 'keep me' })
  await new Promise((r) => setTimeout(r, 5))
  const res = await u.patch(`/expenses/${e.id}`, { amount: '12.34', occurredAt: '2024-01-02T03:04:05Z' })
  t.equal(res.statusCode, 200)
  const patched = res.json()
  t.match(patched, {
    amount: '12.34',
    occurredAt: '2024-01-02T03:04:05.000Z',
    merchant: 'Corner Shop',
    note: 'keep me',
    currency: 'USD',
    createdAt: e.createdAt,
  })
  t.ok(patched.updatedAt > e.updatedAt, 'updatedAt moves')
  const cleared = await u.patch(`/expenses/${e.id}`, { note: null })
  t.equal(cleared.json().note, null)
  const typed = await u.patch(`/expenses/${e.id}`, { type: 'credit', merchant: 'Payroll salary' })
  t.match(typed.json(), { type: 'credit', merchant: 'Payroll salary', category: 'income', categorySource: 'rules' }, 're-described expenses are recategorised')
  const currency = await u.patch(`/expenses/${e.id}`, { currency: 'EUR' })
  t.match(currency.json(), { currency: 'EUR', amount: '12.34' })
  t.same((await u.get(`/expenses/${e.id}`)).json(), currency.json(), 'GET sees the change')
})

t.test('invalid PATCHes answer 400 and change nothing', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const e = await u.create({ amount: '12.50', currency: 'USD' })
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['empty body', {}, /body/],
    ['amount as number', { amount: 5 }, /body\.amount/],
    ['currency the amount does not fit', { currency: 'JPY' }, /body\.currency/],
    ['amount with too many decimals', { amount: '1.001' }, /body\.amount/],
    ['unknown category', { category: 'misc' }, /body\.category/],
    ['null merchant', { merchant: null }, /body\.merchant/],
    ['bad date', { occurredAt: '2024-99-01' }, /body\.occurredAt/],
    ['read-only field', { source: 'message' }, /body\.source/],
  ]
  for (const [name, payload, field] of cases) {
    const res = await u.patch(`/expenses/${e.id}`, payload)
    t.equal(res.statusCode, 400, `${name}: 400`)
    t.equal(res.json().code, 'validation_failed', `${name}: code`)
    t.match(JSON.stringify(res.json().errors), field, `${name}: names the field`)
  }
  t.same((await u.get(`/expenses/${e.id}`)).json(), e, 'unchanged')
  const both = await u.patch(`/expenses/${e.id}`, { currency: 'JPY', amount: '1500' })
  t.match(both.json(), { currency: 'JPY', amount: '1500' }, 'currency and a fitting amount together are fine')
})

t.test('DELETE removes the expense: 204, then 404', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const e = await u.create({})
  const res = await u.delete(`/expenses/${e.id}`)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.equal((await u.get(`/expenses/${e.id}`)).statusCode, 404)
  t.equal((await u.delete(`/expenses/${e.id}`)).statusCode, 404, 'deleting twice is 404')
})

t.test('Idempotency-Key: a retry returns the first expense; a different body with the key is 422', async (t) => {
  const { newUser, db } = await buildTestApp(t)
  const u = newUser()
  const key = randomUUID()
  const payload = { amount: '20.00', currency: 'USD', merchant: 'Lyft' }
  const first = await u.post('/expenses', payload, { 'idempotency-key': key })
  const retry = await u.post('/expenses', { merchant: 'Lyft', currency: 'USD', amount: '20.00' }, { 'idempotency-key': key })
  t.equal(first.statusCode, 201)
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(first.headers['idempotent-replayed'], undefined)
  t.equal(retry.json().id, first.json().id)
  const other = await u.post('/expenses', { ...payload, amount: '21.00' }, { 'idempotency-key': key })
  t.equal(other.statusCode, 422)
  t.equal(other.json().code, 'idempotency_key_reused')
  t.equal(await db.expense.count({ where: { userId: u.userId } }), 1)
  // Keys are per user, and concurrent duplicates still make one expense.
  const v = newUser()
  const racing = await Promise.all([1, 2, 3].map(() => v.post('/expenses', payload, { 'idempotency-key': key })))
  t.same(
    racing.map((r) => r.statusCode),
    [201, 201, 201],
  )
  t.equal(new Set(racing.map((r) => r.json().id)).size, 1, 'one expense for three concurrent requests')
  t.equal(await db.expense.count({ where: { userId: v.userId } }), 1)
  const bad = await u.post('/expenses', payload, { 'idempotency-key': 'x'.repeat(300) })
  t.equal(bad.statusCode, 400, 'an over-long key is rejected')
  const without = await u.post('/expenses', payload)
  const without2 = await u.post('/expenses', payload)
  t.not(without.json().id, without2.json().id, 'without a key every POST creates')
})

t.test('GET /categories lists the fixed categories', async (t) => {
  const { newUser } = await buildTestApp(t)
  const res = await newUser().get('/categories')
  t.same(res.json().categories, ['food', 'groceries', 'transport', 'shopping', 'bills', 'entertainment', 'health', 'travel', 'transfers', 'income', 'other'])
})
