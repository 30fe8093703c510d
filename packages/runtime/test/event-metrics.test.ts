import { randomUUID } from 'node:crypto'
import t from 'tap'
import { Kafka } from 'kafkajs'
import { pino } from 'pino'
import { enqueueEvent, type Outcome } from '@expenses/events'
import { createMetricsRegistry } from '@expenses/platform'
import { kafka, outboxDatabase, sqlClient, testContract } from '../../events/test/helpers.js'
import { registerEventMetrics } from '../src/event-metrics.js'

// The event path's metrics against the real Postgres (an outbox database) and the real broker: the outbox
// gauges follow its rows, the lag gauge follows a topic's high watermark against a group's committed offset,
// and the consumed counter follows what the consumer reports. The consumer here is an object with the one
// hook the metrics use; the consumer's own tests cover when it calls it.

const logger = pino({ level: 'silent' })
const k = kafka('event-metrics-test')

const value = async (registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)
  return (metric?.values as { value: number; labels: Record<string, string> }[] | undefined)?.find((v) =>
    Object.entries(labels).every(([key, want]) => String(v.labels[key]) === want),
  )?.value
}

t.test('outbox backlog and age, consumer lag and consumed events, read from the real database and broker', async (t) => {
  const db = await outboxDatabase()
  const sql = await sqlClient(db.url)
  const { contract, topic } = await testContract(k, 2)
  const groupId = `metrics-${randomUUID()}`
  const consumer: { onOutcome?: (outcome: Outcome, topic: string, count: number) => void } = {}
  const registry = createMetricsRegistry({ service: 'test' })
  const metrics = registerEventMetrics({ registry, db: sql, kafka: k, logger, consumers: [{ groupId, topics: [topic], consumer }] })
  t.teardown(async () => {
    await metrics.close()
    await sql.close()
    await db.drop()
  })

  t.equal(await value(registry, 'outbox_unpublished_events'), 0, 'an empty outbox: nothing waiting')
  t.equal(await value(registry, 'outbox_oldest_unpublished_age_seconds'), 0, 'and no age')
  await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n: 1 }))
  await sql.$executeRawUnsafe(`UPDATE outbox_events SET created_at = now() - interval '90 seconds'`)
  t.equal(await value(registry, 'outbox_unpublished_events'), 1, 'one unpublished row')
  const age = (await value(registry, 'outbox_oldest_unpublished_age_seconds')) ?? 0
  t.ok(age >= 90 && age < 120, `its age: ${age.toFixed(1)} s`)
  await sql.$executeRawUnsafe(`UPDATE outbox_events SET published_at = now()`)
  t.equal(await value(registry, 'outbox_unpublished_events'), 0, 'published: the backlog is empty again')

  // Three messages on partition 0, none consumed by the (new) group: all three are lag; partition 1 has none.
  const producer = k.producer()
  await producer.connect()
  await producer.send({ topic, messages: [0, 1, 2].map((n) => ({ partition: 0, value: String(n) })) })
  await producer.disconnect()
  t.equal(await value(registry, 'kafka_consumer_lag', { group: groupId, topic, partition: '0' }), 3, 'lag 3 on partition 0')
  t.equal(await value(registry, 'kafka_consumer_lag', { group: groupId, topic, partition: '1' }), 0, 'lag 0 on partition 1')
  const admin = k.admin()
  await admin.connect()
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] })
  await admin.disconnect()
  t.equal(await value(registry, 'kafka_consumer_lag', { group: groupId, topic, partition: '0' }), 1, 'after the group commits offset 2: lag 1')

  consumer.onOutcome?.('processed', topic, 5)
  consumer.onOutcome?.('dead-lettered', topic, 1)
  t.equal(await value(registry, 'events_consumed_total', { group: groupId, topic, outcome: 'processed' }), 5)
  t.equal(await value(registry, 'events_consumed_total', { group: groupId, topic, outcome: 'dead-lettered' }), 1, 'the DLQ count')
})

t.test('when the database and Kafka cannot answer, a scrape still succeeds and keeps the last values', async (t) => {
  const registry = createMetricsRegistry({ service: 'test' })
  const down = {
    $queryRawUnsafe: () => Promise.reject(new Error('connect ECONNREFUSED')),
  }
  const unreachable = new Kafka({ clientId: 'nowhere', brokers: ['127.0.0.1:1'], retry: { retries: 0 }, connectionTimeout: 200, logLevel: 0 })
  const metrics = registerEventMetrics({ registry, db: down, kafka: unreachable, logger, consumers: [{ groupId: 'g', topics: ['t'], consumer: {} }] })
  t.teardown(() => metrics.close())
  const started = Date.now()
  const text = await registry.metrics()
  t.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`)
  t.match(text, /^outbox_unpublished_events\{service="test"\} 0$/m, 'the gauge keeps its last value')
  t.notMatch(text, /^kafka_consumer_lag\{/m, 'no made-up lag')
})
