import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { kafkaConnectionConfig, kafkaSettings } from '@expenses/events'
import { loadConfig } from '@expenses/platform'
import { Kafka, logLevel, type SASLOptions } from 'kafkajs'
import Type from 'typebox'

export function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts Postgres and Kafka`)
  return value
}

/**
 * A kafkajs client for a test, from the same variables (KAFKA_BROKERS, KAFKA_SSL, KAFKA_SASL_*) the
 * services read, parsed by the same schema and rules (@expenses/events' kafkaSettings); the client id is
 * the test's own.
 */
export function testKafka(clientId = `test-${randomBytes(3).toString('hex')}`): Kafka {
  const env = { ...process.env, KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), KAFKA_CLIENT_ID: clientId }
  const { sasl, ...settings } = kafkaSettings(loadConfig(Type.Object(kafkaConnectionConfig), env), clientId)
  return new Kafka({ ...settings, ...(sasl ? { sasl: sasl as SASLOptions } : {}), logLevel: logLevel.NOTHING, retry: { retries: 8 } })
}

export async function waitFor<T>(probe: () => T | Promise<T>, { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** The end offset of every partition of a topic: read from here to see only what a test produces. */
export async function topicEndOffsets(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return new Map(offsets.map((o) => [o.partition, o.high]))
  } finally {
    await admin.disconnect()
  }
}

export interface ReadMessage {
  key: string | null
  value: string | null
  headers: Record<string, string>
  partition: number
  offset: string
}

/**
 * Reads a topic from the given offsets (default: the start) for `durationMs` or until `until` is
 * satisfied, then returns everything read. Waiting the full duration is how tests prove that no
 * duplicate arrives after the expected messages.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: { from?: Map<number, string>; until?: (messages: ReadMessage[]) => boolean; durationMs?: number } = {},
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(5).toString('hex')}` })
  const messages: ReadMessage[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, offset] of options.from ?? []) consumer.seek({ topic, partition, offset })
  })
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const from = options.from?.get(partition)
      if (from !== undefined && BigInt(message.offset) < BigInt(from)) return
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(Array.isArray(v) ? v[0] : v)
      messages.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers, partition, offset: message.offset })
      if (options.until?.(messages)) done()
    },
  })
  await Promise.race([finished, new Promise((r) => setTimeout(r, options.durationMs ?? 20_000))])
  await consumer.disconnect()
  return messages
}

/**
 * Stops and starts the project's own local Kafka broker, for fault tests. These tests run in the
 * runner's serial phase (files named *.fault.test.ts), so stopping the shared broker disturbs no
 * other test. With an external broker (KAFKA_BROKERS set by the user), this fails loudly.
 */
export async function localKafkaControl() {
  const repoRoot = path.resolve(import.meta.dirname, '../../..')
  const config = await import(path.join(repoRoot, 'scripts/infra/config.js'))
  const kafka = await import(path.join(repoRoot, 'scripts/infra/kafka.js'))
  const paths = config.infraPaths()
  const ports = config.infraPorts(process.env)
  return {
    async stop(): Promise<void> {
      const stopped = await kafka.stopKafka(paths)
      if (!stopped) throw new Error('no local Kafka broker of this checkout was running: fault tests need the one `npm test` starts')
    },
    async start(): Promise<void> {
      const env = { ...process.env }
      delete env.KAFKA_BROKERS
      await kafka.ensureKafka(paths, ports.kafka, ports.kafkaController, env)
    },
  }
}
export * from './tokens.js'
export * from './database.js'
export * from './kube.js'
