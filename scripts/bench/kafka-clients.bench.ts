/**
 * Kafka client comparison: kafkajs (what the event kit uses; no release since 2023) against
 * @platformatic/kafka (maintained, pure JavaScript), on the same broker in the same run. Each client
 * produces the same messages (batches of 500, acks from all in-sync replicas, idempotent producer) and
 * then consumes them from the beginning in a fresh group.
 *
 *   npm run bench:kafka-clients                 (starts the local Kafka itself)
 *   BENCH_MESSAGES=100000 npm run bench:kafka-clients
 *
 * Not a test: it reports, it does not assert. The machines are noisy; compare the ratios.
 */
import { randomBytes } from 'node:crypto'
import { Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import kafkajs from 'kafkajs'

// @platformatic/kafka declares Node >= 22 and calls Promise.withResolvers (Node 22+). The images run Node
// 24; on an older local Node the standard method is added here so the comparison can run at all.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

const total = Number(process.env.BENCH_MESSAGES ?? 50_000)
const batchSize = 500
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)
if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: run through `npm run bench:kafka-clients`')

const run = randomBytes(3).toString('hex')
// A parsed-expense-sized JSON value, keyed by one of 64 users (so spread over the partitions).
const value = JSON.stringify({
  eventId: '00000000-0000-4000-8000-000000000000',
  type: 'debit',
  amount: '1250.00',
  currency: 'INR',
  merchant: 'SWIGGY',
  padding: 'x'.repeat(300),
})
const keyOf = (i: number) => `user-${i % 64}`

const admin = new kafkajs.Kafka({ clientId: `bench-admin-${run}`, brokers, logLevel: kafkajs.logLevel.NOTHING }).admin()
await admin.connect()
async function freshTopic(name: string) {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: 6 }] })
  return name
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return total / ((performance.now() - t0) / 1000)
}

async function kafkajsRound(topic: string) {
  const kafka = new kafkajs.Kafka({ clientId: `bench-kafkajs-${run}`, brokers, logLevel: kafkajs.logLevel.NOTHING })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
  await producer.connect()
  const produce = await timed(async () => {
    for (let i = 0; i < total; i += batchSize) {
      const messages = Array.from({ length: Math.min(batchSize, total - i) }, (_, j) => ({ key: keyOf(i + j), value }))
      await producer.send({ topic, acks: -1, messages })
    }
  })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${run}-${topic}` })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  let seen = 0
  const consume = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              seen += batch.messages.length
              if (seen >= total) resolve()
            },
          })
          .catch(reject)
      }),
  )
  await consumer.disconnect()
  return { produce, consume }
}

async function platformaticRound(topic: string) {
  const producer = new Producer({
    clientId: `bench-platformatic-${run}`,
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
  })
  const produce = await timed(async () => {
    for (let i = 0; i < total; i += batchSize) {
      const messages = Array.from({ length: Math.min(batchSize, total - i) }, (_, j) => ({ topic, key: keyOf(i + j), value }))
      await producer.send({ messages })
    }
  })
  await producer.close()
  const consumer = new Consumer({
    groupId: `bench-platformatic-${run}-${topic}`,
    clientId: `bench-platformatic-${run}`,
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  })
  let seen = 0
  const consume = await timed(async () => {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: true })
    for await (const message of stream) {
      void message
      if (++seen >= total) break
    }
    await stream.close()
  })
  await consumer.close()
  return { produce, consume }
}

try {
  // Twice each, interleaved, so that neither client always runs on a warmer broker.
  const results = { kafkajs: [] as { produce: number; consume: number }[], platformatic: [] as { produce: number; consume: number }[] }
  for (let round = 0; round < 2; round++) {
    results.kafkajs.push(await kafkajsRound(await freshTopic(`bench.kafkajs.${run}.${round}`)))
    results.platformatic.push(await platformaticRound(await freshTopic(`bench.platformatic.${run}.${round}`)))
  }
  const best = (list: { produce: number; consume: number }[], what: 'produce' | 'consume') => Math.max(...list.map((r) => r[what]))
  console.log(`\nKafka clients: ${total} messages of ${value.length} bytes, batches of ${batchSize}, 6 partitions, acks=all, idempotent; best of 2\n`)
  console.log('| client | produce msg/s | consume msg/s | produce vs kafkajs | consume vs kafkajs |')
  console.log('|---|---|---|---|---|')
  for (const name of ['kafkajs', 'platformatic'] as const) {
    const p = best(results[name], 'produce')
    const c = best(results[name], 'consume')
    console.log(
      `| ${name === 'kafkajs' ? 'kafkajs 2.2.4' : '@platformatic/kafka 2.12.1'} | ${p.toFixed(0)} | ${c.toFixed(0)} | ${(p / best(results.kafkajs, 'produce')).toFixed(2)} | ${(c / best(results.kafkajs, 'consume')).toFixed(2)} |`,
    )
  }
} finally {
  const created = (await admin.listTopics()).filter((t) => t.startsWith('bench.') && t.includes(run))
  await admin.deleteTopics({ topics: created }).catch(() => undefined)
  await admin.disconnect()
}
