import t from 'tap'
import { Expenses } from '../src/domain/expenses.js'
import { buildTestApp, parsedEvent } from './helper.js'

t.test("changing a category teaches the categoriser for that user's later expenses, manual and parsed", async (t) => {
  const { newUser, db } = await buildTestApp(t)
  const u = newUser()
  const stranger = newUser()
  const first = await u.create({ merchant: 'Swiggy', amount: '300.00', currency: 'INR' })
  t.match(first, { category: 'food', categorySource: 'rules' })

  const patched = await u.patch(`/expenses/${first.id}`, { category: 'groceries' })
  t.equal(patched.statusCode, 200)
  t.match(patched.json(), { category: 'groceries', categorySource: 'user' })

  const rules = (await u.get('/category-rules')).json().items
  t.match(rules, [{ merchantKey: 'swiggy', category: 'groceries' }])

  const later = await u.create({ merchant: 'SWIGGY PVT LTD', amount: '120.00', currency: 'INR' })
  t.match(later, { category: 'groceries', categorySource: 'learned' }, 'same merchant, another spelling')

  // A message-parsed expense (the consumer's own code path, inside a transaction as the consumer runs it).
  const event = parsedEvent({ userId: u.userId, merchant: 'swiggy73@okhdfcbank' })
  const expenses = new Expenses(db)
  await db.$transaction((tx) => expenses.recordParsed(tx, event))
  const parsed = await db.expense.findFirstOrThrow({ where: { userId: u.userId, messageId: event.messageId } })
  t.match(parsed, { category: 'groceries', categorySource: 'learned' })

  t.match(await stranger.create({ merchant: 'Swiggy' }), { category: 'food', categorySource: 'rules' }, 'other users are not affected')
  t.same((await stranger.get('/category-rules')).json().items, [])
  const explicit = await u.create({ merchant: 'Swiggy', category: 'other' })
  t.match(explicit, { category: 'other', categorySource: 'user' }, 'an explicit category on entry wins over the learned rule')
})

t.test('existing expenses keep their category unless applyToMerchant is asked for', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const a = await u.create({ merchant: 'Zyx Gadgets' })
  const b = await u.create({ merchant: 'ZYX GADGETS #12' })
  const handSet = await u.create({ merchant: 'Zyx Gadgets', category: 'bills' })
  t.equal(a.category, 'other')

  await u.patch(`/expenses/${a.id}`, { category: 'shopping' })
  t.equal((await u.get(`/expenses/${b.id}`)).json().category, 'other', 'not recategorised by default')

  const res = await u.patch(`/expenses/${a.id}?applyToMerchant=true`, { category: 'entertainment' })
  t.equal(res.statusCode, 200)
  t.match((await u.get(`/expenses/${b.id}`)).json(), { category: 'entertainment', categorySource: 'learned' }, 'recategorised on request')
  t.match((await u.get(`/expenses/${handSet.id}`)).json(), { category: 'bills', categorySource: 'user' }, 'hand-set categories are left alone')
  t.match((await u.get('/category-rules')).json().items, [{ merchantKey: 'zyx gadgets', category: 'entertainment' }], 'the rule is updated, not duplicated')
  t.equal((await u.patch(`/expenses/${a.id}?applyToMerchant=maybe`, { category: 'food' })).statusCode, 400)
})

t.test('a learned rule can be forgotten', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const e = await u.create({ merchant: 'Netflix' })
  await u.patch(`/expenses/${e.id}`, { category: 'bills' })
  t.equal((await u.create({ merchant: 'Netflix' })).category, 'bills')
  const other = newUser()
  t.equal((await other.delete('/category-rules/netflix')).statusCode, 404, 'another user cannot forget it')
  t.equal((await u.delete('/category-rules/netflix')).statusCode, 204)
  t.equal((await u.delete('/category-rules/netflix')).statusCode, 404)
  t.match(await u.create({ merchant: 'Netflix' }), { category: 'entertainment', categorySource: 'rules' })
  t.equal((await u.get(`/expenses/${e.id}`)).json().category, 'bills', 'existing expenses keep their categories')
})

t.test('a changed merchant is recategorised unless the user chose the category', async (t) => {
  const { newUser } = await buildTestApp(t)
  const u = newUser()
  const auto = await u.create({ merchant: 'Uber' })
  t.equal(auto.category, 'transport')
  t.match((await u.patch(`/expenses/${auto.id}`, { merchant: 'Apollo Pharmacy' })).json(), { category: 'health', categorySource: 'rules' })
  const chosen = await u.create({ merchant: 'Uber', category: 'travel' })
  t.match((await u.patch(`/expenses/${chosen.id}`, { merchant: 'Apollo Pharmacy' })).json(), { category: 'travel', categorySource: 'user' })
})
