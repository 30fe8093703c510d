// Learning from the user (PATCH /messages/:id): the corrected message becomes an expense, and the sender's
// layout is learned for that user only.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { OutboxBuffer, topics } from '@expenses/events'
import { readTopic, topicEndOffsets } from '@expenses/testing'
import { dedupKey } from '../../src/domain/incoming.js'
import { processReceivedMessage } from '../../src/domain/processing.js'
import { buildTestApp, outboxFor, PREFIX, settled, silent, startWorker } from '../helper.js'

const { app, db, as, config } = await buildTestApp(t)
const { kafka } = await startWorker(t, db, config)

const zeta = (amount: string, merchant: string, left: string, code: string) =>
  `ZETA WALLET: you paid ${amount} to ${merchant}. Wallet left ${left}. Code ${code}`

async function post(userId: string, text: string, sender: string | null, receivedAt = new Date().toISOString()) {
  const res = await app.inject({ method: 'POST', url: `${PREFIX}/messages`, headers: as(userId), payload: { text, sender, receivedAt } })
  if (res.statusCode !== 202) throw new Error(`post failed: ${res.statusCode} ${res.body}`)
  return res.json().messageId as string
}

function patch(userId: string, id: string, payload: unknown) {
  return app.inject({ method: 'PATCH', url: `${PREFIX}/messages/${id}`, headers: as(userId), payload: payload as object })
}

/** A message stored directly, without its received event, so no worker touches it. */
async function storedPending(userId: string, text: string, sender: string | null, receivedAt = new Date('2024-03-13T10:00:00Z')) {
  const row = await db.bankMessage.create({ data: { id: randomUUID(), userId, text, sender, receivedAt, dedupKey: dedupKey(text, sender, receivedAt) } })
  return row.id
}

t.test(
  'correcting a rejected message publishes expense.parsed, learns a template, and the next message in that format parses for that user only',
  async (t) => {
    const userId = randomUUID()
    const sender = `ZETA${randomUUID().slice(0, 4).toUpperCase()}`
    const parsedFrom = await topicEndOffsets(kafka, topics.expenseParsed.name)

    const first = await post(userId, zeta('42.50', 'Corner Cafe', '100.00', 'QX12'), sender, '2024-03-13T10:00:00Z')
    const rejected = await settled(db, first)
    t.equal(rejected.status, 'rejected', 'the built-in parser does not know this wallet')

    const res = await patch(userId, first, { type: 'debit', amount: '42.50', currency: 'usd', merchant: 'Corner Cafe', balance: '100.00', reference: 'QX12' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), {
      messageId: first,
      status: 'parsed',
      reason: null,
      templateLearned: true,
      correctedAt: /^\d{4}-/,
      correction: { type: 'debit', amount: '42.50', currency: 'USD', merchant: 'Corner Cafe' },
      result: {
        isTransaction: true,
        type: 'debit',
        amount: '42.50',
        currency: 'USD',
        merchant: 'Corner Cafe',
        balance: '100.00',
        confidence: 1,
        format: 'user_correction',
      },
    })
    const templates = await db.userTemplate.findMany({ where: { userId } })
    t.equal(templates.length, 1)
    t.equal(templates[0]?.sender, sender)
    t.match(templates[0]?.template, { sender, pattern: /\{amount\}/ })

    // The next message in the same format, from the same sender, for the same user: parsed by the template.
    const second = await post(userId, zeta('13.10', 'Book Nook', '86.90', 'QX13'), sender)
    const parsed = await settled(db, second)
    t.equal(parsed.status, 'parsed')
    t.match(parsed.result, { amount: '13.10', currency: 'USD', merchant: 'Book Nook', balance: '86.90', reference: 'QX13', format: /^user:/ })
    t.equal((await db.userTemplate.findFirstOrThrow({ where: { userId } })).hits, 1, 'the template use is counted')

    // Another user, same sender and format: the first user's template does not apply.
    const otherUser = randomUUID()
    const others = await post(otherUser, zeta('13.10', 'Book Nook', '86.90', 'QX14'), sender)
    t.equal((await settled(db, others)).status, 'rejected')
    // Same user, same format, another sender: does not apply either.
    const otherSender = await post(userId, zeta('13.10', 'Book Nook', '86.90', 'QX15'), 'SOMEBANK')
    t.equal((await settled(db, otherSender)).status, 'rejected')

    const events = await readTopic(kafka, topics.expenseParsed.name, {
      from: parsedFrom,
      until: (ms) => ms.filter((m) => [first, second].includes(JSON.parse(m.value ?? '{}').messageId)).length >= 2,
      durationMs: 20_000,
    })
    const corrected = events.map((m) => JSON.parse(m.value ?? '{}')).find((e) => e.messageId === first)
    t.match(corrected, {
      userId,
      type: 'debit',
      amount: '42.50',
      currency: 'USD',
      merchant: 'Corner Cafe',
      balance: '100.00',
      reference: 'QX12',
      confidence: 1,
      occurredAt: '2024-03-13T10:00:00.000Z',
    })
    const learned = events.map((m) => JSON.parse(m.value ?? '{}')).find((e) => e.messageId === second)
    t.match(learned, { userId, amount: '13.10', currency: 'USD', merchant: 'Book Nook' })
  },
)

t.test('correcting an incomplete message (no currency) with just the currency makes the expense and teaches the sender', async (t) => {
  const userId = randomUUID()
  const sender = `BK${randomUUID().slice(0, 4).toUpperCase()}`
  const first = await post(userId, 'Acct XX123 debited with 1,500.00 on 12-Mar-24 towards Zomato', sender, '2024-03-14T10:00:00Z')
  t.equal((await settled(db, first)).reason, 'incomplete')
  const res = await patch(userId, first, { currency: 'INR' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'parsed', result: { amount: '1500.00', currency: 'INR', merchant: 'Zomato' }, templateLearned: true })
  const [, expense] = await outboxFor(db, first).then((rows) => rows.filter((r) => r.topic !== 'bank-message.rejected.v1'))
  // The stated date (12 March) is before the arrival day: noon UTC on that date.
  t.match(expense?.payload, { amount: '1500.00', currency: 'INR', merchant: 'Zomato', occurredAt: '2024-03-12T12:00:00.000Z', confidence: 1 })

  const next = await post(userId, 'Acct XX123 debited with 320.00 on 14-Mar-24 towards Swiggy', sender, '2024-03-14T09:00:00Z')
  t.match((await settled(db, next)).result, { amount: '320.00', currency: 'INR', merchant: 'Swiggy' })
  t.equal((await settled(db, next)).status, 'parsed')
})

t.test("a broken template never breaks parsing of other senders, other users, or the same sender's good templates", async (t) => {
  const userId = randomUUID()
  const sender = `ZETA${randomUUID().slice(0, 4).toUpperCase()}`
  const first = await post(userId, zeta('42.50', 'Corner Cafe', '100.00', 'QX12'), sender)
  await settled(db, first)
  t.equal((await patch(userId, first, { type: 'debit', amount: '42.50', currency: 'USD', merchant: 'Corner Cafe' })).statusCode, 200)

  const junk = [
    'not an object',
    { sender, pattern: '{amount'.repeat(500), fields: { amount: { slot: true } } },
    { sender, pattern: 'zeta wallet: you paid {amount} to {merchant}', fields: { amount: { value: 'DROP TABLE' } } },
    { sender: 'VM-HDFCBK', pattern: '(a+)+$'.repeat(100), fields: null },
    { sender: 'HDFCBK', pattern: '{merchant}{amount}', fields: { merchant: { slot: true }, amount: { slot: true } } },
  ]
  for (const [i, template] of junk.entries()) {
    const s = typeof template === 'object' ? template.sender : sender
    await db.userTemplate.create({
      data: { id: randomUUID(), userId, sender: s, templateKey: `junk_${i}`, template: template as object, learnedAt: new Date(Date.now() + 60_000) },
    })
  }

  // Numbers outside the template's slots must keep their digit count (the balance was not corrected here).
  const sameSender = await post(userId, zeta('9.99', 'Tea Room', '190.01', 'QX20'), sender)
  t.match((await settled(db, sameSender)).result, { amount: '9.99', merchant: 'Tea Room', format: /^user:tpl_/ }, 'the good template still applies')
  const hdfc = 'Rs.1,250.00 debited from a/c **1234 on 13-03-24 to VPA freshmart@okaxis (UPI Ref No 407312345678).'
  const otherSender = await post(userId, hdfc, 'VM-HDFCBK', '2024-03-13T10:00:00Z')
  t.match((await settled(db, otherSender)).result, { amount: '1250.00', currency: 'INR', format: /^in\./ }, 'built-in formats unaffected')
  const otherUser = await post(randomUUID(), hdfc, 'VM-HDFCBK', '2024-03-13T10:00:00Z')
  t.match((await settled(db, otherUser)).result, { amount: '1250.00', currency: 'INR' }, 'other users unaffected')
})

t.test('correcting a pending message settles it; the worker then leaves it alone', async (t) => {
  const userId = randomUUID()
  const text = 'Paid 18.00 to River Books ref AB12'
  const id = await storedPending(userId, text, 'NEWBANK')
  const res = await patch(userId, id, { type: 'debit', amount: '18.00', currency: 'EUR', merchant: 'River Books' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'parsed', result: { amount: '18.00', currency: 'EUR' } })
  // Now the (late) received event reaches the worker.
  await db.$transaction(async (tx) => {
    const outbox = new OutboxBuffer()
    await processReceivedMessage({ messageId: id, userId }, { tx, log: silent, publish: outbox.publish }, { minConfidence: 0 })
    await outbox.write(tx)
  })
  const row = await db.bankMessage.findUniqueOrThrow({ where: { id } })
  t.equal(row.status, 'parsed')
  t.match(row.result, { format: 'user_correction', currency: 'EUR' })
  t.same(
    (await outboxFor(db, id)).map((e) => e.topic),
    ['expense.parsed.v1'],
    "only the correction's event",
  )
})

t.test('correcting an already parsed message re-publishes expense.parsed with a new eventId, marked as a correction', async (t) => {
  const userId = randomUUID()
  const id = await post(userId, 'You spent USD 12.00 at STARBUCKS with card ending 4421', 'CHASE', '2024-05-01T18:30:00Z')
  t.equal((await settled(db, id)).status, 'parsed')
  const res = await patch(userId, id, { merchant: 'Starbucks Reserve' })
  t.equal(res.statusCode, 200)
  const events = (await outboxFor(db, id)).filter((e) => e.topic === 'expense.parsed.v1')
  t.equal(events.length, 2)
  t.not(events[0]?.eventId, events[1]?.eventId)
  t.match(events[1]?.payload, { merchant: 'Starbucks Reserve', amount: '12.00', currency: 'USD', confidence: 1, corrected: true })
  t.notOk((events[0]?.payload as { corrected?: boolean }).corrected, "the parser's own event is not a correction")
})

t.test('a correction whose amount is not in the text is applied but teaches nothing', async (t) => {
  const userId = randomUUID()
  const id = await storedPending(userId, 'Your card was used at MARKET HALL', 'CARDCO')
  const res = await patch(userId, id, { type: 'debit', amount: '31.40', currency: 'GBP', merchant: 'MARKET HALL', occurredAt: '2024-03-01' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'parsed', templateLearned: false })
  t.equal(await db.userTemplate.count({ where: { userId } }), 0)
  const [event] = await outboxFor(db, id)
  t.match(event?.payload, { amount: '31.40', currency: 'GBP', occurredAt: '2024-03-01T12:00:00.000Z' })
})

t.test('a correction that still lacks type, amount or currency answers 400 incomplete_correction and changes nothing', async (t) => {
  const userId = randomUUID()
  const id = await storedPending(userId, '123456 is your OTP. Do not share.', 'VM-HDFCBK')
  const res = await patch(userId, id, { merchant: 'AMAZON' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'incomplete_correction')
  t.match(JSON.stringify(res.json().errors), /body\.amount/)
  const zero = await patch(userId, id, { type: 'debit', amount: '0.00', currency: 'INR' })
  t.equal(zero.statusCode, 400)
  const row = await db.bankMessage.findUniqueOrThrow({ where: { id } })
  t.equal(row.status, 'pending')
  t.equal(row.correction, null)
  t.equal((await outboxFor(db, id)).length, 0)
})

t.test("PATCH validation: unknown fields, empty body, bad values answer 400; another user's message 404; no token 401", async (t) => {
  const userId = randomUUID()
  const id = await storedPending(userId, 'Paid 5.00 to X', 'SOMEONE')
  const bad: unknown[] = [
    {},
    { amount: 12.5 },
    { amount: '12,50' },
    { amount: '-3.00' },
    { currency: 'EURO' },
    { occurredAt: '13/03/2024' },
    { channel: 'pigeon' },
    { type: 'refund' },
    { isTransaction: false },
    { merchant: '   ' },
    { amount: '5.00', category: 'food' },
  ]
  for (const payload of bad) {
    const res = await patch(userId, id, payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().code, 'validation_failed', JSON.stringify(payload))
  }
  const other = await patch(randomUUID(), id, { type: 'debit', amount: '5.00', currency: 'USD' })
  t.equal(other.statusCode, 404)
  const missing = await patch(userId, randomUUID(), { type: 'debit', amount: '5.00', currency: 'USD' })
  t.equal(missing.statusCode, 404)
  const anon = await app.inject({ method: 'PATCH', url: `${PREFIX}/messages/${id}`, payload: { amount: '5.00' } })
  t.equal(anon.statusCode, 401)
  t.equal((await db.bankMessage.findUniqueOrThrow({ where: { id } })).status, 'pending')
})
