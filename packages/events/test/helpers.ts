import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pino, type Logger } from 'pino'
import type { Kafka, ProducerConfig } from 'kafkajs'
import { createKafka, outboxPrismaModels, type TransactionalSql, type SqlExecutor } from '@expenses/events'
import { readTopic as readTopicFrom, requireEnv } from '@expenses/testing'
import { diffDatabaseToSchema } from '../../../scripts/db/schema-engine.js'

export const logger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

export function kafka(clientId = 'events-test'): Kafka {
  return createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId }, logger)
}

/** A fresh database holding only the outbox and inbox tables, built from the Prisma models themselves. */
export async function outboxDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = requireEnv('POSTGRES_ADMIN_URL')
  const name = `events_test_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const schema = `datasource db {\n  provider = "postgresql"\n}\n\n${outboxPrismaModels}\n`
  const ddl = await diffDatabaseToSchema(url.toString(), schema)
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  await client.query(ddl)
  await client.end()
  return {
    url: url.toString(),
    async drop() {
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

/**
 * A minimal TransactionalSql over the pg driver adapter, shaped like a Prisma client. The services pass
 * their real PrismaClient; this package's tests have no generated client of their own.
 */
export async function sqlClient(url: string): Promise<TransactionalSql & { close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  const exec = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async $executeRawUnsafe(query, ...values) {
      return (await client.query(query, values)).rowCount ?? 0
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rows as T
    },
  })
  return {
    ...exec(pool),
    async $transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(exec(client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

export function uniqueTopicSuffix(): string {
  return randomBytes(4).toString('hex')
}

/** Reads a topic from the beginning until `count` messages arrived or the timeout passed. */
export function readTopic(k: Kafka, topic: string, count: number, timeoutMs = 20_000) {
  return readTopicFrom(k, topic, { until: (messages) => messages.length >= count, durationMs: timeoutMs })
}

import Type from 'typebox'
import { defineEvent, EventMeta, type TopicSpec } from '@expenses/events'

/** A contract on a topic of its own, so tests never see each other's events. */
export async function testContract(k: Kafka, partitions = 3) {
  const name = `test.thing-happened.${uniqueTopicSuffix()}`
  const topic: TopicSpec = { name, partitions, retentionMs: 3_600_000, producer: 'test', consumers: ['test'] }
  const admin = k.admin()
  await admin.connect()
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: name, numPartitions: partitions },
      { topic: `${name}.dlq`, numPartitions: 1 },
    ],
  })
  await admin.disconnect()
  const contract = defineEvent({
    type: 'test.thing-happened',
    version: 1,
    topic,
    schema: Type.Object({ ...EventMeta, userId: Type.String({ format: 'uuid' }), n: Type.Integer({ minimum: 0 }) }),
    key: (e) => e.userId,
  })
  return { contract, topic: name, dlq: `${name}.dlq` }
}

/**
 * Fault injection, the one stand-in these tests use: a Kafka client whose producers run `fault` before
 * every send and sendBatch, which may throw to refuse it. Everything else is the real client on the real
 * broker.
 */
export function withProducerFault(k: Kafka, fault: () => void): Kafka {
  return new Proxy(k, {
    get(target, prop) {
      if (prop === 'producer') {
        return (config?: ProducerConfig) => {
          const producer = target.producer(config)
          const send = producer.send.bind(producer)
          const sendBatch = producer.sendBatch.bind(producer)
          producer.send = async (record) => {
            fault()
            return send(record)
          }
          producer.sendBatch = async (batch) => {
            fault()
            return sendBatch(batch)
          }
          return producer
        }
      }
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
