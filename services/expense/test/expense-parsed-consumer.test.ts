import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { createKafka, deadLetterTopic, EventConsumer, topics } from '@expenses/events'
import { readTopic, topicEndOffsets, waitFor } from '@expenses/testing'
import { expenseServiceConsumers } from '../src/consumers.js'
import { Expenses } from '../src/domain/expenses.js'
import { parsedEvent, testDb } from './helper.js'

const topic = topics.expenseParsed.name
const logger = pino({ level: 'silent' })

/**
 * expense-service's real consumer on a fresh consumer group, positioned at the topic's current end so
 * it sees only what this test produces (other test files publish to the same shared topic).
 */
async function startConsumer(t: Test, setup: { deferStart?: boolean } = {}) {
  const db = await testDb(t)
  const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'expense-consumer-test' }, logger)
  const groupId = `expense-service-test-${randomUUID()}`
  const admin = kafka.admin()
  await admin.connect()
  const ends = await topicEndOffsets(kafka, topic)
  await admin.setOffsets({ groupId, topic, partitions: [...ends].map(([partition, offset]) => ({ partition, offset })) })
  await admin.disconnect()
  const [options] = expenseServiceConsumers(groupId, new Expenses(db))
  if (!options) throw new Error('expense-service defines a consumer')
  const consumer = new EventConsumer({ ...options, kafka, db, logger, retryBaseMs: 20, retryMaxMs: 100, maxAttempts: 2 })
  const start = () => consumer.start()
  if (!setup.deferStart) await start()
  const producer = kafka.producer()
  await producer.connect()
  t.teardown(async () => {
    await consumer.stop()
    await producer.disconnect()
  })
  const send = (key: string, value: string) => producer.send({ topic, messages: [{ key, value, headers: { 'event-type': 'expense.parsed.v1' } }] })
  const settled = (n: number) =>
    waitFor(() => consumer.counts.processed + consumer.counts.duplicate + consumer.counts['dead-lettered'] >= n, {
      what: `${n} messages handled`,
      timeoutMs: 30_000,
    })
  /** Several events in one produce request under one key: the consumer fetches them as one batch. */
  const sendAll = (key: string, events: object[]) =>
    producer.send({ topic, messages: events.map((e) => ({ key, value: JSON.stringify(e), headers: { 'event-type': 'expense.parsed.v1' } })) })
  return { db, kafka, consumer, start, send, sendAll, settled }
}

t.test("an expense.parsed event becomes one expense with the message's fields, date and category", async (t) => {
  const { db, send, settled } = await startConsumer(t)
  const event = parsedEvent({ amount: '1250.5', merchant: 'ZOMATO', occurredAt: '2024-03-04T18:30:00.000Z' })
  await send(event.userId, JSON.stringify(event))
  await settled(1)
  const rows = await db.expense.findMany({ where: { userId: event.userId } })
  t.equal(rows.length, 1)
  const row = rows[0]
  t.match(row, {
    type: 'debit',
    currency: 'INR',
    merchant: 'ZOMATO',
    merchantKey: 'zomato',
    category: 'food',
    categorySource: 'rules',
    source: 'message',
    messageId: event.messageId,
    accountLast4: '1234',
    channel: 'upi',
    reference: '412345678901',
  })
  t.equal(row?.amount.toFixed(2), '1250.50', 'exact decimal amount')
  t.equal(row?.occurredAt.toISOString(), '2024-03-04T18:30:00.000Z', 'occurredAt is the transaction date from the event')
  t.equal(row?.receivedAt?.toISOString(), event.receivedAt, 'receivedAt is kept')
})

t.test('the same event delivered twice makes one expense', async (t) => {
  const { db, consumer, send, settled } = await startConsumer(t)
  const event = parsedEvent()
  await send(event.userId, JSON.stringify(event))
  await send(event.userId, JSON.stringify(event))
  await settled(2)
  t.equal(await db.expense.count({ where: { userId: event.userId } }), 1)
  t.equal(consumer.counts.duplicate, 1, 'the second delivery is recognised by its eventId')
})

t.test('a different eventId for the same message still makes one expense', async (t) => {
  const { db, consumer, send, settled } = await startConsumer(t)
  const first = parsedEvent()
  const again = { ...first, eventId: randomUUID(), amount: '999.00' }
  await send(first.userId, JSON.stringify(first))
  await send(first.userId, JSON.stringify(again))
  await settled(2)
  const rows = await db.expense.findMany({ where: { userId: first.userId } })
  t.equal(rows.length, 1, 'unique on (userId, messageId)')
  t.equal(rows[0]?.amount.toFixed(2), '1250.00', 'the first version stands')
  t.equal(consumer.counts.processed, 2, 'both events were handled without error (the second was a no-op)')
  // The same messageId of ANOTHER user is a different message.
  const otherUser = { ...first, eventId: randomUUID(), userId: randomUUID() }
  await send(otherUser.userId, JSON.stringify(otherUser))
  await settled(3)
  t.equal(await db.expense.count({ where: { messageId: first.messageId } }), 2)
})

t.test('a batch of parsed events is stored in a few transactions with the same fields, learned categories and idempotency as one by one', async (t) => {
  const { db, consumer, start, sendAll, settled } = await startConsumer(t, { deferStart: true })
  const alice = randomUUID()
  const bob = randomUUID()
  // Alice once moved an AMAZON expense to 'bills': a learned rule of hers, not of bob's.
  await db.merchantCategoryRule.create({ data: { userId: alice, merchantKey: 'amazon', category: 'bills' } })
  // A message already recorded before the batch: the batch must leave it as it is.
  const earlier = parsedEvent({ userId: alice, merchant: 'ZOMATO', amount: '10.00' })
  await new Expenses(db).recordParsed(db, earlier)
  const events = [
    ...Array.from({ length: 10 }, (_, i) => parsedEvent({ userId: alice, merchant: i % 2 ? 'AMAZON' : 'SWIGGY', amount: `${100 + i}.25` })),
    { ...earlier, eventId: randomUUID(), amount: '999.00' },
    parsedEvent({ userId: bob, merchant: 'AMAZON', amount: '55.5', type: 'credit' }),
  ]
  await sendAll(alice, events)
  await start()
  await settled(events.length)
  t.equal(consumer.counts['dead-lettered'], 0)
  t.ok(consumer.transactions < events.length, `${events.length} events in ${consumer.transactions} transaction(s)`)
  const rows = await db.expense.findMany({ where: { userId: { in: [alice, bob] } }, orderBy: { amount: 'asc' } })
  t.equal(rows.length, 12, 'ten new expenses for alice, the earlier one, one for bob')
  t.equal(rows.find((r) => r.messageId === earlier.messageId)?.amount.toFixed(2), '10.00', 'the earlier expense stands')
  const amazonAlice = rows.filter((r) => r.userId === alice && r.merchant === 'AMAZON')
  t.equal(amazonAlice.length, 5)
  t.ok(
    amazonAlice.every((r) => r.category === 'bills' && r.categorySource === 'learned'),
    "alice's learned rule applies to her AMAZON expenses",
  )
  const amazonBob = rows.find((r) => r.userId === bob)
  t.match(amazonBob, { category: 'income', categorySource: 'rules', type: 'credit', merchantKey: 'amazon' }, "alice's rule is not bob's")
  t.equal(amazonBob?.amount.toFixed(2), '55.50', 'exact decimal amount')
  const swiggy = rows.find((r) => r.merchant === 'SWIGGY' && r.amount.toFixed(2) === '100.25')
  t.match(swiggy, { category: 'food', categorySource: 'rules', source: 'message', accountLast4: '1234', channel: 'upi', reference: '412345678901' })
  t.equal(swiggy?.occurredAt.toISOString(), '2024-03-05T00:00:00.000Z')
})

t.test(
  'a batch with a correction or an invalid event falls back to one by one: the correction applies, the invalid event is dead-lettered alone',
  async (t) => {
    const { db, consumer, start, sendAll, settled, kafka } = await startConsumer(t, { deferStart: true })
    const user = randomUUID()
    const original = parsedEvent({ userId: user, merchant: 'SWIGGY', amount: '20.00' })
    await new Expenses(db).recordParsed(db, original)
    const dlqBefore = await topicEndOffsets(kafka, deadLetterTopic(topic))
    const events = [
      parsedEvent({ userId: user, amount: '1.00' }),
      { ...original, eventId: randomUUID(), amount: '21.00', corrected: true },
      parsedEvent({ userId: user, amount: '2.00', currency: 'XXY' }),
      parsedEvent({ userId: user, amount: '3.00' }),
    ]
    await sendAll(user, events)
    await start()
    await settled(events.length)
    t.equal(consumer.counts['dead-lettered'], 1, 'only the unknown currency')
    const rows = await db.expense.findMany({ where: { userId: user }, orderBy: { amount: 'asc' } })
    t.same(
      rows.map((r) => r.amount.toFixed(2)),
      ['1.00', '3.00', '21.00'],
      'the corrected amount, the valid neighbours, nothing of the invalid one',
    )
    const dead = await readTopic(kafka, deadLetterTopic(topic), { from: dlqBefore, until: (m) => m.some((x) => x.key === user), durationMs: 20_000 })
    t.equal(dead.find((x) => x.key === user)?.headers['x-dlq-reason'], 'invalid_currency')
  },
)

t.test("the user's correction of a message updates its expense; a category the user chose stays", async (t) => {
  const { db, send, settled } = await startConsumer(t)
  const first = parsedEvent({ merchant: 'SWGY*ORDER', amount: '125.00' })
  await send(first.userId, JSON.stringify(first))
  await settled(1)
  const before = await db.expense.findFirstOrThrow({ where: { userId: first.userId } })

  const correction = { ...first, eventId: randomUUID(), merchant: 'Uber', amount: '1250.00', channel: 'card' as const, confidence: 1, corrected: true }
  await send(first.userId, JSON.stringify(correction))
  await settled(2)
  const corrected = await db.expense.findMany({ where: { userId: first.userId } })
  t.equal(corrected.length, 1, 'still one expense for the message')
  t.equal(corrected[0]?.id, before.id, 'the same expense, updated in place')
  t.equal(corrected[0]?.amount.toFixed(2), '1250.00', 'the corrected amount')
  t.match(
    corrected[0],
    { merchant: 'Uber', merchantKey: 'uber', channel: 'card', category: 'transport', categorySource: 'rules' },
    'the category follows the corrected merchant',
  )

  // The user picks a category; a later correction changes the fields but not that choice.
  await db.expense.update({ where: { id: before.id }, data: { category: 'shopping', categorySource: 'user' } })
  await send(first.userId, JSON.stringify({ ...correction, eventId: randomUUID(), merchant: 'Zomato', amount: '99.50' }))
  await settled(3)
  const last = await db.expense.findUniqueOrThrow({ where: { id: before.id } })
  t.match(last, { merchant: 'Zomato', category: 'shopping', categorySource: 'user' })
  t.equal(last.amount.toFixed(2), '99.50')

  // Redelivering the older correction (same eventId) changes nothing: the inbox already has it.
  await send(first.userId, JSON.stringify(correction))
  await settled(4)
  t.equal((await db.expense.findUniqueOrThrow({ where: { id: before.id } })).merchant, 'Zomato')
})

t.test('a correction for a message without an expense creates it', async (t) => {
  const { db, send, settled } = await startConsumer(t)
  const correction = parsedEvent({ corrected: true, confidence: 1 })
  await send(correction.userId, JSON.stringify(correction))
  await settled(1)
  t.equal(await db.expense.count({ where: { userId: correction.userId, messageId: correction.messageId } }), 1)
})

t.test('poison messages go to the dead-letter topic and the next message is still processed', async (t) => {
  const { db, kafka, send, settled, consumer } = await startConsumer(t)
  const dlq = deadLetterTopic(topic)
  const from = await topicEndOffsets(kafka, dlq)
  const userId = randomUUID()
  const unknownCurrency = parsedEvent({ userId, currency: 'XYZ' })
  await send(userId, '{"this is": not json')
  await send(userId, JSON.stringify({ ...parsedEvent({ userId }), amount: 12.5 }))
  await send(userId, JSON.stringify(unknownCurrency))
  const good = parsedEvent({ userId, merchant: 'Uber' })
  await send(userId, JSON.stringify(good))
  await settled(4)
  t.equal(consumer.counts['dead-lettered'], 3)
  const rows = await db.expense.findMany({ where: { userId } })
  t.same(
    rows.map((r) => r.messageId),
    [good.messageId],
    'only the good message made an expense',
  )
  t.equal(rows[0]?.category, 'transport')
  const dead = await readTopic(kafka, dlq, { from, until: (m) => m.filter((x) => x.key === userId).length >= 3, durationMs: 20_000 })
  const reasons = dead.filter((m) => m.key === userId).map((m) => m.headers['x-dlq-reason'])
  t.same(reasons.sort(), ['invalid_currency', 'malformed_json', 'schema_violation'])
})
