import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs'
import type { Logger } from 'pino'
import Type from 'typebox'

/**
 * The module that constructs the services' Kafka clients, so the client library can be swapped in one
 * place. (Test helpers and the local infrastructure scripts make their own short-lived admin clients,
 * from the same connection settings below.)
 */
export interface KafkaSettings {
  brokers: string[]
  clientId: string
  ssl?: boolean
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  /** Connection and request timeouts, ms. */
  connectionTimeout?: number
  requestTimeout?: number
}

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const

/**
 * The Kafka connection variables, as config-schema fields: services spread them into their config
 * (packages/runtime's serviceStorageConfig), so they are validated and described like every other
 * setting, and the infrastructure scripts load the same fields.
 */
export const kafkaConnectionConfig = {
  KAFKA_BROKERS: Type.String({ minLength: 1, pattern: '^\\s*[^\\s,]+(\\s*,\\s*[^\\s,]+)*\\s*$', description: 'Comma-separated host:port list' }),
  KAFKA_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Kafka client id; default: the service name' })),
  KAFKA_SSL: Type.Boolean({ default: false, description: 'TLS to the brokers' }),
  KAFKA_SASL_MECHANISM: Type.Optional(
    Type.Union(
      SASL_MECHANISMS.flatMap((m) => [Type.Literal(m), Type.Literal(m.toUpperCase())]),
      { description: 'plain, scram-sha-256 or scram-sha-512; unset = no SASL' },
    ),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(Type.String({ minLength: 1, description: 'SASL user (with KAFKA_SASL_MECHANISM)' })),
  KAFKA_SASL_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: 'SASL password (with KAFKA_SASL_MECHANISM); never logged' })),
}

/** The loaded values of kafkaConnectionConfig. */
export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string
  KAFKA_CLIENT_ID?: string
  KAFKA_SSL: boolean
  KAFKA_SASL_MECHANISM?: string
  KAFKA_SASL_USERNAME?: string
  KAFKA_SASL_PASSWORD?: string
}

/** Client settings from loaded, schema-checked config; the one rule a schema cannot say is checked here. */
export function kafkaSettings(config: KafkaConnectionConfig, defaultClientId: string): KafkaSettings {
  const brokers = config.KAFKA_BROKERS.split(',')
    .map((b) => b.trim())
    .filter(Boolean)
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is required: set it to a comma-separated list of host:port')
  const settings: KafkaSettings = { brokers, clientId: config.KAFKA_CLIENT_ID || defaultClientId, ssl: config.KAFKA_SSL }
  const mechanism = config.KAFKA_SASL_MECHANISM?.toLowerCase()
  if (mechanism) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512 (got "${mechanism}")`)
    }
    if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD) {
      throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set')
    }
    settings.sasl = { mechanism: mechanism as (typeof SASL_MECHANISMS)[number], username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD }
  }
  return settings
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
  [logLevel.NOTHING]: 'debug',
}

/** Routes kafkajs' own log lines into our pino logger (JSON, with the service name). */
function pinoLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: 'kafkajs' })
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log
      // kafkajs logs every retriable broker error at ERROR while it is still retrying; these are
      // surfaced by our own code when they matter, so keep kafkajs' chatter one level lower.
      const name = levelNames[level] ?? 'info'
      const demoted = name === 'error' ? 'warn' : name === 'info' ? 'debug' : name
      kafkaLogger[demoted](extra, String(message))
    }
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl ?? false,
    connectionTimeout: settings.connectionTimeout ?? 3000,
    requestTimeout: settings.requestTimeout ?? 30000,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(logger),
    retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 5000 },
  }
  if (settings.sasl) config.sasl = settings.sasl as SASLOptions
  return new Kafka(config)
}

/**
 * Readiness probe for Kafka: one long-lived admin connection, so /readyz polls do not open a new
 * connection every few seconds. Resolves when a broker answers a metadata request in time.
 */
export class KafkaProbe {
  private readonly admin: Admin
  private connected = false

  constructor(
    kafka: Kafka,
    private readonly timeoutMs = 2000,
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } })
    this.admin.on(this.admin.events.DISCONNECT, () => {
      this.connected = false
    })
  }

  async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        (async () => {
          if (!this.connected) {
            await this.admin.connect()
            this.connected = true
          }
          await this.admin.describeCluster()
        })(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${this.timeoutMs} ms`)), this.timeoutMs)
        }),
      ])
    } catch (error) {
      // Start from a clean connection next time.
      this.connected = false
      await this.admin.disconnect().catch(() => undefined)
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined)
  }
}
