// The parser worker end to end inside ds-service: HTTP post -> outbox -> Kafka -> consumer -> outcome
// stored -> expense.parsed / bank-message.rejected on their topics.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { topics } from '@expenses/events'
import { readTopic, topicEndOffsets, waitFor } from '@expenses/testing'
import { buildTestApp, outboxFor, PREFIX, settled, startWorker, unique } from '../helper.js'

const { app, db, as, config } = await buildTestApp(t)
const { kafka, groupId, consumer, settlements } = await startWorker(t, db, config)

async function post(userId: string, payload: { text: string; sender?: string; receivedAt?: string }) {
  const res = await app.inject({ method: 'POST', url: `${PREFIX}/messages`, headers: as(userId), payload })
  if (res.statusCode !== 202) throw new Error(`post failed: ${res.statusCode} ${res.body}`)
  return res.json().messageId as string
}

const forMessage = (messageId: string) => (m: { value: string | null }) => JSON.parse(m.value ?? '{}').messageId === messageId

t.test('a posted bank SMS becomes parsed and publishes one expense.parsed event with its amount, currency and merchant', async (t) => {
  const userId = randomUUID()
  const from = await topicEndOffsets(kafka, topics.expenseParsed.name)
  const text = unique('Rs.1,250.00 debited from a/c **1234 on 13-03-24 to VPA freshmart@okaxis (UPI Ref No 407312345678).')
  const messageId = await post(userId, { text, sender: 'VM-HDFCBK', receivedAt: '2024-03-13T10:00:00Z' })

  const row = await settled(db, messageId)
  t.equal(row.status, 'parsed')
  t.equal(row.reason, null)
  t.ok(row.parsedAt)
  t.match(row.result, { isTransaction: true, amount: '1250.00', currency: 'INR', merchant: 'freshmart@okaxis' })

  const view = await app.inject({ method: 'GET', url: `${PREFIX}/messages/${messageId}`, headers: as(userId) })
  t.match(view.json(), { status: 'parsed', result: { amount: '1250.00', currency: 'INR' }, reason: null })

  // Read on after the event arrives, so a duplicate would be seen too.
  const events = (await readTopic(kafka, topics.expenseParsed.name, { from, durationMs: 6000 })).filter(forMessage(messageId))
  t.equal(events.length, 1, 'exactly one expense.parsed')
  t.equal(events[0]?.key, userId)
  t.equal(events[0]?.headers['event-type'], 'expense.parsed.v1')
  t.match(JSON.parse(events[0]?.value ?? '{}'), {
    eventId: /^[0-9a-f-]{36}$/,
    userId,
    messageId,
    type: 'debit',
    amount: '1250.00',
    currency: 'INR',
    merchant: 'freshmart@okaxis',
    accountLast4: '1234',
    channel: 'upi',
    reference: '407312345678',
    // The stated date is the arrival day: the precise arrival time is kept.
    occurredAt: '2024-03-13T10:00:00.000Z',
    receivedAt: '2024-03-13T10:00:00.000Z',
    confidence: Number,
  })
})

t.test('posting the same message twice leads to one expense.parsed event', async (t) => {
  const userId = randomUUID()
  const from = await topicEndOffsets(kafka, topics.expenseParsed.name)
  const payload = { text: unique('You spent USD 12.00 at STARBUCKS with card ending 4421'), sender: 'CHASE', receivedAt: '2024-05-01T18:30:00Z' }
  const messageId = await post(userId, payload)
  const again = await app.inject({ method: 'POST', url: `${PREFIX}/messages`, headers: as(userId), payload })
  t.equal(again.statusCode, 200)
  t.equal(again.json().messageId, messageId)
  await settled(db, messageId)
  const events = (await readTopic(kafka, topics.expenseParsed.name, { from, durationMs: 6000 })).filter(forMessage(messageId))
  t.equal(events.length, 1)
  t.match(JSON.parse(events[0]?.value ?? '{}'), { amount: '12.00', currency: 'USD', merchant: 'STARBUCKS', channel: 'card' })
})

t.test('an OTP message is rejected with its reason and publishes bank-message.rejected, not an expense', async (t) => {
  const userId = randomUUID()
  const rejectedFrom = await topicEndOffsets(kafka, topics.bankMessageRejected.name)
  const text = unique('123456 is your OTP for txn of Rs 500 at AMAZON. Valid for 10 mins. Do not share.')
  const messageId = await post(userId, { text, sender: 'VM-HDFCBK' })
  const row = await settled(db, messageId)
  t.equal(row.status, 'rejected')
  t.equal(row.reason, 'otp')
  const events = (
    await readTopic(kafka, topics.bankMessageRejected.name, { from: rejectedFrom, until: (ms) => ms.some(forMessage(messageId)), durationMs: 20_000 })
  ).filter(forMessage(messageId))
  t.equal(events.length, 1)
  t.match(JSON.parse(events[0]?.value ?? '{}'), { userId, messageId, reason: 'otp', eventId: /^[0-9a-f-]{36}$/ })
  t.same(
    (await outboxFor(db, messageId)).map((e) => e.topic),
    ['bank-message.received.v1', 'bank-message.rejected.v1'],
    'no expense.parsed for it',
  )
})

t.test('a transaction without a currency is rejected as incomplete, keeping the partial result for correction', async (t) => {
  const userId = randomUUID()
  const messageId = await post(userId, {
    text: unique('Acct XX123 debited with 1,500.00 on 12-Mar-24 towards Zomato'),
    sender: 'ABCDEF',
    receivedAt: '2024-03-13T10:00:00Z',
  })
  const row = await settled(db, messageId)
  t.equal(row.status, 'rejected')
  t.equal(row.reason, 'incomplete')
  t.match(row.result, { isTransaction: true, amount: '1500.00', currency: null, merchant: 'Zomato' })
  t.same(
    (await outboxFor(db, messageId)).map((e) => e.topic),
    ['bank-message.received.v1', 'bank-message.rejected.v1'],
  )
})

t.test('a poison message on bank-message.received.v1 goes to the DLQ and the next message is still processed', async (t) => {
  const dlq = `${topics.bankMessageReceived.name}.dlq`
  const dlqFrom = await topicEndOffsets(kafka, dlq)
  const producer = kafka.producer()
  await producer.connect()
  const marker = randomUUID()
  await producer.send({
    topic: topics.bankMessageReceived.name,
    messages: [
      { key: marker, value: `{"not json ${marker}` },
      // Valid JSON, but not the contract.
      { key: marker, value: JSON.stringify({ eventId: randomUUID(), messageId: marker }) },
      // The contract, but for a message that was never stored.
      {
        key: marker,
        value: JSON.stringify({
          eventId: randomUUID(),
          occurredAt: new Date().toISOString(),
          userId: randomUUID(),
          messageId: marker,
          text: 'x',
          sender: null,
          receivedAt: new Date().toISOString(),
        }),
      },
    ],
  })
  await producer.disconnect()

  const userId = randomUUID()
  const messageId = await post(userId, { text: unique('You spent USD 7.00 at BLUE BOTTLE with card ending 4421'), sender: 'CHASE' })
  t.equal((await settled(db, messageId)).status, 'parsed', 'the next message is processed')

  const mine = (m: { key: string | null; headers: Record<string, string> }) => m.key === marker && m.headers['x-consumer-group'] === groupId
  const dead = (await readTopic(kafka, dlq, { from: dlqFrom, until: (ms) => ms.filter(mine).length >= 3, durationMs: 20_000 })).filter(mine)
  t.same(dead.map((m) => m.headers['x-dlq-reason']).sort(), ['malformed_json', 'schema_violation', 'unknown_message'])
})

t.test('the same bank-message.received event delivered twice settles the message once', async (t) => {
  const userId = randomUUID()
  const messageId = await post(userId, { text: unique('You spent USD 3.50 at CORNER DELI with card ending 4421'), sender: 'CHASE' })
  await settled(db, messageId)
  const [received] = await outboxFor(db, messageId)
  await waitFor(async () => (await db.outboxEvent.findUnique({ where: { id: received?.id ?? 0n } }))?.publishedAt, {
    what: 'the received event to be published',
  })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: topics.bankMessageReceived.name, messages: [{ key: userId, value: JSON.stringify(received?.payload) }] })
  await producer.disconnect()
  // Then a fresh message: once it is settled the redelivered one was handled before it (same key, same partition).
  const next = await post(userId, { text: unique('You spent USD 1.00 at KIOSK with card ending 4421'), sender: 'CHASE' })
  await settled(db, next)
  t.same(
    (await outboxFor(db, messageId)).map((e) => e.topic),
    ['bank-message.received.v1', 'expense.parsed.v1'],
    'one outcome event',
  )
})

t.test('a batch of messages is settled in a few transactions, each message once with its own outcome event', async (t) => {
  const userId = randomUUID()
  const before = consumer.transactions
  const messages = Array.from({ length: 24 }, (_, i) =>
    i % 6 === 5
      ? { text: unique(`${400000 + i} is your OTP for login. Do not share it. -HDFC Bank`), sender: 'VM-HDFCBK' }
      : { text: unique(`You spent USD ${i + 1}.25 at SHOP ${i} with card ending 4421`), sender: 'CHASE', receivedAt: '2024-05-01T18:30:00Z' },
  )
  const res = await app.inject({ method: 'POST', url: `${PREFIX}/messages:batch`, headers: as(userId), payload: { messages } })
  t.equal(res.statusCode, 202)
  const ids = (res.json().results as { messageId: string }[]).map((r) => r.messageId)
  const rows = await Promise.all(ids.map((id) => settled(db, id)))
  t.same(
    rows.map((r) => r.status),
    messages.map((_, i) => (i % 6 === 5 ? 'rejected' : 'parsed')),
    'transactions parsed, OTPs rejected, in the order posted',
  )
  t.same(
    rows.filter((r) => r.status === 'parsed').map((r) => (r.result as { amount: string }).amount),
    messages.flatMap((_, i) => (i % 6 === 5 ? [] : [`${i + 1}.25`])),
    'each message has its own amount',
  )
  for (const [i, id] of ids.entries()) {
    const topicsOf = (await outboxFor(db, id)).map((e) => e.topic)
    const outcome = i % 6 === 5 ? 'bank-message.rejected.v1' : 'expense.parsed.v1'
    t.same(topicsOf, ['bank-message.received.v1', outcome], `message ${i}: one outcome event`)
  }
  const used = consumer.transactions - before
  t.ok(used < messages.length, `${messages.length} messages in ${used} transaction(s)`)
})

t.test('each settled message is reported once, after its commit, with its outcome and reason (ds_messages_settled_total)', async (t) => {
  const userId = randomUUID()
  const parsed = await post(userId, {
    text: unique('Rs.310.00 debited from a/c **1234 on 13-03-24 to VPA bakery@okaxis (UPI Ref No 407312345699).'),
    sender: 'VM-HDFCBK',
  })
  const otp = await post(userId, { text: unique('482913 is your OTP for txn of INR 2,000.00 at AMAZON. Do not share. -HDFC Bank'), sender: 'VM-HDFCBK' })
  await settled(db, parsed)
  await settled(db, otp)
  const mine = await waitFor(
    () => {
      const found = settlements.filter((s) => s.messageId === parsed || s.messageId === otp)
      return found.length >= 2 ? found : undefined
    },
    { what: 'both reported' },
  )
  // Redeliveries and retried chunks must not report again: wait a little for a late duplicate.
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  t.same(
    settlements.filter((s) => s.messageId === parsed || s.messageId === otp).sort((a, b) => a.status.localeCompare(b.status)),
    [
      { messageId: parsed, status: 'parsed', reason: null },
      { messageId: otp, status: 'rejected', reason: 'otp' },
    ],
    'one report each',
  )
  t.equal(mine.length, 2)
})
