export * from './config.js'
import { migrate } from '@expenses/db'
import {
  createKafka,
  EventConsumer,
  KafkaProbe,
  kafkaSettings,
  OutboxRelay,
  type ConsumerDefinition,
  type KafkaConnectionConfig,
  type SqlExecutor,
  type TransactionalSql,
} from '@expenses/events'
import { backoffDelay, sleep } from '@expenses/retry'
import { registerEventMetrics } from './event-metrics.js'
import type { Registry } from '@expenses/platform'
import {
  createLogger,
  loadConfig,
  runService,
  type BaseConfig,
  type PlatformApp,
  type ReadinessChecks,
  type ShutdownStep,
  type RunningService,
} from '@expenses/platform'
import type { Kafka } from 'kafkajs'
import type { Logger } from 'pino'
import type { Static, TObject } from 'typebox'

/** What every service's config has on top of the base: its database and Kafka. */
export interface ServiceConfigBase extends BaseConfig, KafkaConnectionConfig {
  DATABASE_URL: string
  MIGRATE_ON_START?: boolean
}

/** The database client a service hands to the runtime: its generated PrismaClient (Tx: its transaction client). */
export interface ServiceDb<Tx extends SqlExecutor = SqlExecutor> extends TransactionalSql<Tx> {
  $disconnect(): Promise<void>
}

export interface ServiceContext<C, D> {
  config: C
  logger: Logger
  db: D
  kafka: Kafka
  /** Wakes the outbox relay after a commit that wrote an event. */
  wakeOutbox(): void
  readinessChecks: ReadinessChecks
}

export interface ServiceDefinition<S extends TObject, D extends ServiceDb<Tx>, Tx extends SqlExecutor = SqlExecutor> {
  name: string
  configSchema: S
  /** prisma/migrations of the service, applied at start-up when MIGRATE_ON_START is true. */
  migrationsDir: string
  createDb(config: Static<S>): D
  buildApp(ctx: ServiceContext<Static<S>, D>): Promise<PlatformApp>
  /** Consumer groups this service runs; `registry` is the app's metrics registry, for the handlers' own metrics. */
  consumers?(ctx: ServiceContext<Static<S>, D> & { registry: Registry }): ConsumerDefinition<Tx>[]
  /** Extra shutdown steps, run after consumers and relay stop and before the database closes. */
  onShutdown?: ShutdownStep[]
}

export interface StartedService<C, D, Tx extends SqlExecutor = SqlExecutor> extends ServiceContext<C, D> {
  running: RunningService
  relay: OutboxRelay
  consumers: EventConsumer<Tx>[]
}

/**
 * Starts a service process the same way for every service:
 * config (validated, one clear line on error) -> logger -> migrations (when asked) -> database and
 * Kafka clients -> HTTP app with /readyz checking both -> listen -> outbox relay and consumers.
 * On SIGTERM: stop taking requests and drain them, then stop consumers (in-flight messages finish and
 * offsets commit), stop the relay, close Kafka and the database.
 */
export async function startService<S extends TObject, D extends ServiceDb<Tx>, Tx extends SqlExecutor = SqlExecutor>(
  definition: ServiceDefinition<S, D, Tx>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartedService<Static<S>, D, Tx>> {
  const config = loadConfig(definition.configSchema, env) as Static<S> & ServiceConfigBase
  const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL })

  if (config.MIGRATE_ON_START) {
    const result = await migrate({ databaseUrl: config.DATABASE_URL, migrationsDir: definition.migrationsDir, logger })
    logger.info({ applied: result.applied.length, alreadyApplied: result.alreadyApplied.length }, 'database migrated')
  }

  const db = definition.createDb(config)
  const kafka = createKafka(kafkaSettings(config, definition.name), logger)
  const probe = new KafkaProbe(kafka)
  const relay = new OutboxRelay({ connectionString: config.DATABASE_URL, kafka, logger, name: definition.name })
  const readinessChecks: ReadinessChecks = {
    database: () => db.$queryRawUnsafe('SELECT 1'),
    kafka: () => probe.check(),
  }
  const ctx: ServiceContext<Static<S>, D> = { config, logger, db, kafka, wakeOutbox: () => relay.wake(), readinessChecks }
  const app = await definition.buildApp(ctx)
  const definitions = definition.consumers?.({ ...ctx, registry: app.metrics.registry }) ?? []
  const consumers = definitions.map((options) => new EventConsumer<Tx>({ ...options, kafka, db, logger }))
  const eventMetrics = registerEventMetrics({
    registry: app.metrics.registry,
    db,
    kafka,
    logger,
    consumers: definitions.map((d, i) => ({
      groupId: d.groupId,
      topics: [...new Set(d.subscriptions.map((s) => s.contract.topic.name))],
      consumer: consumers[i]!,
    })),
  })

  const running = await runService({
    app,
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: [
      ...consumers.map((c, i) => ({ name: `kafka consumer ${i + 1}`, fn: () => c.stop() })),
      { name: 'outbox relay', fn: () => relay.stop() },
      ...(definition.onShutdown ?? []),
      { name: 'kafka probe', fn: () => probe.close() },
      { name: 'event metrics', fn: () => eventMetrics.close() },
      { name: 'database pool', fn: () => db.$disconnect() },
    ],
  })
  relay.start()
  // Consumers start in the background: a broker that is still starting must not block the HTTP side.
  for (const consumer of consumers) void startWithRetry(consumer, logger)
  logger.info({ address: running.address }, `${definition.name} started`)
  return { ...ctx, running, relay, consumers }
}

/** Keeps trying to join the consumer group until it works or the service stops. */
async function startWithRetry(consumer: Pick<EventConsumer, 'start' | 'reset' | 'isStopping'>, logger: Logger): Promise<void> {
  for (let attempt = 1; !consumer.isStopping; attempt++) {
    try {
      await consumer.start()
      return
    } catch (err) {
      const delay = backoffDelay(attempt, 500, 10_000)
      logger[attempt === 1 ? 'warn' : 'debug']({ err, attempt, retryInMs: delay }, 'kafka consumer could not start; retrying')
      await consumer.reset()
      await sleep(delay)
    }
  }
}
