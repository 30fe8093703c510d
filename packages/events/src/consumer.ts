import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs'
import type { Logger } from 'pino'
import type { Static, TSchema } from 'typebox'
import { backoffDelay, sleep } from '@expenses/retry'
import { validateEvent, type EventContract } from './contracts/define.js'
import { OutboxBuffer, type PublishEvent } from './outbox.js'
import type { SqlExecutor, TransactionalSql } from './sql.js'
import { deadLetterTopic } from './topics.js'

/** Throw from a handler when a message can never succeed (it goes to the dead-letter topic at once). */
export class PermanentEventError extends Error {
  constructor(
    message: string,
    readonly reason = 'rejected_by_handler',
  ) {
    super(message)
    this.name = 'PermanentEventError'
  }
}

export interface HandlerContext<Tx extends SqlExecutor = SqlExecutor> {
  /** The consumer's database transaction: the handler's writes commit together with the inbox entry. */
  tx: Tx
  topic: string
  partition: number
  offset: string
  headers: Record<string, string>
  log: Logger
  /** Queues an event for the outbox; the consumer writes a chunk's events in one statement before it commits. */
  publish: PublishEvent
  /** Runs `fn` once this transaction has committed, never if it rolls back (for metrics: a retry is not counted twice). */
  afterCommit(fn: () => void): void
}

/** One fresh (not yet processed) event of a chunk, with where it came from. */
export interface BatchItem<E> {
  event: E
  offset: string
  headers: Record<string, string>
}

export interface BatchContext<Tx extends SqlExecutor = SqlExecutor> {
  tx: Tx
  topic: string
  partition: number
  log: Logger
  publish: PublishEvent
  /** As HandlerContext's: after the chunk's transaction commits. */
  afterCommit(fn: () => void): void
}

export interface Subscription<Tx extends SqlExecutor = SqlExecutor, E = unknown> {
  contract: EventContract<TSchema>
  handle(event: E, ctx: HandlerContext<Tx>): Promise<void>
  /**
   * Optional bulk path for a chunk of fresh events of one partition, in offset order, in one
   * transaction. It must leave the same state as `handle` called on each in turn. If it throws, the
   * chunk rolls back and its events are retried one by one through `handle`, which isolates a poison
   * event without failing its neighbours.
   */
  handleBatch?(items: BatchItem<E>[], ctx: BatchContext<Tx>): Promise<void>
}

/** Types a subscription's handlers by its contract (the list of subscriptions is heterogeneous). */
export function subscribe<S extends TSchema, Tx extends SqlExecutor = SqlExecutor>(
  contract: EventContract<S>,
  handle: (event: Static<S>, ctx: HandlerContext<Tx>) => Promise<void>,
  options: { handleBatch?: (items: BatchItem<Static<S>>[], ctx: BatchContext<Tx>) => Promise<void> } = {},
  // The event type is erased to `any` only in the list; each handler above is checked against its contract.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Subscription<Tx, any> {
  // EventContract<S> is invariant in S (its decoder returns Static<S>), so widening it to the list's
  // EventContract<TSchema> takes a cast; the handler was checked against S in this signature.
  return { contract: contract as unknown as EventContract<TSchema>, handle, handleBatch: options.handleBatch }
}

/** A consumer group as a service declares it; the runtime adds Kafka, the database and the logger. */
export interface ConsumerDefinition<Tx extends SqlExecutor = SqlExecutor> {
  /** Consumer group id; also the inbox's consumer name. */
  groupId: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  subscriptions: Subscription<Tx, any>[]
  /** Attempts for an ordinary handler error before the message is dead-lettered. */
  maxAttempts?: number
  retryBaseMs?: number
  retryMaxMs?: number
  /** Start from the earliest offset when the group has none (default true: never skip events). */
  fromBeginning?: boolean
  /** Interactive transaction timeout for one chunk. */
  transactionTimeoutMs?: number
  sessionTimeoutMs?: number
  /** Most events handled in one database transaction. */
  chunkSize?: number
  /** Partitions this consumer works on at once, each in its own transaction (mind the pool size). */
  partitionsConsumedConcurrently?: number
}

export interface EventConsumerOptions<Tx extends SqlExecutor = SqlExecutor> extends ConsumerDefinition<Tx> {
  kafka: Kafka
  db: TransactionalSql<Tx>
  logger: Logger
}

export type Outcome = 'processed' | 'duplicate' | 'dead-lettered'

interface Item {
  message: KafkaMessage
  event: { eventId: string }
  headers: Record<string, string>
}

/** A non-transient failure of one event's handler inside a chunk, with its position in the chunk. */
class ItemFailure extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause))
  }
}

type Decoded = { ok: true; item: Item } | { ok: false; reason: string; detail: string }

/**
 * At-least-once Kafka consumer with an idempotent inbox and a dead-letter topic, working in batches.
 *
 * - Kafka batches are cut into chunks of up to `chunkSize` events; each chunk is one database
 *   transaction that inserts the chunk's (consumer, eventId) rows into processed_events in one
 *   statement, runs the handlers on the events that were not there yet (a redelivered event finds its
 *   row and is skipped, so redelivery never duplicates), and writes the events they publish to the
 *   outbox in one statement. Partitions are worked on concurrently; within one, order is kept.
 * - Bad JSON and contract violations can never succeed: they go to `<topic>.dlq` at once.
 * - A handler error inside a chunk rolls it back; the events before the failing one are committed as
 *   a chunk again, the failing one is retried alone with backoff up to maxAttempts and then
 *   dead-lettered, and the rest continue. One poison message never stalls its partition nor fails
 *   its neighbours.
 * - Infrastructure errors (database unreachable, serialization conflicts) are retried without limit,
 *   because the messages are fine and dead-lettering them would lose data; the consumer keeps
 *   heart-beating.
 * - An offset is resolved only after the transaction holding its event committed (or the event was
 *   dead-lettered), and committed by kafkajs after that.
 */
export class EventConsumer<Tx extends SqlExecutor = SqlExecutor> {
  private consumer: Consumer
  private dlqProducer: Producer
  private readonly log: Logger
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly byTopic: Map<string, Subscription<Tx, any>>
  private readonly stopController = new AbortController()
  private readonly opts: Required<
    Pick<
      ConsumerDefinition,
      'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'fromBeginning' | 'transactionTimeoutMs' | 'chunkSize' | 'partitionsConsumedConcurrently'
    >
  > &
    EventConsumerOptions<Tx>
  private running = false
  private restarting = false
  /** Crashes kafkajs would not restart after, and how many of them this consumer recovered from. */
  crashes = 0
  restarts = 0
  /** Counters by outcome, for metrics and tests. */
  readonly counts: Record<Outcome, number> = { processed: 0, duplicate: 0, 'dead-lettered': 0 }
  /** Database transactions committed (chunks), for metrics and tests. */
  transactions = 0
  /** Optional hook for metrics. */
  onOutcome?: (outcome: Outcome, topic: string, count: number) => void

  constructor(options: EventConsumerOptions<Tx>) {
    this.opts = {
      maxAttempts: 5,
      retryBaseMs: 200,
      retryMaxMs: 5000,
      fromBeginning: true,
      transactionTimeoutMs: 15_000,
      chunkSize: 200,
      partitionsConsumedConcurrently: 3,
      ...options,
    }
    this.log = options.logger.child({ component: 'event-consumer', groupId: options.groupId })
    this.byTopic = new Map(options.subscriptions.map((s) => [s.contract.topic.name, s]))
    this.consumer = this.createConsumer()
    this.dlqProducer = this.createDlqProducer()
  }

  private createConsumer(): Consumer {
    const consumer = this.opts.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    })
    // kafkajs restarts itself only after retriable errors. After a non-retriable one (for example
    // KafkaJSGroupCoordinatorNotFound while a restarted broker is still loading its group metadata) it
    // disconnects and stays stopped, with the process alive and nothing consumed: a silent outage.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || consumer !== this.consumer || this.isStopping) return
      this.log.error({ err: payload.error }, 'kafka consumer crashed and kafkajs will not restart it; starting a new one')
      this.crashes += 1
      if (!this.restarting) void this.restartAfterCrash()
    })
    return consumer
  }

  private createDlqProducer(): Producer {
    return this.opts.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 })
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect()
    await this.runConsumer()
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect()
    await this.consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: this.opts.fromBeginning })
    this.running = true
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    })
  }

  /** Replaces a crashed kafkajs consumer with a new one, with backoff, until one runs or the service stops. */
  private async restartAfterCrash(): Promise<void> {
    this.restarting = true
    try {
      for (let attempt = 1; !this.isStopping; attempt++) {
        const crashesBefore = this.crashes
        await sleep(backoffDelay(attempt, 500, this.opts.retryMaxMs), this.stopController.signal)
        if (this.isStopping) return
        this.running = false
        await this.consumer.disconnect().catch(() => undefined)
        this.consumer = this.createConsumer()
        try {
          await this.runConsumer()
        } catch (error) {
          this.log.warn({ err: error, attempt }, 'kafka consumer could not be restarted yet; retrying')
          continue
        }
        // run() reports a failed join through another CRASH event rather than by throwing.
        if (this.crashes === crashesBefore) {
          this.restarts += 1
          this.log.info({ attempt }, 'kafka consumer restarted after a crash')
          return
        }
      }
    } finally {
      this.restarting = false
    }
  }

  /** Lets the chunk in flight finish, commits offsets, leaves the group. */
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

  private record(outcome: Outcome, topic: string, count = 1): void {
    if (count === 0) return
    this.counts[outcome] += count
    this.onOutcome?.(outcome, topic, count)
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch
    const subscription = this.byTopic.get(topic)
    const keepGoing = () => isRunning() && !isStale() && !this.stopController.signal.aborted
    let chunk: Item[] = []
    const flush = async () => {
      if (chunk.length === 0) return
      const items = chunk
      chunk = []
      // subscription is defined whenever a chunk has items (decode dead-letters unknown topics).
      await this.processChunk(subscription!, topic, partition, items, heartbeat)
      resolveOffset(items[items.length - 1]!.message.offset)
      await heartbeat()
    }
    for (const message of batch.messages) {
      if (!keepGoing()) break
      const decoded = this.decode(subscription, topic, message)
      if (!decoded.ok) {
        // Earlier events first, so resolved offsets only ever move forward over committed work.
        await flush()
        await this.deadLetter(topic, partition, message, decoded.reason, decoded.detail)
        resolveOffset(message.offset)
        continue
      }
      chunk.push(decoded.item)
      if (chunk.length >= this.opts.chunkSize) await flush()
    }
    // When stopping mid-batch, the unflushed events stay unresolved and are delivered again.
    if (keepGoing()) await flush()
    await commitOffsetsIfNecessary()
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private decode(subscription: Subscription<Tx, any> | undefined, topic: string, message: KafkaMessage): Decoded {
    if (!subscription) return { ok: false, reason: 'unknown_topic', detail: `no subscription for ${topic}` }
    let raw: unknown
    try {
      raw = JSON.parse(message.value?.toString('utf8') ?? '')
    } catch (error) {
      return { ok: false, reason: 'malformed_json', detail: (error as Error).message }
    }
    const validation = validateEvent(subscription.contract, raw)
    if (!validation.ok) return { ok: false, reason: 'schema_violation', detail: validation.errors.join('; ') }
    return { ok: true, item: { message, event: validation.value as { eventId: string }, headers: headersToStrings(message.headers) } }
  }

  /** One chunk, retried on infrastructure errors; a failing event is split off and handled alone. */
  private async processChunk(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    subscription: Subscription<Tx, any>,
    topic: string,
    partition: number,
    items: Item[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    if (items.length === 1) return this.processOne(subscription, topic, partition, items[0]!, heartbeat, 1)
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runTransaction(subscription, topic, partition, items, true)
        return
      } catch (error) {
        if (error instanceof ItemFailure) {
          const failing = items[error.index]!
          await this.processChunk(subscription, topic, partition, items.slice(0, error.index), heartbeat)
          if (error.cause instanceof PermanentEventError) {
            await this.deadLetter(topic, partition, failing.message, error.cause.reason, error.cause.message)
          } else {
            // The chunk's try was this event's first attempt.
            await this.processOne(subscription, topic, partition, failing, heartbeat, 2, error.cause)
          }
          await this.processChunk(subscription, topic, partition, items.slice(error.index + 1), heartbeat)
          return
        }
        if (!isTransientInfrastructureError(error)) {
          // The batch handler failed and cannot say on which event: isolate it by going one by one.
          this.log.warn({ err: error, topic, partition, events: items.length }, 'batch handler failed; handling the chunk one event at a time')
          for (const item of items) await this.processOne(subscription, topic, partition, item, heartbeat, 1)
          return
        }
        await this.backoff(error, attempt, true, heartbeat, { topic, partition, events: items.length })
      }
    }
  }

  /** One event in its own transaction, with bounded retries for handler errors. */
  private async processOne(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    subscription: Subscription<Tx, any>,
    topic: string,
    partition: number,
    item: Item,
    heartbeat: () => Promise<void>,
    firstAttempt: number,
    previousError?: unknown,
  ): Promise<void> {
    let lastError = previousError
    for (let attempt = firstAttempt; ; attempt++) {
      if (attempt > this.opts.maxAttempts && !isTransientInfrastructureError(lastError)) {
        await this.deadLetter(topic, partition, item.message, 'handler_failed', (lastError as Error)?.message ?? String(lastError))
        return
      }
      try {
        await this.runTransaction(subscription, topic, partition, [item], false)
        return
      } catch (caught) {
        const error = caught instanceof ItemFailure ? caught.cause : caught
        if (error instanceof PermanentEventError) {
          await this.deadLetter(topic, partition, item.message, error.reason, error.message)
          return
        }
        lastError = error
        const infrastructure = isTransientInfrastructureError(error)
        if (!infrastructure && attempt >= this.opts.maxAttempts) continue // dead-lettered at the top of the loop
        await this.backoff(error, attempt, infrastructure, heartbeat, { topic, partition, offset: item.message.offset, eventId: item.event.eventId })
      }
    }
  }

  private async backoff(
    error: unknown,
    attempt: number,
    infrastructure: boolean,
    heartbeat: () => Promise<void>,
    where: Record<string, unknown>,
  ): Promise<void> {
    if (this.stopController.signal.aborted) {
      // Leave it unresolved: the next owner of the partition processes it again.
      throw error
    }
    const delay = backoffDelay(Math.min(attempt, 10), this.opts.retryBaseMs, this.opts.retryMaxMs)
    this.log.warn({ err: error, attempt, infrastructure, retryInMs: delay, ...where }, 'event handling failed; retrying')
    await sleep(delay, this.stopController.signal)
    await heartbeat().catch(() => undefined)
  }

  /**
   * The transaction for a chunk: bulk inbox insert, handlers on the fresh events, bulk outbox write.
   * Throws ItemFailure for a non-transient error of one event's `handle`.
   */
  private async runTransaction(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    subscription: Subscription<Tx, any>,
    topic: string,
    partition: number,
    items: Item[],
    allowBatchHandler: boolean,
  ): Promise<void> {
    // Filled by the handlers of this attempt only: a rolled-back chunk's callbacks are dropped with it.
    const committed: (() => void)[] = []
    const afterCommit = (fn: () => void) => void committed.push(fn)
    const result = await this.opts.db.$transaction(
      async (tx) => {
        const inserted = await tx.$queryRawUnsafe<{ event_id: string }[]>(
          `INSERT INTO "processed_events" ("consumer", "event_id")
           SELECT $1, e FROM unnest($2::uuid[]) AS e
           ON CONFLICT DO NOTHING RETURNING "event_id"::text AS event_id`,
          this.opts.groupId,
          items.map((i) => i.event.eventId),
        )
        const fresh = new Set(inserted.map((r) => r.event_id))
        // The first delivery of each new event id; later copies in the same chunk are duplicates too.
        const todo = items.filter((i) => fresh.delete(i.event.eventId.toLowerCase()))
        const outbox = new OutboxBuffer()
        const publish = outbox.publish
        if (allowBatchHandler && subscription.handleBatch && todo.length > 1) {
          const log = this.log.child({ topic, partition, events: todo.length })
          await subscription.handleBatch(
            todo.map((i) => ({ event: i.event, offset: i.message.offset, headers: i.headers })),
            { tx, topic, partition, log, publish, afterCommit },
          )
        } else {
          for (const item of todo) {
            const offset = item.message.offset
            const log = this.log.child({ topic, partition, offset, eventId: item.event.eventId })
            try {
              await subscription.handle(item.event, { tx, topic, partition, offset, headers: item.headers, log, publish, afterCommit })
            } catch (error) {
              throw isTransientInfrastructureError(error) ? error : new ItemFailure(items.indexOf(item), error)
            }
          }
        }
        await outbox.write(tx)
        return { processed: todo.length, duplicates: items.length - todo.length }
      },
      { timeout: this.opts.transactionTimeoutMs, maxWait: this.opts.transactionTimeoutMs },
    )
    this.transactions += 1
    for (const fn of committed) {
      try {
        fn()
      } catch (error) {
        this.log.warn({ err: error, topic, partition }, 'an after-commit callback failed (the chunk is committed)')
      }
    }
    if (result.duplicates > 0) this.log.debug({ topic, partition, duplicates: result.duplicates }, 'duplicate events skipped')
    this.record('processed', topic, result.processed)
    this.record('duplicate', topic, result.duplicates)
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, detail: string): Promise<void> {
    const eventId = headersToStrings(message.headers)['event-id']
    this.log.warn({ topic, partition, offset: message.offset, eventId, reason, detail: detail.slice(0, 500) }, 'event sent to the dead-letter topic')
    try {
      await this.sendToDeadLetterTopic(topic, partition, message, reason, detail)
    } catch (error) {
      // A fresh producer (and producer id) for the next try: an idempotent producer whose sequence
      // broke across a broker restart keeps failing otherwise. The offset stays unresolved.
      const broken = this.dlqProducer
      this.dlqProducer = this.createDlqProducer()
      await broken.disconnect().catch(() => undefined)
      await this.dlqProducer.connect().catch(() => undefined)
      throw error
    }
    this.record('dead-lettered', topic)
  }

  private async sendToDeadLetterTopic(topic: string, partition: number, message: KafkaMessage, reason: string, detail: string): Promise<void> {
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
