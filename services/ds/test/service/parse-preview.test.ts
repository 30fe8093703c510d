import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, PREFIX, unique } from '../helper.js'

const url = `${PREFIX}/parse`
const { app, db, as } = await buildTestApp(t)

t.test('POST /parse returns the parse result and what the message would become', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: as(),
    payload: {
      text: 'Rs.1,250.00 debited from a/c **1234 on 13-03-24 to VPA freshmart@okaxis (UPI Ref No 407312345678).',
      sender: 'VM-HDFCBK',
      receivedAt: '2024-03-13T10:00:00Z',
    },
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    isTransaction: true,
    type: 'debit',
    amount: '1250.00',
    currency: 'INR',
    merchant: 'freshmart@okaxis',
    accountLast4: '1234',
    occurredAt: '2024-03-13',
    channel: 'upi',
    reference: '407312345678',
    confidence: Number,
    rejectReason: null,
    status: 'parsed',
    reason: null,
  })
})

t.test('POST /parse on an OTP says it would be rejected, and why', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: as(),
    payload: { text: '123456 is your OTP for txn of Rs 500 at AMAZON. Valid for 10 mins. Do not share.', sender: 'VM-HDFCBK' },
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { isTransaction: false, rejectReason: 'otp', status: 'rejected', reason: 'otp' })
})

t.test('POST /parse on a transaction without a currency says it would be rejected as incomplete', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: as(),
    payload: { text: 'Acct XX123 debited with 1,500.00 on 12-Mar-24 towards Zomato', sender: 'ABCDEF' },
  })
  t.match(res.json(), { isTransaction: true, amount: '1500.00', currency: null, status: 'rejected', reason: 'incomplete' })
})

t.test('POST /parse stores nothing: no message, no event', async (t) => {
  const userId = randomUUID()
  const text = unique('Rs.99.00 debited from a/c **1234 to VPA shop@okaxis')
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url, headers: as(userId), payload: { text } })
    t.equal(res.statusCode, 200)
  }
  t.equal(await db.bankMessage.count({ where: { userId } }), 0)
  t.equal(await db.bankMessage.count({ where: { text } }), 0)
  t.equal(await db.outboxEvent.count({ where: { payload: { path: ['text'], equals: text } } }), 0)
})

t.test('POST /parse validates like POST /messages and needs a token', async (t) => {
  for (const payload of [{ text: '' }, { text: 'x', foo: 1 }, { text: 'x', receivedAt: 'nope' }, { text: 'z'.repeat(4097) }]) {
    const res = await app.inject({ method: 'POST', url, headers: as(), payload })
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'validation_failed')
  }
  const anon = await app.inject({ method: 'POST', url, payload: { text: 'hello' } })
  t.equal(anon.statusCode, 401)
})
