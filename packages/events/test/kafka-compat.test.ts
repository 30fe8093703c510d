/**
 * Proves that kafkajs 2.2.4 (last release 2023) speaks the protocol versions a Kafka 4.x broker
 * still accepts (KIP-896 removed the old ones): admin, idempotent producer, consumer groups with
 * rebalancing, committed offsets and transactions. Runs against the real broker in KAFKA_BROKERS
 * (started by `npm test` / `npm run infra:up`). If this file fails after a broker upgrade, the
 * client library must change - the rest of the code reaches Kafka through @expenses/events.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import kafkajs, { type Consumer, type EachMessagePayload, type KafkaConfig } from 'kafkajs'

const { Kafka, Partitioners, logLevel } = kafkajs

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')
const runId = randomUUID().slice(0, 8)
// Quiet: kafkajs logs retriable broker answers (coordinator loading, concurrent transactions) as
// errors although it retries them; the assertions below are what decide.
const config: KafkaConfig = { clientId: `kafka-compat-${runId}`, brokers, logLevel: logLevel.NOTHING }
const kafka = new Kafka(config)
const admin = kafka.admin()
const createdTopics: string[] = []

/**
 * Creates a topic and waits for its partition leaders. Not kafkajs' `waitForLeaders`: that retries
 * only LEADER_NOT_AVAILABLE, while a loaded KRaft broker can briefly answer UNKNOWN_TOPIC_OR_PARTITION
 * for a topic it has just created (seen on Kafka 4.1 with the machine under load).
 */
async function createTopic(topic: string, partitions: number): Promise<boolean> {
  const created = await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions }] })
  for (let i = 0; i < 150; i++) {
    const ready = await admin
      .fetchTopicMetadata({ topics: [topic] })
      .then((m) => m.topics[0]?.partitions.length === partitions && m.topics[0].partitions.every((p) => p.leader >= 0))
      .catch(() => false)
    if (ready) return created
    await sleep(200)
  }
  throw new Error(`topic ${topic} has no partition leaders after 30 s`)
}

/** A fresh topic for one test; all are deleted at the end. */
async function freshTopic(name: string, partitions: number): Promise<string> {
  const topic = `test.kafka-compat.${name}.${runId}`
  if (!(await createTopic(topic, partitions))) throw new Error(`topic ${topic} already existed`)
  createdTopics.push(topic)
  return topic
}

function producer(extra: Parameters<typeof kafka.producer>[0] = {}) {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...extra })
}

/** Runs `consumer` on `topic` and resolves with the first `count` messages (or rejects on timeout). */
async function collect(consumer: Consumer, topic: string, count: number, timeoutMs = 30_000): Promise<EachMessagePayload[]> {
  const seen: EachMessagePayload[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let done: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (done = resolve))
  await consumer.run({
    eachMessage: async (payload) => {
      seen.push(payload)
      if (seen.length >= count) done()
    },
  })
  const timer = sleep(timeoutMs).then(() => {
    throw new Error(`got ${seen.length} of ${count} messages from ${topic} within ${timeoutMs} ms`)
  })
  await Promise.race([finished, timer])
  return seen
}

t.before(async () => {
  await admin.connect()
})

t.teardown(async () => {
  if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics })
  await admin.disconnect()
})

t.test('admin creates, lists, describes and deletes a topic', async (t) => {
  const topic = `test.kafka-compat.admin.${runId}`
  t.equal(await createTopic(topic, 3), true, 'created')
  t.ok((await admin.listTopics()).includes(topic), 'listed')
  const meta = await admin.fetchTopicMetadata({ topics: [topic] })
  t.equal(meta.topics[0]?.partitions.length, 3, 'three partitions')
  t.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), false, 'creating it again reports "already exists"')
  await admin.deleteTopics({ topics: [topic] })
  // Deletion is asynchronous on the broker; it must disappear from the listing shortly.
  let listed = true
  for (let i = 0; i < 50 && listed; i++) {
    listed = (await admin.listTopics()).includes(topic)
    if (listed) await sleep(200)
  }
  t.notOk(listed, 'gone after delete')
})

t.test('idempotent producer with acks=-1 delivers every message once, in order per key', async (t) => {
  const topic = await freshTopic('idempotent', 3)
  const p = producer({ idempotent: true, maxInFlightRequests: 1 })
  await p.connect()
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `user-${i % 4}`, value: `m${i}` }))
  const results = await p.send({ topic, acks: -1, messages })
  await p.disconnect()
  t.ok(results.length > 0 && results.every((r) => r.errorCode === 0), 'every partition acknowledged without error')

  const consumer = kafka.consumer({ groupId: `compat-idem-${runId}` })
  const got = await collect(consumer, topic, 20)
  await sleep(1000) // a duplicate would arrive right behind the originals
  await consumer.disconnect()
  t.equal(got.length, 20, 'no duplicates')
  for (const key of ['user-0', 'user-1', 'user-2', 'user-3']) {
    const sent = messages.filter((m) => m.key === key).map((m) => m.value)
    const received = got.filter((m) => m.message.key?.toString() === key).map((m) => m.message.value?.toString())
    t.same(received, sent, `${key}: same messages in the same order`)
    t.equal(new Set(got.filter((m) => m.message.key?.toString() === key).map((m) => m.partition)).size, 1, `${key}: one partition`)
  }
})

t.test('a second group member triggers a rebalance and both members get partitions', async (t) => {
  const topic = await freshTopic('rebalance', 4)
  const groupId = `compat-rebalance-${runId}`
  const assignments = new Map<string, number[]>()
  const consumers: Consumer[] = []
  const join = async (name: string): Promise<void> => {
    const c = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 })
    c.on(c.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment[topic] ?? []))
    consumers.push(c)
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    await c.run({ eachMessage: async () => undefined })
  }
  const waitFor = async (what: string, ok: () => boolean): Promise<void> => {
    for (let i = 0; i < 150 && !ok(); i++) await sleep(200)
    if (!ok()) throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...assignments])}`)
  }
  try {
    await join('a')
    await waitFor('first member to own all partitions', () => assignments.get('a')?.length === 4)
    t.same([...(assignments.get('a') ?? [])].sort(), [0, 1, 2, 3], 'alone, member a owns all four partitions')
    await join('b')
    await waitFor('both members to share partitions', () => (assignments.get('b')?.length ?? 0) > 0 && (assignments.get('a')?.length ?? 0) < 4)
    const a = assignments.get('a') ?? []
    const b = assignments.get('b') ?? []
    t.ok(a.length > 0 && b.length > 0, `both members own partitions (a=${a}, b=${b})`)
    t.same([...a, ...b].sort(), [0, 1, 2, 3], 'together they own every partition exactly once')
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect()))
  }
})

t.test('committed offsets survive a reconnect: a new member resumes after them', async (t) => {
  const topic = await freshTopic('offsets', 1)
  const groupId = `compat-offsets-${runId}`
  const p = producer()
  await p.connect()
  await p.send({ topic, acks: -1, messages: [1, 2, 3, 4, 5].map((i) => ({ value: `first-${i}` })) })

  const first = kafka.consumer({ groupId })
  const firstBatch = await collect(first, topic, 5)
  await first.disconnect() // commits the consumed offsets on the way out
  t.same(
    firstBatch.map((m) => m.message.value?.toString()),
    [1, 2, 3, 4, 5].map((i) => `first-${i}`),
    'first member read the first batch',
  )

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
  t.equal(committed[0]?.partitions[0]?.offset, '5', 'offset 5 committed for the group')

  await p.send({ topic, acks: -1, messages: [1, 2, 3].map((i) => ({ value: `second-${i}` })) })
  await p.disconnect()
  const second = kafka.consumer({ groupId })
  const secondBatch = await collect(second, topic, 3)
  await sleep(1000) // anything re-delivered from before the commit would show up now
  await second.disconnect()
  t.same(
    secondBatch.map((m) => m.message.value?.toString()),
    ['second-1', 'second-2', 'second-3'],
    'resumed after the committed offset, nothing re-read',
  )
})

t.test('transactional producer: committed messages are visible, aborted ones are not', async (t) => {
  const topic = await freshTopic('transactions', 2)
  const p = producer({ transactionalId: `compat-tx-${runId}`, idempotent: true, maxInFlightRequests: 1 })
  await p.connect()
  const aborted = await p.transaction()
  await aborted.send({
    topic,
    messages: [
      { key: 'k', value: 'aborted-1' },
      { key: 'k', value: 'aborted-2' },
    ],
  })
  await aborted.abort()
  const committed = await p.transaction()
  await committed.send({
    topic,
    messages: [
      { key: 'k', value: 'committed-1' },
      { key: 'j', value: 'committed-2' },
    ],
  })
  await committed.commit()
  await p.disconnect()

  // kafkajs consumers read with isolation level READ_COMMITTED unless readUncommitted is set.
  const consumer = kafka.consumer({ groupId: `compat-tx-${runId}` })
  const got = await collect(consumer, topic, 2)
  await sleep(1000)
  await consumer.disconnect()
  t.same(got.map((m) => m.message.value?.toString()).sort(), ['committed-1', 'committed-2'], 'only the committed transaction is read')

  const raw = kafka.consumer({ groupId: `compat-tx-raw-${runId}`, readUncommitted: true })
  const all = await collect(raw, topic, 4)
  await raw.disconnect()
  t.same(
    all.map((m) => m.message.value?.toString()).sort(),
    ['aborted-1', 'aborted-2', 'committed-1', 'committed-2'],
    'read_uncommitted sees the aborted records too, so the filter above is real',
  )
})
