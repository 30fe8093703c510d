import { randomUUID } from 'node:crypto'
import t from 'tap'
import { EventConsumer, deadLetterTopic, topics } from '@expenses/events'
import { readTopic, testKafka, topicEndOffsets, waitFor } from '@expenses/testing'
import { pino } from 'pino'
import { userServiceConsumers } from '../src/consumers.js'
import { registeredEvent, testDb } from './helper.js'

const topic = topics.userRegistered.name
const dlq = deadLetterTopic(topic)
const kafka = testKafka()
const db = await testDb(t)
// A group of our own, so this test neither steals partitions from nor shares an inbox with anything else.
const groupId = `user-service-test-${randomUUID()}`

// Start the new group at the topic's current end: it sees what this test produces, not the topic's history.
const admin = kafka.admin()
await admin.connect()
await admin.setOffsets({ groupId, topic, partitions: [...(await topicEndOffsets(kafka, topic))].map(([partition, offset]) => ({ partition, offset })) })
await admin.disconnect()

const [options] = userServiceConsumers(groupId)
if (!options) throw new Error('user-service defines no consumer')
const consumer = new EventConsumer({ ...options, kafka, db, logger: pino({ level: 'silent' }), retryBaseMs: 20, retryMaxMs: 200 })
await consumer.start()
const producer = kafka.producer()
await producer.connect()
t.teardown(async () => {
  await consumer.stop()
  await producer.disconnect()
})

/** Produces like auth-service's relay does: keyed by userId (unless told otherwise), with event headers. */
async function produce(value: unknown, key: string) {
  const eventId = (value as { eventId?: unknown }).eventId
  await producer.send({
    topic,
    messages: [
      {
        key,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        headers: { 'event-type': 'user.registered.v1', ...(typeof eventId === 'string' ? { 'event-id': eventId } : {}) },
      },
    ],
  })
}

const processed = (eventId: string) => db.processedEvent.findUnique({ where: { consumer_eventId: { consumer: groupId, eventId } } })
const profileOf = (userId: string) => db.profile.findUnique({ where: { userId } })

t.test('a user.registered event creates the profile, with the currency inferred from the phone number', async (t) => {
  const event = registeredEvent({ phoneNumber: '+971501234567', firstName: 'Fatima', lastName: 'Khan' })
  await produce(event, event.userId)
  const profile = await waitFor(() => profileOf(event.userId), { what: 'the profile' })
  t.match(profile, {
    userId: event.userId,
    username: event.username,
    email: event.email,
    firstName: 'Fatima',
    lastName: 'Khan',
    phoneNumber: '+971501234567',
    defaultCurrency: 'AED',
    timezone: 'UTC',
  })
  t.ok(await processed(event.eventId), 'recorded in the inbox')
})

t.test('the same event delivered twice creates one profile and the second delivery is skipped', async (t) => {
  const event = registeredEvent()
  const duplicatesBefore = consumer.counts.duplicate
  await produce(event, event.userId)
  await produce(event, event.userId)
  // A later event on the same partition (same key): once it is in, both deliveries have been handled.
  const marker = registeredEvent()
  await produce(marker, event.userId)
  await waitFor(() => profileOf(marker.userId), { what: 'the marker profile' })
  t.equal(await db.profile.count({ where: { userId: event.userId } }), 1)
  t.equal(await db.processedEvent.count({ where: { consumer: groupId, eventId: event.eventId } }), 1)
  t.ok(consumer.counts.duplicate >= duplicatesBefore + 1, 'the redelivery was recognised by the inbox')
})

t.test('a registration replayed under another eventId does not touch an existing profile', async (t) => {
  const original = registeredEvent({ phoneNumber: '+919876543210' })
  await produce(original, original.userId)
  await waitFor(() => profileOf(original.userId), { what: 'the profile' })
  // The user edits their profile; a replayed registration must not undo that.
  await db.profile.update({ where: { userId: original.userId }, data: { firstName: 'Edited', defaultCurrency: 'EUR' } })
  const edited = await profileOf(original.userId)

  const replay = registeredEvent({
    userId: original.userId,
    username: original.username,
    email: original.email,
    firstName: 'Replayed',
    phoneNumber: '+14155550100',
  })
  await produce(replay, original.userId)
  await waitFor(() => processed(replay.eventId), { what: 'the replay to be processed' })
  t.same(await profileOf(original.userId), edited, 'profile unchanged, updatedAt included')
})

t.test('a schema-violating message goes to the dead-letter topic and the next message is still processed', async (t) => {
  const from = await topicEndOffsets(kafka, dlq)
  const key = randomUUID()
  const bad = { ...registeredEvent({ userId: key }), email: 'not-an-email', firstName: '' }
  await produce(bad, key)
  const next = registeredEvent()
  await produce(next, key)

  await waitFor(() => profileOf(next.userId), { what: 'the next profile' })
  const dead = (await readTopic(kafka, dlq, { from, until: (ms) => ms.some((m) => m.key === key), durationMs: 20_000 })).filter((m) => m.key === key)
  t.equal(dead.length, 1, 'one dead letter')
  t.equal(dead[0]?.headers['x-dlq-reason'], 'schema_violation')
  t.equal(dead[0]?.headers['x-consumer-group'], groupId)
  t.same(JSON.parse(dead[0]?.value ?? 'null'), bad, 'the original message is kept')
  t.equal(await profileOf(key), null, 'no profile from the invalid event')
})

t.test('malformed JSON is dead-lettered too, without stopping the consumer', async (t) => {
  const from = await topicEndOffsets(kafka, dlq)
  const key = randomUUID()
  await produce('{"eventId": ', key)
  const next = registeredEvent()
  await produce(next, key)
  await waitFor(() => profileOf(next.userId), { what: 'the next profile' })
  const dead = (await readTopic(kafka, dlq, { from, until: (ms) => ms.some((m) => m.key === key), durationMs: 20_000 })).filter((m) => m.key === key)
  t.same(
    dead.map((m) => m.headers['x-dlq-reason']),
    ['malformed_json'],
  )
})
