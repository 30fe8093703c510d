import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import kafkajs from 'kafkajs'
import { EventConsumer, PermanentEventError, subscribe, isTransientInfrastructureError } from '@expenses/events'
import { kafka, logger, outboxDatabase, readTopic, sqlClient, testContract, withProducerFault } from './helpers.js'

const k = kafka('consumer-test')

type Handler = (
  event: { eventId: string; userId: string; n: number },
  tx: { $executeRawUnsafe(q: string, ...v: unknown[]): Promise<number> },
  ctx: { afterCommit(fn: () => void): void },
) => Promise<void>

type BatchHandler = (
  events: { eventId: string; userId: string; n: number }[],
  tx: { $executeRawUnsafe(q: string, ...v: unknown[]): Promise<number> },
) => Promise<void>

interface SetupOptions {
  maxAttempts?: number
  chunkSize?: number
  handleBatch?: BatchHandler
  /** Start the consumer only when the test calls start(), so that what it sent before arrives as one batch. */
  deferStart?: boolean
}

async function setup(t: Test, handler: Handler, options: SetupOptions = {}) {
  const db = await outboxDatabase()
  const sql = await sqlClient(db.url)
  await sql.$executeRawUnsafe('CREATE TABLE effects (event_id uuid, n int)')
  const { contract, topic, dlq } = await testContract(k)
  const producer = k.producer()
  await producer.connect()
  const consumer = new EventConsumer({
    kafka: k,
    groupId: `test-${randomUUID()}`,
    db: sql,
    logger,
    maxAttempts: options.maxAttempts ?? 3,
    retryBaseMs: 20,
    retryMaxMs: 100,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    subscriptions: [
      subscribe(contract, (event, ctx) => handler(event, ctx.tx, ctx), {
        ...(options.handleBatch
          ? {
              handleBatch: (items, { tx }) =>
                options.handleBatch!(
                  items.map((i) => i.event),
                  tx,
                ),
            }
          : {}),
      }),
    ],
  })
  const start = () => consumer.start()
  if (!options.deferStart) await start()
  t.teardown(async () => {
    await consumer.stop()
    await producer.disconnect()
    await sql.close()
    await db.drop()
  })
  const send = (value: string, key = randomUUID()) => producer.send({ topic, messages: [{ key, value }] })
  /** All in one produce request to one partition: the consumer fetches them as one batch. */
  const sendAll = (values: string[], key = randomUUID()) => producer.send({ topic, messages: values.map((value) => ({ key, value })) })
  const event = (n: number, eventId = randomUUID(), userId = randomUUID()) => ({ eventId, occurredAt: new Date().toISOString(), userId, n })
  const effects = () => sql.$queryRawUnsafe<{ event_id: string; n: number }[]>('SELECT event_id, n FROM effects ORDER BY n')
  const waitForCounts = async (predicate: (c: EventConsumer['counts']) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs
    while (!predicate(consumer.counts)) {
      if (Date.now() > deadline) throw new Error(`counts not reached: ${JSON.stringify(consumer.counts)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { consumer, start, send, sendAll, event, effects, waitForCounts, dlq }
}

const recordEffect = async (event: Parameters<Handler>[0], tx: Parameters<Handler>[1]) => {
  await tx.$executeRawUnsafe('INSERT INTO effects (event_id, n) VALUES ($1::uuid, $2)', event.eventId, event.n)
}

t.test('a redelivered event is processed once', async (t) => {
  const s = await setup(t, recordEffect)
  const e = s.event(1)
  await s.send(JSON.stringify(e), e.userId)
  await s.send(JSON.stringify(e), e.userId)
  await s.waitForCounts((c) => c.processed + c.duplicate === 2)
  t.equal(s.consumer.counts.processed, 1)
  t.equal(s.consumer.counts.duplicate, 1)
  t.same(
    (await s.effects()).map((r) => r.event_id),
    [e.eventId],
    'one effect for two deliveries',
  )
})

t.test('malformed JSON and schema violations go to the dead-letter topic and later messages still flow', async (t) => {
  const s = await setup(t, recordEffect)
  const key = randomUUID()
  await s.send('{not json', key)
  await s.send(JSON.stringify({ eventId: 'not-a-uuid', n: 'x' }), key)
  const good = s.event(7)
  await s.send(JSON.stringify(good), key)
  await s.waitForCounts((c) => c.processed === 1 && c['dead-lettered'] === 2)
  const dead = await readTopic(k, s.dlq, 2)
  t.same(dead.map((m) => m.headers['x-dlq-reason']).sort(), ['malformed_json', 'schema_violation'])
  t.equal(dead.find((m) => m.headers['x-dlq-reason'] === 'malformed_json')?.value, '{not json', 'the original bytes are kept')
  t.ok(
    dead.every((m) => m.headers['x-original-topic'] && m.headers['x-original-offset']),
    'origin recorded',
  )
  t.same(
    (await s.effects()).map((r) => r.n),
    [7],
  )
})

t.test('a handler that keeps failing is dead-lettered after bounded retries; nothing partial is stored', async (t) => {
  let calls = 0
  const s = await setup(
    t,
    async (event, tx) => {
      if (event.n === 13) {
        calls++
        await recordEffect(event, tx) // written, then rolled back by the failure below
        throw new Error('cannot handle 13')
      }
      await recordEffect(event, tx)
    },
    { maxAttempts: 3 },
  )
  const key = randomUUID()
  await s.send(JSON.stringify(s.event(13)), key)
  await s.send(JSON.stringify(s.event(14)), key)
  await s.waitForCounts((c) => c.processed === 1 && c['dead-lettered'] === 1)
  t.equal(calls, 3, 'tried exactly maxAttempts times')
  t.same(
    (await s.effects()).map((r) => r.n),
    [14],
    'the failed attempts left no rows behind',
  )
  const dead = await readTopic(k, s.dlq, 1)
  t.equal(dead[0]?.headers['x-dlq-reason'], 'handler_failed')
  t.match(dead[0]?.headers['x-dlq-detail'], /cannot handle 13/)
})

t.test('a transient failure is retried and then processed once', async (t) => {
  let failuresLeft = 2
  const s = await setup(t, async (event, tx) => {
    if (failuresLeft-- > 0) throw new Error('flaky dependency')
    await recordEffect(event, tx)
  })
  await s.send(JSON.stringify(s.event(1)))
  await s.waitForCounts((c) => c.processed === 1)
  t.equal(s.consumer.counts['dead-lettered'], 0)
  t.equal((await s.effects()).length, 1)
})

t.test('afterCommit callbacks run once the transaction commits, never for an attempt that rolled back', async (t) => {
  let failuresLeft = 2
  const ran: number[] = []
  const s = await setup(t, async (event, tx, ctx) => {
    ctx.afterCommit(() => ran.push(event.n))
    await recordEffect(event, tx)
    if (failuresLeft-- > 0) throw new Error('flaky dependency')
  })
  await s.send(JSON.stringify(s.event(7)))
  await s.waitForCounts((c) => c.processed === 1)
  t.same(ran, [7], 'one callback: the two rolled-back attempts registered theirs too, and they were dropped')
  t.equal((await s.effects()).length, 1, 'and the committed effect is there, once')
})

t.test('a PermanentEventError dead-letters at once without retries', async (t) => {
  let calls = 0
  const s = await setup(t, async () => {
    calls++
    throw new PermanentEventError('user does not exist', 'unknown_user')
  })
  await s.send(JSON.stringify(s.event(1)))
  await s.waitForCounts((c) => c['dead-lettered'] === 1)
  t.equal(calls, 1)
  const dead = await readTopic(k, s.dlq, 1)
  t.equal(dead[0]?.headers['x-dlq-reason'], 'unknown_user')
})

t.test('a batch is handled in chunks: one transaction per chunk, effects in offset order', async (t) => {
  const s = await setup(t, recordEffect, { deferStart: true, chunkSize: 20 })
  await s.sendAll(Array.from({ length: 60 }, (_, i) => JSON.stringify(s.event(i))))
  await s.start()
  await s.waitForCounts((c) => c.processed === 60)
  t.same(
    (await s.effects()).map((r) => r.n),
    Array.from({ length: 60 }, (_, i) => i),
    'every event once',
  )
  t.ok(s.consumer.transactions <= 6, `60 events in ${s.consumer.transactions} transactions (chunks of 20; kafkajs may split the fetch)`)
  t.ok(s.consumer.transactions >= 3, 'a chunk never exceeds chunkSize')
})

t.test('duplicate event ids inside one chunk are processed once', async (t) => {
  const s = await setup(t, recordEffect, { deferStart: true })
  const [a, b, c] = [s.event(1), s.event(2), s.event(3)]
  // The same id in another case is the same event (uuid columns are case-insensitive).
  const aUpper = { ...a, eventId: a.eventId.toUpperCase() }
  await s.sendAll([a, b, aUpper, c, b].map((e) => JSON.stringify(e)))
  await s.start()
  await s.waitForCounts((c) => c.processed + c.duplicate === 5)
  t.equal(s.consumer.counts.processed, 3)
  t.equal(s.consumer.counts.duplicate, 2)
  t.same(
    (await s.effects()).map((r) => r.n),
    [1, 2, 3],
  )
})

t.test('a poison event in the middle of a chunk goes to the dead-letter topic alone; its neighbours commit', async (t) => {
  let poisonCalls = 0
  const s = await setup(
    t,
    async (event, tx) => {
      await recordEffect(event, tx)
      if (event.n === 5) {
        poisonCalls++
        throw new Error('cannot handle 5')
      }
    },
    { deferStart: true, maxAttempts: 3 },
  )
  await s.sendAll(Array.from({ length: 10 }, (_, i) => JSON.stringify(s.event(i))))
  await s.start()
  await s.waitForCounts((c) => c.processed === 9 && c['dead-lettered'] === 1)
  t.same(
    (await s.effects()).map((r) => r.n),
    [0, 1, 2, 3, 4, 6, 7, 8, 9],
    'the neighbours are stored, the poison event is not',
  )
  t.equal(poisonCalls, 3, 'the poison event was tried maxAttempts times in all (the chunk try counts as the first)')
  const dead = await readTopic(k, s.dlq, 1)
  t.equal(dead[0]?.headers['x-dlq-reason'], 'handler_failed')
  t.equal(JSON.parse(dead[0]!.value ?? '{}').n, 5)
})

t.test('a PermanentEventError inside a chunk dead-letters that event at once and keeps the rest', async (t) => {
  let calls = 0
  const s = await setup(
    t,
    async (event, tx) => {
      if (event.n === 2) {
        calls++
        throw new PermanentEventError('no such user', 'unknown_user')
      }
      await recordEffect(event, tx)
    },
    { deferStart: true },
  )
  await s.sendAll(Array.from({ length: 5 }, (_, i) => JSON.stringify(s.event(i))))
  await s.start()
  await s.waitForCounts((c) => c.processed === 4 && c['dead-lettered'] === 1)
  t.equal(calls, 1, 'not retried')
  t.same(
    (await s.effects()).map((r) => r.n),
    [0, 1, 3, 4],
  )
  t.equal((await readTopic(k, s.dlq, 1))[0]?.headers['x-dlq-reason'], 'unknown_user')
})

t.test('a batch handler writes a whole chunk at once; when it fails, the chunk is handled one event at a time', async (t) => {
  const bulkInsert: BatchHandler = async (events, tx) => {
    if (events.some((e) => e.n === 99)) throw new Error('the bulk path cannot take 99')
    await tx.$executeRawUnsafe(
      'INSERT INTO effects (event_id, n) SELECT * FROM unnest($1::uuid[], $2::int[])',
      events.map((e) => e.eventId),
      events.map((e) => e.n),
    )
  }
  let perEvent = 0
  const s = await setup(
    t,
    async (event, tx) => {
      perEvent++
      await recordEffect(event, tx)
    },
    { deferStart: true, handleBatch: bulkInsert },
  )
  const key = randomUUID()
  await s.sendAll(
    Array.from({ length: 10 }, (_, i) => JSON.stringify(s.event(i))),
    key,
  )
  await s.start()
  await s.waitForCounts((c) => c.processed === 10)
  t.equal(perEvent, 0, 'the batch handler took the whole batch')
  t.ok(s.consumer.transactions <= 2, `10 events in ${s.consumer.transactions} transaction(s)`)
  await s.sendAll(
    [s.event(20), s.event(99), s.event(21)].map((e) => JSON.stringify(e)),
    key,
  )
  await s.waitForCounts((c) => c.processed === 13)
  t.equal(perEvent, 3, 'after the batch handler failed, each event went through handle')
  t.same(
    (await s.effects()).map((r) => r.n),
    [...Array.from({ length: 10 }, (_, i) => i), 20, 21, 99],
    'nothing lost, nothing twice',
  )
  t.equal(s.consumer.counts['dead-lettered'], 0)
})

t.test('a crash kafkajs does not restart after is recovered: a new consumer joins and the message is handled', async (t) => {
  // Fault injection (the one stand-in here): the dead-letter producer's first send fails with a
  // non-retriable Kafka error, which is what kafkajs answers KafkaJSGroupCoordinatorNotFound and the
  // like with: it disconnects the consumer and does not restart it. Kafka and Postgres are real.
  let failuresLeft = 1
  const injected = withProducerFault(k, () => {
    if (failuresLeft-- > 0) throw new kafkajs.KafkaJSNonRetriableError('injected: refused for good')
  })
  const db = await outboxDatabase()
  const sql = await sqlClient(db.url)
  await sql.$executeRawUnsafe('CREATE TABLE effects (event_id uuid, n int)')
  const { contract, topic, dlq } = await testContract(k)
  const consumer = new EventConsumer({
    kafka: injected,
    groupId: `test-${randomUUID()}`,
    db: sql,
    logger,
    retryBaseMs: 20,
    retryMaxMs: 200,
    subscriptions: [subscribe(contract, (event, { tx }) => recordEffect(event, tx))],
  })
  const producer = k.producer()
  await producer.connect()
  t.teardown(async () => {
    await consumer.stop()
    await producer.disconnect()
    await sql.close()
    await db.drop()
  })
  await consumer.start()
  const key = randomUUID()
  await producer.send({ topic, messages: [{ key, value: '{poison' }] })
  const good = { eventId: randomUUID(), occurredAt: new Date().toISOString(), userId: randomUUID(), n: 42 }
  await producer.send({ topic, messages: [{ key, value: JSON.stringify(good) }] })
  const deadline = Date.now() + 30_000
  while (consumer.counts.processed < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  t.equal(consumer.crashes, 1, 'kafkajs crashed without a restart once')
  t.equal(consumer.restarts, 1, 'a new consumer took over')
  t.equal(consumer.counts['dead-lettered'], 1, 'the poison message was dead-lettered on the redelivery')
  t.equal(consumer.counts.processed, 1, 'the message behind it was handled')
  const dead = await readTopic(k, dlq, 1)
  t.equal(dead[0]?.value, '{poison')
  t.same(
    (await sql.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM effects')).map((r) => r.n),
    [42],
  )
})

t.test('infrastructure errors are recognised as transient, business errors are not', async (t) => {
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })))
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '40001' })), 'serialization failure')
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: 'P1001' })), "prisma can't reach server")
  t.ok(isTransientInfrastructureError(new Error('wrapper', { cause: Object.assign(new Error('x'), { code: '08006' }) })), 'through cause')
  t.notOk(isTransientInfrastructureError(new Error('cannot handle 13')))
  t.notOk(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '23505' })), 'unique violation is not transient')
})
