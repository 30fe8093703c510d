import t from 'tap'
import { OutboxRelay, createKafka, topics } from '@expenses/events'
import { readTopic, testKafka, topicEndOffsets } from '@expenses/testing'
import { pino } from 'pino'
import { buildTestApp, databaseUrl, seedProfile, testConfig } from './helper.js'

const topic = topics.userProfileUpdated.name

t.test('each changing PATCH publishes exactly one user.profile-updated event, keyed by userId, through the outbox', async (t) => {
  const kafka = testKafka()
  const from = await topicEndOffsets(kafka, topic)
  const relay = new OutboxRelay({
    connectionString: databaseUrl(),
    kafka: createKafka({ brokers: testConfig().KAFKA_BROKERS.split(','), clientId: 'user-test' }, pino({ level: 'silent' })),
    logger: pino({ level: 'silent' }),
    name: 'user-service',
    pollIntervalMs: 200,
  })
  const { app, db, bearer } = await buildTestApp(t, { onOutboxWrite: () => relay.wake() })
  relay.start()
  t.teardown(() => relay.stop())

  const { userId } = await seedProfile(db)
  const patch = (payload: object) => app.inject({ method: 'PATCH', url: '/user/v1/me', headers: bearer(userId), payload })
  t.equal((await patch({ timezone: 'Asia/Kolkata' })).statusCode, 200)
  t.equal((await patch({ timezone: 'Asia/Kolkata' })).statusCode, 200, 'no change, so no event')
  t.equal((await patch({ defaultCurrency: 'EUR', lastName: 'Rao' })).statusCode, 200)
  t.equal((await patch({ timezone: 'Mars/Phobos' })).statusCode, 400, 'rejected, so no event')

  // Read for a while after the two arrive, so a duplicate or a stray third event would be seen.
  const messages = (await readTopic(kafka, topic, { from, durationMs: 8000 })).filter((m) => m.key === userId)
  t.equal(messages.length, 2, 'two changes, two events')
  const payloads = messages.map((m) => JSON.parse(m.value ?? '{}'))
  t.match(payloads[0], { userId, changedFields: ['timezone'], timezone: 'Asia/Kolkata', defaultCurrency: 'INR' })
  t.same([...payloads[1].changedFields].sort(), ['defaultCurrency', 'lastName'])
  t.match(payloads[1], { userId, timezone: 'Asia/Kolkata', defaultCurrency: 'EUR', lastName: 'Rao' })
  t.ok(
    messages.every((m) => m.headers['event-type'] === 'user.profile-updated.v1'),
    'typed by header',
  )
  t.equal(await db.outboxEvent.count({ where: { key: userId, publishedAt: null } }), 0, 'the outbox rows are marked published')
})
