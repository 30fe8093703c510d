import { hostname } from 'node:os'
import { pino } from 'pino'
import type { DestinationStream, Logger, LoggerOptions as PinoOptions } from 'pino'
import pinoPretty from 'pino-pretty'
import { censor, HEADER_REDACT_PATHS, redactDeep } from './redact.js'

export type { Logger } from 'pino'

export interface LoggerOptions {
  /** Added to every line as `service`, so aggregated logs can be filtered per service. */
  service: string
  level?: string
  /**
   * Human-readable output. Default: LOG_PRETTY=true forces it on, LOG_PRETTY=false off, otherwise on only
   * when stdout is a TTY (a terminal), so containers and CI always emit JSON.
   */
  pretty?: boolean
  /** Where lines go (default stdout). Tests pass a stream to capture output. */
  destination?: DestinationStream
  /** Extra exact keys to redact, in addition to those matching SECRET_KEY_PATTERN. */
  redactKeys?: string[]
}

export function shouldPrettyPrint(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
  if (env.LOG_PRETTY === 'true') return true
  if (env.LOG_PRETTY === 'false') return false
  return isTTY
}

export function loggerOptions(options: LoggerOptions): PinoOptions {
  const extraKeys = options.redactKeys?.length ? new Set(options.redactKeys) : undefined
  return {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    // Exact paths into serializer output; nested secrets in logged objects are handled by formatters below.
    redact: { paths: HEADER_REDACT_PATHS, censor },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      // Numeric levels are pino's default; a label is what log backends and people search for.
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object, extraKeys) as Record<string, unknown>,
    },
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (options.destination ? false : shouldPrettyPrint())
  // pino-pretty as an in-process stream (not a worker transport) so it works the same under tsx and in tests.
  // Synchronous stdout: lines stay in order and none are lost when the process exits right after logging
  // (shutdown). Observed with pino's default async writer on a busy pipe: a retried chunk landing after
  // later lines.
  const destination = pretty
    ? pinoPretty({ destination: options.destination ?? 1, sync: true, colorize: !options.destination })
    : (options.destination ?? pino.destination({ dest: 1, sync: true }))
  const logger = pino(loggerOptions(options), destination)
  return redactChildBindings(logger, options.redactKeys)
}

/**
 * pino's `formatters.bindings` only applies to the root logger, so `log.child({ token })` would bypass
 * redaction. Children inherit from their parent's prototype, so wrapping `child` once covers every level.
 */
function redactChildBindings(logger: Logger, redactKeys?: string[]): Logger {
  const extraKeys = redactKeys?.length ? new Set(redactKeys) : undefined
  const child = logger.child
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactDeep(bindings, extraKeys) as typeof bindings, childOptions)
  } as typeof logger.child
  return logger
}
