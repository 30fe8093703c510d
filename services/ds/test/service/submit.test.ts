import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, outboxFor, PREFIX, unique } from '../helper.js'

const url = `${PREFIX}/messages`
// One app for the file (users are unique per test, so tests do not see each other's messages).
const { app, db, as, issuer } = await buildTestApp(t)
const hdfc = () => unique('Rs.1,250.00 debited from a/c **1234 on 13-03-24 to VPA freshmart@okaxis (UPI Ref No 407312345678).')

t.test('a new message answers 202 pending, is stored, and writes one bank-message.received event in the outbox', async (t) => {
  const userId = randomUUID()
  const text = hdfc()
  const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { text, sender: 'VM-HDFCBK', receivedAt: '2024-03-13T10:00:00+05:30' } })
  t.equal(res.statusCode, 202)
  const body = res.json()
  t.match(body, { messageId: /^[0-9a-f-]{36}$/, status: 'pending', duplicate: false })
  const row = await db.bankMessage.findUniqueOrThrow({ where: { id: body.messageId } })
  t.match(row, { userId, text, sender: 'VM-HDFCBK', status: 'pending', result: null })
  t.equal(row.receivedAt.toISOString(), '2024-03-13T04:30:00.000Z')
  const events = await outboxFor(db, body.messageId)
  t.equal(events.length, 1)
  t.equal(events[0]?.topic, 'bank-message.received.v1')
  t.equal(events[0]?.key, userId)
  t.match(events[0]?.payload, {
    userId,
    messageId: body.messageId,
    text,
    sender: 'VM-HDFCBK',
    receivedAt: '2024-03-13T04:30:00.000Z',
    eventId: /^[0-9a-f-]{36}$/,
  })
})

t.test('receivedAt defaults to now and the text is stored trimmed', async (t) => {
  const text = hdfc()
  const before = Date.now()
  const res = await app.inject({ method: 'POST', url, headers: as(), payload: { text: `  \n${text}\n  ` } })
  t.equal(res.statusCode, 202)
  const row = await db.bankMessage.findUniqueOrThrow({ where: { id: res.json().messageId } })
  t.equal(row.text, text)
  t.equal(row.sender, null)
  t.ok(row.receivedAt.getTime() >= before - 5 && row.receivedAt.getTime() <= Date.now() + 5, 'receivedAt is the time of the request')
})

t.test('posting the same text, sender and receivedAt again answers 200 with the same id and writes no second event', async (t) => {
  const headers = as()
  const payload = { text: hdfc(), sender: 'VM-HDFCBK', receivedAt: '2024-03-13T10:00:00Z' }
  const first = await app.inject({ method: 'POST', url, headers, payload })
  t.equal(first.statusCode, 202)
  const { messageId } = first.json()
  // Whitespace differences and an equivalent time zone spelling are the same message.
  const variants = [payload, { ...payload, text: `${payload.text.replace(' ', '   ')} ` }, { ...payload, receivedAt: '2024-03-13T15:30:00+05:30' }]
  for (const variant of variants) {
    const again = await app.inject({ method: 'POST', url, headers, payload: variant })
    t.equal(again.statusCode, 200)
    t.same(again.json(), { messageId, status: 'pending', duplicate: true })
  }
  t.equal(await db.bankMessage.count({ where: { text: payload.text } }), 1)
  t.equal((await outboxFor(db, messageId)).length, 1)
})

t.test("a duplicate reports the message's current status", async (t) => {
  const headers = as()
  const payload = { text: hdfc(), receivedAt: '2024-03-13T10:00:00Z' }
  const { messageId } = (await app.inject({ method: 'POST', url, headers, payload })).json()
  await db.bankMessage.update({ where: { id: messageId }, data: { status: 'rejected', reason: 'otp' } })
  const again = await app.inject({ method: 'POST', url, headers, payload })
  t.equal(again.statusCode, 200)
  t.same(again.json(), { messageId, status: 'rejected', duplicate: true })
})

t.test('a different receivedAt, a different sender or a different user makes a new message', async (t) => {
  const userId = randomUUID()
  const base = { text: hdfc(), sender: 'VM-HDFCBK', receivedAt: '2024-03-13T10:00:00Z' }
  const ids = new Set<string>()
  for (const [payload, user] of [
    [base, userId],
    [{ ...base, receivedAt: '2024-03-13T10:00:01Z' }, userId],
    [{ ...base, sender: 'VM-ICICIB' }, userId],
    [base, randomUUID()],
  ] as const) {
    const res = await app.inject({ method: 'POST', url, headers: as(user), payload })
    t.equal(res.statusCode, 202)
    ids.add(res.json().messageId)
  }
  t.equal(ids.size, 4)
})

t.test("concurrent identical posts store one row and one event; every loser answers 200 with the winner's id", async (t) => {
  const headers = as()
  const payload = { text: hdfc(), sender: 'VM-HDFCBK', receivedAt: '2024-03-13T10:00:00Z' }
  const responses = await Promise.all(Array.from({ length: 12 }, () => app.inject({ method: 'POST', url, headers, payload })))
  const codes = responses.map((r) => r.statusCode).sort()
  t.same(codes, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 202])
  const ids = new Set(responses.map((r) => r.json().messageId))
  t.equal(ids.size, 1)
  t.equal(await db.bankMessage.count({ where: { text: payload.text } }), 1)
  t.equal((await outboxFor(db, [...ids][0] as string)).length, 1)
})

t.test('invalid messages answer 400 validation_failed naming the field, and store nothing', async (t) => {
  const userId = randomUUID()
  const cases: [string, unknown, RegExp][] = [
    ['missing text', { sender: 'X' }, /body\.text/],
    ['empty text', { text: '' }, /body\.text/],
    ['blank text', { text: ' \n\t ' }, /body\.text/],
    ['text too long after trimming', { text: 'a'.repeat(4097) }, /body\.text/],
    ['text is not a string', { text: 42 }, /body\.text/],
    ['sender too long', { text: 'x', sender: 'S'.repeat(65) }, /body\.sender/],
    ['receivedAt not a date', { text: 'x', receivedAt: 'yesterday' }, /body\.receivedAt/],
    ['receivedAt without a time zone', { text: 'x', receivedAt: '2024-03-13T10:00:00' }, /body\.receivedAt/],
    ['receivedAt impossible', { text: 'x', receivedAt: '2024-02-30T10:00:00Z' }, /body\.receivedAt/],
    ['receivedAt days in the future', { text: 'x', receivedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }, /body\.receivedAt/],
    ['unknown field', { text: 'x', amount: 5 }, /body\.amount/],
    ['not an object', ['x'], /body/],
  ]
  for (const [name, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: payload as object })
    t.equal(res.statusCode, 400, `${name}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${name}: problem+json`)
    t.equal(res.json().code, 'validation_failed', `${name}: code`)
    t.match(JSON.stringify(res.json().errors), field, `${name}: names the field`)
  }
  t.equal(await db.bankMessage.count({ where: { userId } }), 0)
})

t.test('exactly 4096 characters (plus surrounding whitespace) is accepted', async (t) => {
  const text = unique('a').padEnd(4096, 'b')
  const res = await app.inject({ method: 'POST', url, headers: as(), payload: { text: `   ${text}   ` } })
  t.equal(res.statusCode, 202)
})

t.test('NUL characters and lone surrogates are cleaned instead of failing the insert', async (t) => {
  const text = unique('Paid Rs 10\u0000 to \ud800SHOP')
  const res = await app.inject({ method: 'POST', url, headers: as(), payload: { text, sender: 'AB\u0000C' } })
  t.equal(res.statusCode, 202)
  const row = await db.bankMessage.findUniqueOrThrow({ where: { id: res.json().messageId } })
  t.notOk(row.text.includes('\u0000'))
  t.ok(row.text.includes('\ufffdSHOP'))
  t.equal(row.sender, 'ABC')
})

t.test('malformed JSON answers 400, a non-JSON body 415', async (t) => {
  const bad = await app.inject({ method: 'POST', url, headers: { ...as(), 'content-type': 'application/json' }, payload: '{"text": ' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'malformed_json')
  const text = await app.inject({ method: 'POST', url, headers: { ...as(), 'content-type': 'application/xml' }, payload: '<text/>' })
  t.equal(text.statusCode, 415)
})

t.test('without a token, or with a bad or expired one, the answer is 401 and nothing is stored', async (t) => {
  const text = hdfc()
  const userId = randomUUID()
  const notAUser = { authorization: `Bearer ${issuer.token('not-a-uuid')}` }
  for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }, { authorization: `Bearer ${issuer.token(userId, { expiresInMs: -60_000 })}` }, notAUser]) {
    const res = await app.inject({ method: 'POST', url, headers, payload: { text } })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'invalid_token')
  }
  t.equal(await db.bankMessage.count({ where: { text } }), 0)
})
