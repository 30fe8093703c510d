// Fault test: it stops and restarts the shared local Kafka broker, so the runner executes it in the
// serial phase after all other tests (files named *.fault.test.ts).
import t from 'tap'
import { OutboxRelay, createKafka, topics } from '@expenses/events'
import { localKafkaControl, readTopic, testKafka, topicEndOffsets, waitFor } from '@expenses/testing'
import { pino } from 'pino'
import { buildTestApp, newUser } from './helper.js'

t.test('signups made while Kafka is down are published exactly once when it comes back', async (t) => {
  const { app, config, db } = await buildTestApp(t)
  const control = await localKafkaControl()
  const kafka = testKafka()
  const from = await topicEndOffsets(kafka, topics.userRegistered.name)
  const relay = new OutboxRelay({
    connectionString: config.DATABASE_URL,
    kafka: createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'auth-fault-test' }, pino({ level: 'silent' })),
    logger: pino({ level: 'silent' }),
    name: 'auth-service',
    pollIntervalMs: 200,
    maxBackoffMs: 1000,
  })
  relay.start()
  t.teardown(() => relay.stop())

  await control.stop()
  let restarted = false
  t.teardown(async () => {
    if (!restarted) await control.start()
  })

  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: newUser() })
    t.equal(res.statusCode, 201, `signup ${i + 1} succeeds while Kafka is down`)
    ids.push(res.json().userId)
  }
  // Let the relay fail against the dead broker a few times.
  await new Promise((r) => setTimeout(r, 3000))
  const pending = await db.outboxEvent.count({ where: { key: { in: ids }, publishedAt: null } })
  t.equal(pending, 3, 'the events wait in the outbox')

  await control.start()
  restarted = true
  await waitFor(async () => (await db.outboxEvent.count({ where: { key: { in: ids }, publishedAt: null } })) === 0, {
    timeoutMs: 60_000,
    what: 'the relay to publish the backlog',
  })
  const messages = (await readTopic(kafka, topics.userRegistered.name, { from, durationMs: 8000 })).filter((m) => ids.includes(m.key ?? ''))
  t.same(messages.map((m) => m.key).sort(), [...ids].sort(), 'exactly one event per signup')
})
