import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, PREFIX, unique } from '../helper.js'

const { app, db, as } = await buildTestApp(t)

async function post(userId: string, text: string, receivedAt: string, sender: string | null = 'VM-HDFCBK') {
  const res = await app.inject({ method: 'POST', url: `${PREFIX}/messages`, headers: as(userId), payload: { text, sender, receivedAt } })
  if (res.statusCode !== 202) throw new Error(`post failed: ${res.statusCode} ${res.body}`)
  return res.json().messageId as string
}

t.test('GET /messages/:id returns the stored message with its status and no result while pending', async (t) => {
  const userId = randomUUID()
  const text = unique('Rs.500 debited')
  const id = await post(userId, text, '2024-03-13T10:00:00Z')
  const res = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${id}`, headers: as(userId) })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    messageId: id,
    status: 'pending',
    text,
    sender: 'VM-HDFCBK',
    receivedAt: '2024-03-13T10:00:00.000Z',
    createdAt: /^\d{4}-/,
    parsedAt: null,
    result: null,
    reason: null,
    correction: null,
    expenseId: null,
  })
})

t.test('GET shows the outcome once the message is settled', async (t) => {
  const userId = randomUUID()
  const id = await post(userId, unique('123456 is your OTP'), '2024-03-13T10:00:00Z')
  const result = {
    isTransaction: false,
    type: null,
    amount: null,
    currency: null,
    merchant: null,
    accountLast4: null,
    balance: null,
    occurredAt: null,
    channel: null,
    reference: null,
    confidence: 0.9,
    rejectReason: 'otp',
    format: null,
  }
  await db.bankMessage.update({ where: { id }, data: { status: 'rejected', reason: 'otp', result, parsedAt: new Date() } })
  const res = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${id}`, headers: as(userId) })
  t.match(res.json(), { status: 'rejected', reason: 'otp', result: { rejectReason: 'otp', isTransaction: false }, parsedAt: /^\d{4}-/ })
})

t.test("another user's message, and an unknown id, answer 404 without telling them apart", async (t) => {
  const owner = randomUUID()
  const id = await post(owner, unique('Rs.500 debited'), '2024-03-13T10:00:00Z')
  const other = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${id}`, headers: as() })
  const unknown = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${randomUUID()}`, headers: as(owner) })
  for (const res of [other, unknown]) {
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'message_not_found')
  }
  t.equal(other.json().detail, unknown.json().detail)
})

t.test('a malformed id answers 400, no token 401', async (t) => {
  const bad = await app.inject({ method: 'GET', url: `${PREFIX}/messages/not-a-uuid`, headers: as() })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'validation_failed')
  const anon = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${randomUUID()}` })
  t.equal(anon.statusCode, 401)
  const anonList = await app.inject({ method: 'GET', url: `${PREFIX}/messages` })
  t.equal(anonList.statusCode, 401)
})

t.test("GET /messages lists only the caller's messages, newest received first, in pages", async (t) => {
  const userId = randomUUID()
  const ids: string[] = []
  for (let i = 0; i < 5; i++) ids.push(await post(userId, unique(`Rs.${i} debited`), `2024-03-1${i}T10:00:00Z`))
  await post(randomUUID(), unique('someone else'), '2024-03-19T10:00:00Z')

  const first = await app.inject({ method: 'GET', url: `${PREFIX}/messages?limit=2`, headers: as(userId) })
  t.equal(first.statusCode, 200)
  t.same(
    first.json().items.map((m: { messageId: string }) => m.messageId),
    [ids[4], ids[3]],
  )
  t.type(first.json().nextCursor, 'string')
  const second = await app.inject({ method: 'GET', url: `${PREFIX}/messages?limit=2&cursor=${first.json().nextCursor}`, headers: as(userId) })
  t.same(
    second.json().items.map((m: { messageId: string }) => m.messageId),
    [ids[2], ids[1]],
  )
  const third = await app.inject({ method: 'GET', url: `${PREFIX}/messages?limit=2&cursor=${second.json().nextCursor}`, headers: as(userId) })
  t.same(
    third.json().items.map((m: { messageId: string }) => m.messageId),
    [ids[0]],
  )
  t.equal(third.json().nextCursor, null)
})

t.test('GET /messages?status= filters by status; bad filters, limits and cursors answer 400', async (t) => {
  const userId = randomUUID()
  const a = await post(userId, unique('Rs.1 debited'), '2024-03-10T10:00:00Z')
  const b = await post(userId, unique('Rs.2 debited'), '2024-03-11T10:00:00Z')
  await db.bankMessage.update({ where: { id: a }, data: { status: 'rejected', reason: 'otp' } })
  const rejected = await app.inject({ method: 'GET', url: `${PREFIX}/messages?status=rejected`, headers: as(userId) })
  t.same(
    rejected.json().items.map((m: { messageId: string }) => m.messageId),
    [a],
  )
  const pending = await app.inject({ method: 'GET', url: `${PREFIX}/messages?status=pending`, headers: as(userId) })
  t.same(
    pending.json().items.map((m: { messageId: string }) => m.messageId),
    [b],
  )
  for (const query of ['status=done', 'limit=0', 'limit=101', 'limit=abc', 'cursor=garbage', 'sort=asc']) {
    const res = await app.inject({ method: 'GET', url: `${PREFIX}/messages?${query}`, headers: as(userId) })
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'validation_failed', query)
  }
})
