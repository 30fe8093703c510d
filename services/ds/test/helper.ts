import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import type { Test } from 'tap'
import type { Kafka } from 'kafkajs'
import { createKafka, EventConsumer, OutboxRelay, topics } from '@expenses/events'
import { loadConfig } from '@expenses/platform'
import { startTestTokenIssuer, testKafka, topicEndOffsets, waitFor, type TestTokenIssuer, serviceDatabase } from '@expenses/testing'
import { buildDsApp } from '../src/app.js'
import { dsConfigSchema } from '../src/config.js'
import { createDb, type Db } from '../src/db.js'
import { parserSubscriptions } from '../src/domain/processing.js'

export const migrationsDir = path.resolve(import.meta.dirname, '../prisma/migrations')
export const PREFIX = '/ds/v1'

const database = serviceDatabase('DS_DATABASE_URL', migrationsDir)
export const databaseUrl = database.url
export const ensureMigrated = database.ensureMigrated

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig(dsConfigSchema, {
    DATABASE_URL: databaseUrl(),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    AUTH_JWKS_URL: 'http://127.0.0.1:1/auth/v1/jwks',
    LOG_LEVEL: 'silent',
    ...overrides,
  })
}

export interface TestApp {
  app: Awaited<ReturnType<typeof buildDsApp>>['app']
  db: Db
  config: ReturnType<typeof testConfig>
  issuer: TestTokenIssuer
  /** Authorization headers for a user (a fresh user when no id is given). */
  as(userId?: string): { authorization: string }
}

/** The real ds-service app on the real database, with a real JWKS issuer standing in for auth-service. */
export async function buildTestApp(t: Test, overrides: Record<string, string> = {}): Promise<TestApp> {
  await ensureMigrated()
  const issuer = await startTestTokenIssuer()
  const config = testConfig({ AUTH_JWKS_URL: issuer.jwksUrl, ...overrides })
  const db = createDb(config.DATABASE_URL)
  const { app } = await buildDsApp({ config, db, logger: pino({ level: 'silent' }) })
  t.teardown(async () => {
    await app.close()
    await db.$disconnect()
    await issuer.close()
  })
  return { app, db, config, issuer, as: (userId = randomUUID()) => ({ authorization: `Bearer ${issuer.token(userId)}` }) }
}

/** A unique message text, so parallel test files never share dedup keys. */
export function unique(text: string): string {
  return `${text} ${randomUUID().slice(0, 8)}`
}

export const silent = pino({ level: 'silent' })

export interface Worker {
  kafka: Kafka
  consumer: EventConsumer
  groupId: string
  /** What the worker reported as settled (ProcessingOptions.onSettled, after each commit), in order. */
  settlements: { messageId: string; status: 'parsed' | 'rejected'; reason: string | null }[]
}

/**
 * ds-service's background side as main.ts runs it: the outbox relay and the parser worker in its own,
 * unique consumer group. The group's offsets are set to the topic's current end before it starts, so it
 * handles what this test produces (and whatever parallel files produce meanwhile), not the topic's history.
 */
export async function startWorker(t: Test, db: Db, config: ReturnType<typeof testConfig>): Promise<Worker> {
  const kafka = testKafka()
  const groupId = `ds-service-test-${randomUUID().slice(0, 8)}`
  const topic = topics.bankMessageReceived.name
  const ends = await topicEndOffsets(kafka, topic)
  const admin = kafka.admin()
  await admin.connect()
  await admin.setOffsets({ groupId, topic, partitions: [...ends].map(([partition, offset]) => ({ partition, offset })) })
  await admin.disconnect()

  const relay = new OutboxRelay({
    connectionString: config.DATABASE_URL,
    kafka: createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'ds-test-relay' }, silent),
    logger: silent,
    name: 'ds-service',
    pollIntervalMs: 200,
  })
  relay.start()
  const settlements: Worker['settlements'] = []
  const consumer = new EventConsumer({
    kafka,
    groupId,
    db,
    logger: silent,
    subscriptions: parserSubscriptions({ minConfidence: 0, onSettled: (s) => settlements.push(s) }),
    retryBaseMs: 50,
    retryMaxMs: 200,
    maxAttempts: 2,
  })
  await consumer.start()
  t.teardown(async () => {
    await consumer.stop()
    await relay.stop()
  })
  return { kafka, consumer, groupId, settlements }
}

/** Waits until the parser worker has settled the message (status no longer pending). */
export async function settled(db: Db, messageId: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const row = await db.bankMessage.findUnique({ where: { id: messageId } })
      return row && row.status !== 'pending' ? row : null
    },
    { timeoutMs, intervalMs: 100, what: `message ${messageId} to be parsed` },
  )
}

/** Outbox rows whose payload names this message. */
export function outboxFor(db: Db, messageId: string) {
  return db.outboxEvent.findMany({ where: { payload: { path: ['messageId'], equals: messageId } }, orderBy: { id: 'asc' } })
}
