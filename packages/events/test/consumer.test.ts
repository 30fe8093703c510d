import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { EventConsumer, PermanentEventError, subscribe, isTransientInfrastructureError } from '@expenses/events'
import { kafka, logger, outboxDatabase, readTopic, sqlClient, testContract } from './helpers.js'

const k = kafka('consumer-test')

type Handler = (event: { eventId: string; userId: string; n: number }, tx: { $executeRawUnsafe(q: string, ...v: unknown[]): Promise<number> }) => Promise<void>

async function setup(t: Test, handler: Handler, options: { maxAttempts?: number } = {}) {
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
    subscriptions: [subscribe(contract, (event, { tx }) => handler(event, tx))],
  })
  await consumer.start()
  t.teardown(async () => {
    await consumer.stop()
    await producer.disconnect()
    await sql.close()
    await db.drop()
  })
  const send = (value: string, key = randomUUID()) => producer.send({ topic, messages: [{ key, value }] })
  const event = (n: number, eventId = randomUUID(), userId = randomUUID()) => ({ eventId, occurredAt: new Date().toISOString(), userId, n })
  const effects = () => sql.$queryRawUnsafe<{ event_id: string; n: number }[]>('SELECT event_id, n FROM effects ORDER BY n')
  const waitForCounts = async (predicate: (c: EventConsumer['counts']) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs
    while (!predicate(consumer.counts)) {
      if (Date.now() > deadline) throw new Error(`counts not reached: ${JSON.stringify(consumer.counts)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { consumer, send, event, effects, waitForCounts, dlq }
}

const recordEffect: Handler = async (event, tx) => {
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
  t.same((await s.effects()).map((r) => r.event_id), [e.eventId], 'one effect for two deliveries')
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
  t.ok(dead.every((m) => m.headers['x-original-topic'] && m.headers['x-original-offset']), 'origin recorded')
  t.same((await s.effects()).map((r) => r.n), [7])
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
  t.same((await s.effects()).map((r) => r.n), [14], 'the failed attempts left no rows behind')
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

t.test('infrastructure errors are recognised as transient, business errors are not', async (t) => {
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })))
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '40001' })), 'serialization failure')
  t.ok(isTransientInfrastructureError(Object.assign(new Error('x'), { code: 'P1001' })), "prisma can't reach server")
  t.ok(isTransientInfrastructureError(new Error('wrapper', { cause: Object.assign(new Error('x'), { code: '08006' }) })), 'through cause')
  t.notOk(isTransientInfrastructureError(new Error('cannot handle 13')))
  t.notOk(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '23505' })), 'unique violation is not transient')
})
