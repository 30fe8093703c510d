import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, PREFIX } from '../helper.js'

const url = `${PREFIX}/messages:batch`
const { app, db, as } = await buildTestApp(t)

function messages(n: number, at = '2024-03-13T10:00:00Z') {
  const tag = randomUUID().slice(0, 8)
  return Array.from({ length: n }, (_, i) => ({
    text: `Rs.${100 + i}.00 debited from a/c **1234 to VPA shop${i}@okaxis ${tag}`,
    sender: 'VM-HDFCBK',
    receivedAt: at,
  }))
}

async function outboxCount(userId: string) {
  return db.outboxEvent.count({ where: { topic: 'bank-message.received.v1', key: userId } })
}

t.test('the literal path /messages:batch is routed (and /messages:other is not)', async (t) => {
  const res = await app.inject({ method: 'POST', url, headers: as(), payload: { messages: messages(1) } })
  t.equal(res.statusCode, 202)
  const other = await app.inject({ method: 'POST', url: `${PREFIX}/messages:other`, headers: as(), payload: { messages: messages(1) } })
  t.equal(other.statusCode, 404)
})

t.test('a batch of new messages answers 202 with one pending result per item, in order, and one event each', async (t) => {
  const userId = randomUUID()
  const items = messages(20)
  const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { messages: items } })
  t.equal(res.statusCode, 202)
  const body = res.json()
  t.equal(body.accepted, 20)
  t.equal(body.duplicates, 0)
  t.same(
    body.results.map((r: { index: number }) => r.index),
    [...Array(20).keys()],
  )
  for (const [i, r] of body.results.entries()) {
    t.match(r, { messageId: /^[0-9a-f-]{36}$/, status: 'pending', duplicate: false })
    const row = await db.bankMessage.findUniqueOrThrow({ where: { id: r.messageId } })
    t.equal(row.text, items[i]?.text, `item ${i} stored under its own id`)
  }
  t.equal(await outboxCount(userId), 20)
})

t.test('a batch of 50 with repeats inside it and of earlier posts answers 207 and stores each message once', async (t) => {
  const userId = randomUUID()
  const headers = as(userId)
  const earlier = messages(5)
  const firstPost = await app.inject({ method: 'POST', url: `${PREFIX}/messages`, headers, payload: earlier[0] })
  t.equal(firstPost.statusCode, 202)
  const earlierBatch = await app.inject({ method: 'POST', url, headers, payload: { messages: earlier.slice(1) } })
  t.equal(earlierBatch.statusCode, 202)

  const fresh = messages(40)
  // 40 new + 5 already stored + 5 repeats of items earlier in this batch = 50
  const batch = [...fresh.slice(0, 20), ...earlier, ...fresh.slice(20), ...fresh.slice(0, 5)]
  t.equal(batch.length, 50)
  const res = await app.inject({ method: 'POST', url, headers, payload: { messages: batch } })
  t.equal(res.statusCode, 207)
  const body = res.json()
  t.equal(body.results.length, 50)
  t.equal(body.accepted, 40)
  t.equal(body.duplicates, 10)
  const earlierIds = [firstPost.json().messageId, ...earlierBatch.json().results.map((r: { messageId: string }) => r.messageId)]
  t.same(
    body.results.slice(20, 25).map((r: { messageId: string }) => r.messageId),
    earlierIds,
    'already stored items answer with their stored ids',
  )
  t.ok(body.results.slice(20, 25).every((r: { duplicate: boolean }) => r.duplicate))
  t.same(
    body.results.slice(45).map((r: { messageId: string }) => r.messageId),
    body.results.slice(0, 5).map((r: { messageId: string }) => r.messageId),
    "repeats within the batch share the first occurrence's id",
  )
  t.ok(body.results.slice(45).every((r: { duplicate: boolean }) => r.duplicate))
  t.ok(body.results.slice(0, 20).every((r: { duplicate: boolean }) => !r.duplicate))
  t.equal(await db.bankMessage.count({ where: { userId } }), 45)
  t.equal(await outboxCount(userId), 45, 'one event per stored message, none for duplicates')
})

t.test('500 messages are accepted in one request', async (t) => {
  const userId = randomUUID()
  const started = Date.now()
  const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { messages: messages(500) } })
  t.equal(res.statusCode, 202)
  t.equal(res.json().accepted, 500)
  t.equal(await db.bankMessage.count({ where: { userId } }), 500)
  t.equal(await outboxCount(userId), 500)
  t.comment(`500-message batch took ${Date.now() - started} ms`)
})

t.test('501 messages answer 400 and store nothing', async (t) => {
  const userId = randomUUID()
  const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { messages: messages(501) } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'validation_failed')
  t.match(JSON.stringify(res.json().errors), /body\.messages/)
  t.equal(await db.bankMessage.count({ where: { userId } }), 0)
})

t.test('a batch with invalid items answers 400 listing every bad index, and stores nothing', async (t) => {
  const userId = randomUUID()
  const items: unknown[] = messages(10)
  items[2] = { text: '   ' }
  items[4] = { text: 'x', receivedAt: 'not a date' }
  items[7] = { text: 'x', extra: true }
  items[9] = { text: 'y'.repeat(5000) }
  const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { messages: items } })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.equal(body.code, 'validation_failed')
  t.same(body.invalidIndexes, [2, 4, 7, 9])
  const paths = body.errors.map((e: { path: string }) => e.path)
  t.ok(paths.includes('body.messages.2.text'), 'blank text')
  t.ok(
    paths.some((p: string) => p.startsWith('body.messages.4.receivedAt')),
    'bad date',
  )
  t.ok(
    paths.some((p: string) => p.startsWith('body.messages.7')),
    'unknown field',
  )
  t.ok(paths.includes('body.messages.9.text'), 'too long')
  t.equal(await db.bankMessage.count({ where: { userId } }), 0)
  t.equal(await outboxCount(userId), 0)
})

t.test('an empty batch, a missing list or unknown top-level fields answer 400', async (t) => {
  for (const payload of [{ messages: [] }, {}, { messages: messages(1), dryRun: true }, { messages: 'nope' }]) {
    const res = await app.inject({ method: 'POST', url, headers: as(), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.equal(res.json().code, 'validation_failed')
  }
})

t.test('a batch without a token answers 401', async (t) => {
  const items = messages(2)
  const res = await app.inject({ method: 'POST', url, payload: { messages: items } })
  t.equal(res.statusCode, 401)
  t.equal(await db.bankMessage.count({ where: { text: items[0]?.text ?? '' } }), 0)
})

t.test('the same batch posted twice at once stores each message once', async (t) => {
  const userId = randomUUID()
  const headers = as(userId)
  const items = messages(30)
  const [a, b] = await Promise.all([0, 1].map(() => app.inject({ method: 'POST', url, headers, payload: { messages: items } })))
  t.same([a?.statusCode, b?.statusCode].sort(), [202, 207])
  t.same(
    a?.json().results.map((r: { messageId: string }) => r.messageId),
    b?.json().results.map((r: { messageId: string }) => r.messageId),
  )
  t.equal(await db.bankMessage.count({ where: { userId } }), 30)
  t.equal(await outboxCount(userId), 30)
})
