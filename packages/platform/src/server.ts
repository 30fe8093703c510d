import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'

export interface ShutdownStep {
  /** For the logs: "kafka consumer", "outbox relay", "database pool". */
  name: string
  fn: () => unknown
}

export interface RunServiceOptions {
  app: FastifyInstance
  port: number
  host?: string
  /** The whole shutdown must finish within this, else the process exits 1. Default 10000. */
  shutdownTimeoutMs?: number
  /**
   * Wait this long after marking not-ready before closing the listener, so load balancers notice /readyz
   * failing and stop sending traffic first. Default 0 (Kubernetes setups can use a preStop sleep instead).
   */
  drainDelayMs?: number
  /** Run in order after HTTP has drained: stop consumers, stop the outbox relay, close DB pools. */
  onShutdown?: ShutdownStep[]
}

export interface RunningService {
  address: string
  /** Shuts down as on SIGTERM (then exits the process). */
  close(): void
}

/**
 * Starts listening and installs graceful shutdown on SIGTERM/SIGINT (and on uncaught errors, exiting 1):
 * mark not-ready -> stop accepting connections and drain in-flight requests (app.close) -> run `onShutdown`
 * steps in order -> exit 0. If it all takes longer than `shutdownTimeoutMs`, exit 1.
 * A failing step is logged and the remaining steps still run (each releases its own resources), but the
 * exit code becomes 1.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { app } = options
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000
  const log = app.log

  const grace = closeWithGrace(
    {
      delay: timeoutMs,
      logger: { error: (message: unknown) => log.error(message) },
      onTimeout: (delay) => log.error({ timeoutMs: delay }, 'shutdown timed out, exiting with code 1'),
      onSecondSignal: (signal) => log.error({ signal }, 'second signal during shutdown, exiting with code 1'),
    },
    async ({ signal, err, manual }) => {
      if (err) log.fatal({ err }, 'fatal error, shutting down')
      else log.info({ signal: signal ?? (manual ? 'manual' : 'exit') }, 'shutting down')

      app.lifecycle?.beginShutdown()
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs))
      await app.close()
      log.info('http server closed, in-flight requests drained')

      let failed = false
      for (const step of options.onShutdown ?? []) {
        const started = Date.now()
        try {
          await step.fn()
          log.info({ step: step.name, ms: Date.now() - started }, `shutdown step done: ${step.name}`)
        } catch (stepErr) {
          failed = true
          log.error({ err: stepErr, step: step.name }, `shutdown step failed: ${step.name}`)
        }
      }
      log.info('shutdown complete')
      await flushLogs(log)
      // close-with-grace exits 0 when this resolves; a rejection makes it exit 1.
      // (After an uncaught error it exits 1 by itself.)
      if (failed) throw new Error('one or more shutdown steps failed')
    },
  )

  try {
    const address = await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' })
    return { address, close: () => grace.close() }
  } catch (listenErr) {
    grace.uninstall()
    throw listenErr
  }
}

/**
 * pino writes asynchronously; close-with-grace calls process.exit right after we return, which can drop or
 * reorder the last lines (a write still in flight vs the synchronous flush on exit). Wait for them.
 */
function flushLogs(log: FastifyInstance['log']): Promise<void> {
  const flush = (log as { flush?: (cb?: (err?: Error) => void) => void }).flush
  if (typeof flush !== 'function') return Promise.resolve()
  return new Promise((resolve) => flush.call(log, () => resolve()))
}
