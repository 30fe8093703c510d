import type { EventConsumer, SqlExecutor } from '@expenses/events'
import { Counter, Gauge, type Registry } from '@expenses/platform'
import type { Admin, Kafka } from 'kafkajs'
import type { Logger } from 'pino'

/**
 * The event path's metrics on a service's /metrics, for the dashboard and alert rules:
 *   events_consumed_total{group,topic,outcome}    outcome processed | duplicate | dead-lettered (the DLQ count)
 *   outbox_unpublished_events                      rows the relay has not published yet
 *   outbox_oldest_unpublished_age_seconds          how long the oldest of them has waited (a stuck relay grows it)
 *   kafka_consumer_lag{group,topic,partition}      high watermark minus the group's committed offset
 * The gauges are read when Prometheus scrapes, each bounded by SCRAPE_TIMEOUT_MS, and left at their last value
 * when the database or Kafka cannot answer (a failing scrape would hide every other metric).
 */
const SCRAPE_TIMEOUT_MS = 2_000

export interface EventMetricsOptions {
  registry: Registry
  db: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }
  kafka: Kafka
  consumers: readonly { groupId: string; topics: readonly string[]; consumer: Pick<EventConsumer<SqlExecutor>, 'onOutcome'> }[]
  logger: Logger
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${SCRAPE_TIMEOUT_MS} ms`)), SCRAPE_TIMEOUT_MS)
    }),
  ]).finally(() => clearTimeout(timer))
}

export function registerEventMetrics(options: EventMetricsOptions): { close(): Promise<void> } {
  const { registry, db, kafka, consumers, logger } = options
  const registers = [registry]
  const consumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events this service consumed, by group, topic and outcome (processed, duplicate, dead-lettered)',
    labelNames: ['group', 'topic', 'outcome'] as const,
    registers,
  })
  for (const { groupId, consumer } of consumers) {
    consumer.onOutcome = (outcome, topic, count) => consumed.inc({ group: groupId, topic, outcome }, count)
  }

  // Both outbox gauges come from one query when Prometheus collects them together (prom-client may collect
  // metrics concurrently): a read in flight is shared, and the next scrape reads afresh.
  let inFlight: Promise<{ n: number; age: number } | undefined> | undefined
  const readOutbox = () => {
    if (!inFlight) {
      const read = withTimeout(
        db.$queryRawUnsafe<{ n: number; age: number }[]>(
          `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min("created_at")), 0)::float8 AS age FROM "outbox_events" WHERE "published_at" IS NULL`,
        ),
      ).then(
        ([row]) => row ?? { n: 0, age: 0 },
        (err: unknown) => {
          logger.debug({ err }, 'outbox metrics: the database did not answer')
          return undefined
        },
      )
      inFlight = read
      void read.finally(() => {
        if (inFlight === read) inFlight = undefined
      })
    }
    return inFlight
  }
  new Gauge({
    name: 'outbox_unpublished_events',
    help: 'Outbox rows not yet published to Kafka',
    registers,
    async collect() {
      const row = await readOutbox()
      if (row) this.set(row.n)
    },
  })
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when there is none)',
    registers,
    async collect() {
      const row = await readOutbox()
      if (row) this.set(row.age)
    },
  })

  let admin: Admin | undefined
  if (consumers.length > 0) {
    new Gauge({
      name: 'kafka_consumer_lag',
      help: "Messages behind the partition's high watermark, by consumer group, topic and partition",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
      async collect() {
        try {
          if (!admin) {
            admin = kafka.admin()
            await withTimeout(admin.connect())
          }
          const connected = admin
          for (const { groupId, topics } of consumers) {
            const [committed, ends] = await withTimeout(
              Promise.all([connected.fetchOffsets({ groupId, topics: [...topics] }), Promise.all(topics.map((topic) => connected.fetchTopicOffsets(topic)))]),
            )
            topics.forEach((topic, i) => {
              const byPartition = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
              for (const end of ends[i] ?? []) {
                const at = byPartition.get(end.partition) ?? -1
                // No committed offset yet (-1): the group will start at the low watermark, so all of it is lag.
                const from = at >= 0 ? at : Number(end.low)
                this.set({ group: groupId, topic, partition: String(end.partition) }, Math.max(0, Number(end.high) - from))
              }
            })
          }
        } catch (err) {
          logger.debug({ err }, 'consumer lag metrics: Kafka did not answer')
          const broken = admin
          admin = undefined
          await broken?.disconnect().catch(() => undefined)
        }
      },
    })
  }
  return {
    async close() {
      await admin?.disconnect().catch(() => undefined)
      admin = undefined
    },
  }
}
