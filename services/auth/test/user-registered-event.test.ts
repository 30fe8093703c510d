import t from 'tap'
import { OutboxRelay, createKafka, topics } from '@expenses/events'
import { readTopic, testKafka, topicEndOffsets } from '@expenses/testing'
import { pino } from 'pino'
import { buildTestApp, newUser } from './helper.js'

const topic = topics.userRegistered.name

t.test('each signup publishes exactly one user.registered event, keyed by userId, through the outbox', async (t) => {
  const { app, config } = await buildTestApp(t)
  const kafka = testKafka()
  const from = await topicEndOffsets(kafka, topic)
  const relay = new OutboxRelay({
    connectionString: config.DATABASE_URL,
    kafka: createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'auth-test' }, pino({ level: 'silent' })),
    logger: pino({ level: 'silent' }),
    name: 'auth-service',
    pollIntervalMs: 200,
  })
  relay.start()
  t.teardown(() => relay.stop())

  const users = [newUser(), newUser(), newUser()]
  const ids: string[] = []
  for (const user of users) ids.push((await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })).json().userId)

  // Read for a while after the three arrive, so a duplicate would be seen.
  const messages = (await readTopic(kafka, topic, { from, durationMs: 8000 })).filter((m) => ids.includes(m.key ?? ''))
  t.equal(messages.length, 3, 'three signups, three events')
  for (const [i, user] of users.entries()) {
    const message = messages.find((m) => m.key === ids[i])
    t.ok(message, `event for ${user.username}`)
    t.match(JSON.parse(message?.value ?? '{}'), { userId: ids[i], username: user.username, email: user.email, firstName: user.firstName })
    t.equal(message?.headers['event-type'], 'user.registered.v1')
  }
})
