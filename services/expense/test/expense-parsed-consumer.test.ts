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
async function startConsumer(t: Test) {
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
  await consumer.start()
  const producer = kafka.producer()
  await producer.connect()
  t.teardown(async () => {
    await consumer.stop()
    await producer.disconnect()
  })
  const send = (key: string, value: string) => producer.send({ topic, messages: [{ key, value, headers: { 'event-type': 'expense.parsed.v1' } }] })
  const settled = (n: number) =>
    waitFor(() => consumer.counts.processed + consumer.counts.duplicate + consumer.counts['dead-lettered'] >= n, { what: `${n} messages handled`, timeoutMs: 30_000 })
  return { db, kafka, consumer, send, settled }
}

t.test('an expense.parsed event becomes one expense with the message\'s fields, date and category', async (t) => {
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
  t.match(corrected[0], { merchant: 'Uber', merchantKey: 'uber', channel: 'card', category: 'transport', categorySource: 'rules' }, 'the category follows the corrected merchant')

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
  t.same(rows.map((r) => r.messageId), [good.messageId], 'only the good message made an expense')
  t.equal(rows[0]?.category, 'transport')
  const dead = await readTopic(kafka, dlq, { from, until: (m) => m.filter((x) => x.key === userId).length >= 3, durationMs: 20_000 })
  const reasons = dead.filter((m) => m.key === userId).map((m) => m.headers['x-dlq-reason'])
  t.same(reasons.sort(), ['invalid_currency', 'malformed_json', 'schema_violation'])
})
