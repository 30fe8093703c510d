import { createHash } from 'node:crypto'
import type { Kafka, Message, Producer } from 'kafkajs'
import pg from 'pg'
import type { Logger } from 'pino'
import { backoffDelay, sleep } from '@expenses/retry'
import { OUTBOX_CHANNEL } from './outbox.js'

export interface OutboxRelayOptions {
  /** Connection string of the service's own database (the one holding outbox_events). */
  connectionString: string
  kafka: Kafka
  logger: Logger
  /** Names the relay's leadership lock; one relay per service publishes at a time. */
  name: string
  batchSize?: number
  /** Fallback poll interval; normally a NOTIFY on commit wakes the relay at once. */
  pollIntervalMs?: number
  /** Published rows older than this are deleted. */
  retentionMs?: number
  maxBackoffMs?: number
}

interface OutboxRow {
  id: string
  event_id: string
  event_type: string
  topic: string
  key: string
  payload: unknown
  headers: Record<string, string>
}

/** Stable 63-bit advisory-lock key derived from the relay name. */
function lockKey(name: string): string {
  return createHash('sha256').update(`outbox-relay:${name}`).digest().readBigInt64BE(0).toString()
}

/**
 * Publishes outbox rows to Kafka in commit-ish order (by id) and marks them published.
 *
 * Delivery is at-least-once: a crash between the Kafka ack and the UPDATE republishes the batch, which
 * consumers absorb through their processed-events inbox (every event carries its eventId).
 *
 * Only one relay per service publishes at a time (a session-level advisory lock on a dedicated
 * connection), which keeps per-user order across replicas; the others wait as hot standbys and take
 * over when the leader's connection goes away.
 */
export class OutboxRelay {
  private readonly opts: Required<Omit<OutboxRelayOptions, 'kafka' | 'logger'>> & Pick<OutboxRelayOptions, 'kafka' | 'logger'>
  private readonly log: Logger
  private client: pg.Client | undefined
  private producer: Producer | undefined
  private producerConnected = false
  private leader = false
  private loop: Promise<void> | undefined
  private readonly stopController = new AbortController()
  private wakeController = new AbortController()
  private failures = 0
  private lastCleanup = 0
  /** Number of events this relay has published (for metrics and tests). */
  published = 0

  constructor(options: OutboxRelayOptions) {
    this.opts = {
      batchSize: 500,
      pollIntervalMs: 1000,
      retentionMs: 7 * 24 * 60 * 60 * 1000,
      maxBackoffMs: 10_000,
      ...options,
    }
    this.log = options.logger.child({ component: 'outbox-relay' })
  }

  start(): void {
    if (this.loop) return
    this.loop = this.run()
  }

  /** Publish now instead of at the next poll (called after a local commit). */
  wake(): void {
    this.wakeController.abort()
  }

  get isLeader(): boolean {
    return this.leader
  }

  /** Finishes the batch in flight, releases leadership and closes connections. */
  async stop(): Promise<void> {
    this.stopController.abort()
    this.wake()
    await this.loop
    this.loop = undefined
    await this.closeClient()
    await this.dropProducer()
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.ensureClient()
        if (!(await this.ensureLeadership())) {
          await this.idle(this.opts.pollIntervalMs * 2)
          continue
        }
        await this.publishAvailable()
        if (this.failures > 0) this.log.info({ afterFailures: this.failures }, 'outbox relay recovered')
        this.failures = 0
        await this.cleanupIfDue()
        // Drained: wait for a NOTIFY (one that came while publishing ends this wait at once) or the poll.
        await this.idle(this.opts.pollIntervalMs)
      } catch (error) {
        this.failures += 1
        const delay = backoffDelay(this.failures, 200, this.opts.maxBackoffMs)
        // One warning per failure streak, then debug, so an outage does not flood the log.
        const level = this.failures === 1 ? 'warn' : 'debug'
        this.log[level]({ err: error, attempt: this.failures, retryInMs: delay }, 'outbox relay could not publish; will retry')
        // Kafka errors leave the database session healthy; anything else may have broken it (and with
        // it the leadership lock), so start over with a fresh connection.
        if (!isKafkaError(error)) await this.closeClient()
        // A new producer (and producer id) for the next try: after a broker restart an idempotent
        // producer can be left with sequence numbers the broker rejects on every send.
        else await this.dropProducer()
        await sleep(delay, this.stopController.signal)
      }
    }
  }

  private async idle(ms: number): Promise<void> {
    const signal = AbortSignal.any([this.stopController.signal, this.wakeController.signal])
    await sleep(ms, signal)
    if (this.wakeController.signal.aborted) this.wakeController = new AbortController()
  }

  private async ensureClient(): Promise<pg.Client> {
    if (this.client) return this.client
    const client = new pg.Client({ connectionString: this.opts.connectionString, application_name: `${this.opts.name}-outbox-relay` })
    client.on('error', (err) => {
      this.log.warn({ err }, 'outbox relay database connection lost')
      void this.closeClient()
    })
    client.on('notification', () => this.wake())
    await client.connect()
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`)
    this.client = client
    return client
  }

  private async closeClient(): Promise<void> {
    const client = this.client
    this.client = undefined
    this.leader = false
    if (client) await client.end().catch(() => undefined)
  }

  private async ensureLeadership(): Promise<boolean> {
    if (this.leader) return true
    const client = await this.ensureClient()
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [lockKey(this.opts.name)])
    this.leader = rows[0]?.locked === true
    if (this.leader) this.log.info('outbox relay is the active publisher')
    return this.leader
  }

  private async ensureProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.opts.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
      })
    }
    if (!this.producerConnected) {
      await this.producer.connect()
      this.producerConnected = true
    }
    return this.producer
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer
    this.producer = undefined
    this.producerConnected = false
    if (producer) await producer.disconnect().catch(() => undefined)
  }

  /**
   * Publishes until the outbox is drained, batch by batch in id order. The next batch is read while the
   * current one is in flight (pipelined), but sent only after the current one is acknowledged, so
   * order by id holds. A row is marked published only after Kafka acknowledged it (acks from all
   * in-sync replicas, idempotent producer). Returns how many rows it published.
   */
  private async publishAvailable(): Promise<number> {
    const client = await this.ensureClient()
    let rows = await this.readBatch(client, undefined)
    let total = 0
    // Stopping ends the drain after the batch in flight; what is left stays for the next leader.
    while (rows.length > 0 && !this.stopping) {
      const producer = await this.ensureProducer()
      const sending = this.send(producer, rows)
      // Only a full batch can have more behind it; the read queues on the same connection.
      const following = rows.length === this.opts.batchSize && !this.stopping ? this.readBatch(client, rows[rows.length - 1]!.id) : Promise.resolve([])
      // It may fail while the send is still awaited: mark it handled now (it is awaited, and throws, below),
      // or Node would call it an unhandled rejection and stop the process.
      following.catch(() => undefined)
      try {
        await sending
      } catch (error) {
        await following.catch(() => undefined)
        await client
          .query(`UPDATE "outbox_events" SET "attempts" = "attempts" + 1, "last_error" = $2 WHERE "id" = ANY($1::bigint[])`, [
            rows.map((r) => r.id),
            String((error as Error).message).slice(0, 500),
          ])
          .catch(() => undefined)
        throw error
      }
      await client.query(`UPDATE "outbox_events" SET "published_at" = now() WHERE "id" = ANY($1::bigint[])`, [rows.map((r) => r.id)])
      this.published += rows.length
      total += rows.length
      this.log.debug({ count: rows.length }, 'published outbox events')
      rows = await following
    }
    return total
  }

  private async readBatch(client: pg.Client, afterId: string | undefined): Promise<OutboxRow[]> {
    const { rows } = await client.query<OutboxRow>(
      `SELECT "id", "event_id", "event_type", "topic", "key", "payload", "headers"
         FROM "outbox_events" WHERE "published_at" IS NULL AND "id" > $2::bigint ORDER BY "id" LIMIT $1`,
      [this.opts.batchSize, afterId ?? '0'],
    )
    return rows
  }

  private async send(producer: Producer, rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>()
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? []
      messages.push({
        key: row.key,
        value: JSON.stringify(row.payload),
        headers: { ...row.headers, 'event-id': row.event_id, 'event-type': row.event_type, 'content-type': 'application/json' },
      })
      byTopic.set(row.topic, messages)
    }
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
  }

  private async cleanupIfDue(): Promise<void> {
    const now = Date.now()
    if (now - this.lastCleanup < 60_000) return
    this.lastCleanup = now
    const client = await this.ensureClient()
    await client.query(`DELETE FROM "outbox_events" WHERE "published_at" < now() - ($1::bigint * interval '1 millisecond')`, [this.opts.retentionMs])
  }
}

function isKafkaError(error: unknown): boolean {
  const name = (error as { name?: string }).name
  return typeof name === 'string' && name.startsWith('Kafka')
}
