import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import kafkajs from 'kafkajs'
import { enqueueEvent, enqueueEvents, OutboxRelay } from '@expenses/events'
import { kafka, logger, outboxDatabase, readTopic, sqlClient, testContract, withProducerFault } from './helpers.js'

const k = kafka()

async function setup(t: Test) {
  const db = await outboxDatabase()
  const sql = await sqlClient(db.url)
  const { contract, topic } = await testContract(k)
  t.teardown(async () => {
    await sql.close()
    await db.drop()
  })
  return { db, sql, contract, topic }
}

t.test('an event enqueued in a committed transaction is published once, keyed by user', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  const userId = randomUUID()
  const eventId = randomUUID()
  await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId, occurredAt: new Date().toISOString(), userId, n: 1 }))
  const relay = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'test', pollIntervalMs: 100 })
  relay.start()
  const messages = await readTopic(k, topic, 1)
  await relay.stop()
  t.equal(messages.length, 1, 'one message on the topic')
  t.equal(messages[0]?.key, userId, 'keyed by userId')
  t.same(JSON.parse(messages[0]?.value ?? '{}'), { eventId, occurredAt: JSON.parse(messages[0]?.value ?? '{}').occurredAt, userId, n: 1 })
  t.equal(messages[0]?.headers['event-id'], eventId, 'event id travels as a header')
  t.equal(messages[0]?.headers['event-type'], 'test.thing-happened.v1')
  const rows = await sql.$queryRawUnsafe<{ published_at: Date | null }[]>('SELECT published_at FROM outbox_events')
  t.equal(rows.length, 1)
  t.ok(rows[0]?.published_at, 'row marked published')
})

t.test('an event enqueued in a rolled-back transaction is never published', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  await t.rejects(
    sql.$transaction(async (tx) => {
      await enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n: 1 })
      throw new Error('business rule failed')
    }),
    /business rule failed/,
  )
  const kept = randomUUID()
  await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId: kept, occurredAt: new Date().toISOString(), userId: randomUUID(), n: 2 }))
  const relay = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'test', pollIntervalMs: 100 })
  relay.start()
  const messages = await readTopic(k, topic, 2, 4000)
  await relay.stop()
  t.equal(messages.length, 1, 'only the committed event was published')
  t.equal(messages[0]?.headers['event-id'], kept)
})

t.test('an invalid payload is refused before it reaches the outbox', async (t) => {
  const { sql, contract } = await setup(t)
  await t.rejects(
    sql.$transaction((tx) =>
      // n must be an integer >= 0: TypeScript cannot see that, the contract check at run time does
      enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n: -1 }),
    ),
    { name: 'EventValidationError' },
  )
  const rows = await sql.$queryRawUnsafe<unknown[]>('SELECT 1 FROM outbox_events')
  t.equal(rows.length, 0)
})

t.test('events of one user are published in the order they were written', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  const userId = randomUUID()
  for (let n = 0; n < 30; n++) {
    await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId, n }))
  }
  const relay = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'test', batchSize: 7, pollIntervalMs: 100 })
  relay.start()
  const messages = await readTopic(k, topic, 30)
  await relay.stop()
  t.same(
    messages.map((m) => JSON.parse(m.value ?? '{}').n),
    Array.from({ length: 30 }, (_, i) => i),
  )
})

t.test('only one of two relays on the same outbox publishes; the other takes over when it stops', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  const a = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'shared', pollIntervalMs: 100 })
  const b = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'shared', pollIntervalMs: 100 })
  a.start()
  await waitFor(() => a.isLeader)
  b.start()
  for (let n = 0; n < 5; n++) {
    await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n }))
  }
  await waitFor(() => a.published === 5)
  t.equal(b.published, 0, 'the standby published nothing')
  t.notOk(b.isLeader)
  await a.stop()
  await sql.$transaction((tx) => enqueueEvent(tx, contract, { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n: 5 }))
  await waitFor(() => b.published === 1, 15_000)
  t.ok(b.isLeader, 'the standby took over')
  await b.stop()
  const messages = await readTopic(k, topic, 6)
  t.equal(messages.length, 6, 'every event published exactly once')
})

async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

t.test('a bulk enqueue writes every event in order and publishes each once', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  const userId = randomUUID()
  const payloads = Array.from({ length: 25 }, (_, n) => ({ eventId: randomUUID(), occurredAt: new Date().toISOString(), userId, n }))
  const { eventIds } = await sql.$transaction((tx) => enqueueEvents(tx, contract, payloads))
  t.same(
    eventIds,
    payloads.map((p) => p.eventId),
  )
  await t.rejects(
    sql.$transaction((tx) => enqueueEvents(tx, contract, [{ ...payloads[0]!, eventId: randomUUID(), n: -5 }])),
    { name: 'EventValidationError' },
    'one invalid payload refuses the whole batch',
  )
  const relay = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'test', pollIntervalMs: 100 })
  relay.start()
  const messages = await readTopic(k, topic, 25)
  await relay.stop()
  t.same(
    messages.map((m) => JSON.parse(m.value ?? '{}').n),
    payloads.map((p) => p.n),
  )
})

t.test('many batches are drained in order, each event published once and marked published', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  const userId = randomUUID()
  const payloads = Array.from({ length: 1050 }, (_, n) => ({ eventId: randomUUID(), occurredAt: new Date().toISOString(), userId, n }))
  // Three transactions, so the drain crosses commits as well as batches (100 per batch: 11 batches).
  for (const part of [payloads.slice(0, 400), payloads.slice(400, 900), payloads.slice(900)]) await sql.$transaction((tx) => enqueueEvents(tx, contract, part))
  const relay = new OutboxRelay({ connectionString: db.url, kafka: k, logger, name: 'test', pollIntervalMs: 100, batchSize: 100 })
  relay.start()
  const messages = await readTopic(k, topic, 1050, 30_000)
  await relay.stop()
  t.same(
    messages.map((m) => JSON.parse(m.value ?? '{}').n),
    payloads.map((p) => p.n),
    'one key, one partition: the order they were written',
  )
  const [row] = await sql.$queryRawUnsafe<{ unpublished: bigint }[]>('SELECT count(*) FILTER (WHERE published_at IS NULL) AS unpublished FROM outbox_events')
  t.equal(Number(row?.unpublished), 0, 'every row marked published')
  t.equal(relay.published, 1050)
})

t.test('a row is never marked published before Kafka acknowledged it', async (t) => {
  const { db, sql, contract, topic } = await setup(t)
  // Fault injection (the stand-in here): the producer's sends fail until the test lets them through.
  let refuse = true
  let refused = 0
  const injected = withProducerFault(k, () => {
    if (refuse) {
      refused++
      throw new kafkajs.KafkaJSError('injected: not acknowledged')
    }
  })
  const userId = randomUUID()
  const payloads = Array.from({ length: 30 }, (_, n) => ({ eventId: randomUUID(), occurredAt: new Date().toISOString(), userId, n }))
  await sql.$transaction((tx) => enqueueEvents(tx, contract, payloads))
  const relay = new OutboxRelay({ connectionString: db.url, kafka: injected, logger, name: 'test', pollIntervalMs: 100, batchSize: 10, maxBackoffMs: 200 })
  relay.start()
  const deadline = Date.now() + 10_000
  while (refused < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  const during = await sql.$queryRawUnsafe<{ published: bigint; attempts: number }[]>(
    'SELECT count(published_at) AS published, max(attempts) AS attempts FROM outbox_events',
  )
  t.ok(refused >= 3, `the relay kept trying (${refused} refused sends)`)
  t.equal(Number(during[0]?.published), 0, 'nothing marked published while Kafka refused')
  t.ok(Number(during[0]?.attempts) >= 2, 'the failed attempts are counted on the rows')
  refuse = false
  const messages = await readTopic(k, topic, 30, 20_000)
  await relay.stop()
  t.same(
    messages.map((m) => JSON.parse(m.value ?? '{}').n),
    payloads.map((p) => p.n),
    'all published once Kafka answered, in order, none twice',
  )
})
