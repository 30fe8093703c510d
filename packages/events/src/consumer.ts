import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs'
import type { Logger } from 'pino'
import type { Static, TSchema } from 'typebox'
import { backoffDelay, sleep } from './backoff.js'
import { validateEvent, type EventContract } from './contracts/define.js'
import type { SqlExecutor, TransactionalSql } from './sql.js'
import { deadLetterTopic } from './topics.js'

/** Throw from a handler when a message can never succeed (it goes to the dead-letter topic at once). */
export class PermanentEventError extends Error {
  constructor(message: string, readonly reason = 'rejected_by_handler') {
    super(message)
    this.name = 'PermanentEventError'
  }
}

export interface HandlerContext {
  /** The consumer's database transaction: the handler's writes commit together with the inbox entry. */
  tx: SqlExecutor
  topic: string
  partition: number
  offset: string
  headers: Record<string, string>
  log: Logger
}

export interface Subscription<S extends TSchema = TSchema> {
  contract: EventContract<S>
  handle(event: Static<S>, ctx: HandlerContext): Promise<void>
}

/** Helps TypeScript infer the event type of each subscription in a list. */
export function subscribe<S extends TSchema>(contract: EventContract<S>, handle: Subscription<S>['handle']): Subscription {
  return { contract, handle } as unknown as Subscription
}

export interface EventConsumerOptions {
  kafka: Kafka
  /** Consumer group id; also the inbox's consumer name. */
  groupId: string
  db: TransactionalSql
  logger: Logger
  subscriptions: Subscription[]
  /** Attempts for an ordinary handler error before the message is dead-lettered. */
  maxAttempts?: number
  retryBaseMs?: number
  retryMaxMs?: number
  /** Start from the earliest offset when the group has none (default true: never skip events). */
  fromBeginning?: boolean
  /** Interactive transaction timeout for one message. */
  transactionTimeoutMs?: number
  sessionTimeoutMs?: number
}

export type Outcome = 'processed' | 'duplicate' | 'dead-lettered'

/**
 * At-least-once Kafka consumer with an idempotent inbox and a dead-letter topic.
 *
 * - Each message is handled in one database transaction that also inserts (consumer, eventId) into
 *   processed_events. A redelivered event finds its row and is skipped, so redelivery never duplicates.
 * - Bad JSON and contract violations can never succeed: they go to `<topic>.dlq` at once.
 * - A handler error is retried with backoff up to maxAttempts, then dead-lettered, so one poison
 *   message never stalls its partition.
 * - Infrastructure errors (database unreachable, serialization conflicts) are retried without limit,
 *   because the message is fine and dead-lettering it would lose data; the consumer keeps heart-beating.
 * - Offsets are committed only after the transaction commits (kafkajs commits resolved offsets).
 */
export class EventConsumer {
  private readonly consumer: Consumer
  private readonly dlqProducer: Producer
  private readonly log: Logger
  private readonly byTopic: Map<string, Subscription>
  private readonly stopController = new AbortController()
  private readonly opts: Required<Pick<EventConsumerOptions, 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'fromBeginning' | 'transactionTimeoutMs'>> &
    EventConsumerOptions
  private running = false
  /** Counters by outcome, for metrics and tests. */
  readonly counts: Record<Outcome, number> = { processed: 0, duplicate: 0, 'dead-lettered': 0 }
  /** Optional hook for metrics. */
  onOutcome?: (outcome: Outcome, topic: string) => void

  constructor(options: EventConsumerOptions) {
    this.opts = { maxAttempts: 5, retryBaseMs: 200, retryMaxMs: 5000, fromBeginning: true, transactionTimeoutMs: 15_000, ...options }
    this.log = options.logger.child({ component: 'event-consumer', groupId: options.groupId })
    this.byTopic = new Map(options.subscriptions.map((s) => [s.contract.topic.name, s]))
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    })
    this.dlqProducer = options.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 })
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect()
    await this.consumer.connect()
    await this.consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: this.opts.fromBeginning })
    this.running = true
    await this.consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const outcome = await this.handleMessage(topic, partition, message, heartbeat)
        this.counts[outcome] += 1
        this.onOutcome?.(outcome, topic)
      },
    })
  }

  /** Lets the message in flight finish, commits offsets, leaves the group. */
  async stop(): Promise<void> {
    this.stopController.abort()
    if (this.running) await this.consumer.disconnect()
    this.running = false
    await this.dlqProducer.disconnect().catch(() => undefined)
  }

  get isRunning(): boolean {
    return this.running
  }

  get isStopping(): boolean {
    return this.stopController.signal.aborted
  }

  /** After a failed start: drop half-open connections so start() can be tried again. */
  async reset(): Promise<void> {
    this.running = false
    await this.consumer.disconnect().catch(() => undefined)
    await this.dlqProducer.disconnect().catch(() => undefined)
  }

  private async handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    const headers = headersToStrings(message.headers)
    const log = this.log.child({ topic, partition, offset: message.offset, eventId: headers['event-id'] })
    const subscription = this.byTopic.get(topic)
    if (!subscription) return this.deadLetter(topic, partition, message, 'unknown_topic', `no subscription for ${topic}`, log)

    let raw: unknown
    try {
      raw = JSON.parse(message.value?.toString('utf8') ?? '')
    } catch (error) {
      return this.deadLetter(topic, partition, message, 'malformed_json', (error as Error).message, log)
    }
    const validation = validateEvent(subscription.contract, raw)
    if (!validation.ok) return this.deadLetter(topic, partition, message, 'schema_violation', validation.errors.join('; '), log)
    const event = validation.value as Static<TSchema> & { eventId: string }

    for (let attempt = 1; ; attempt++) {
      try {
        const processed = await this.opts.db.$transaction(
          async (tx) => {
            const inserted = await tx.$executeRawUnsafe(
              `INSERT INTO "processed_events" ("consumer", "event_id") VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
              this.opts.groupId,
              event.eventId,
            )
            if (inserted === 0) return false
            await subscription.handle(event, { tx, topic, partition, offset: message.offset, headers, log })
            return true
          },
          { timeout: this.opts.transactionTimeoutMs, maxWait: this.opts.transactionTimeoutMs },
        )
        if (!processed) log.debug('duplicate event skipped')
        return processed ? 'processed' : 'duplicate'
      } catch (error) {
        if (error instanceof PermanentEventError) {
          return this.deadLetter(topic, partition, message, error.reason, error.message, log)
        }
        const infrastructure = isTransientInfrastructureError(error)
        if (!infrastructure && attempt >= this.opts.maxAttempts) {
          return this.deadLetter(topic, partition, message, 'handler_failed', (error as Error).message, log)
        }
        if (this.stopController.signal.aborted) {
          // Leave it uncommitted: the next owner of the partition processes it again.
          throw error
        }
        const delay = backoffDelay(Math.min(attempt, 10), this.opts.retryBaseMs, this.opts.retryMaxMs)
        log.warn({ err: error, attempt, infrastructure, retryInMs: delay }, 'event handling failed; retrying')
        await sleep(delay, this.stopController.signal)
        await heartbeat().catch(() => undefined)
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: string,
    detail: string,
    log: Logger,
  ): Promise<Outcome> {
    log.warn({ reason, detail: detail.slice(0, 500) }, 'event sent to the dead-letter topic')
    await this.dlqProducer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...(message.headers ?? {}),
            'x-dlq-reason': reason,
            'x-dlq-detail': detail.slice(0, 1000),
            'x-original-topic': topic,
            'x-original-partition': String(partition),
            'x-original-offset': message.offset,
            'x-consumer-group': this.opts.groupId,
            'x-failed-at': new Date().toISOString(),
          },
        },
      ],
    })
    return 'dead-lettered'
  }
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first)
  }
  return out
}

/**
 * Errors that say nothing about the message itself: the database is unreachable or busy, or a
 * transaction lost a race. Retrying them is always safe and dead-lettering them would lose data.
 */
export function isTransientInfrastructureError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: string; message?: string; cause?: unknown }
  const code = typeof e?.code === 'string' ? e.code : ''
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true
  // Postgres SQLSTATE: connection exceptions, serialization failure, deadlock, admin shutdown, too many connections.
  if (/^(08...|40001|40P01|57P0[1-3]|53300)$/.test(code)) return true
  // Prisma: can't reach server, timed out, connection closed, pool timeout, transaction API errors.
  if (/^(P1001|P1002|P1008|P1017|P2024|P2028|P2034)$/.test(code)) return true
  if (e?.name === 'DriverAdapterError' || /Connection terminated|connection is closed|timeout exceeded when trying to connect/i.test(e?.message ?? '')) {
    return true
  }
  return e?.cause !== undefined && e.cause !== error ? isTransientInfrastructureError(e.cause) : false
}
