import fp from 'fastify-plugin'
import { Type } from 'typebox'

/** Resolves (any value) when the dependency is usable; throws or rejects when it is not. */
export type ReadinessCheck = () => unknown
export type ReadinessChecks = Record<string, ReadinessCheck>

export interface Lifecycle {
  /** True once shutdown has begun: /healthz and /readyz answer 503 from then on. */
  readonly shuttingDown: boolean
  beginShutdown(): void
}

export interface Readiness {
  /** Adds a check after the app is built (e.g. once a Kafka consumer exists). Names must be unique. */
  add(name: string, check: ReadinessCheck): void
  /** Runs all checks now. */
  run(): Promise<{ ready: boolean; checks: Record<string, string> }>
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle
    readiness: Readiness
  }
}

export interface HealthPluginOptions {
  checks?: ReadinessChecks
  /** Per-check time limit; a check that takes longer counts as failed. Default 2000 ms. */
  checkTimeoutMs?: number
}

const HealthSchema = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('shutting_down')]) })
const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unready')]),
  checks: Type.Record(Type.String(), Type.String(), { description: "'ok' or the failure message, per check" }),
})

async function runWithTimeout(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([Promise.resolve().then(check), timeout])
    return 'ok'
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return message.trim() === '' || message === 'ok' ? 'failed' : message
  } finally {
    clearTimeout(timer)
  }
}

export const healthPlugin = fp<HealthPluginOptions>(
  async function health(app, options) {
    const timeoutMs = options.checkTimeoutMs ?? 2000
    const checks = new Map<string, ReadinessCheck>(Object.entries(options.checks ?? {}))
    let shuttingDown = false

    app.decorate('lifecycle', {
      get shuttingDown() {
        return shuttingDown
      },
      beginShutdown() {
        shuttingDown = true
      },
    })
    app.decorate('readiness', {
      add(name: string, check: ReadinessCheck) {
        if (checks.has(name)) throw new Error(`readiness check "${name}" is already registered`)
        checks.set(name, check)
      },
      async run() {
        const entries = await Promise.all([...checks].map(async ([name, check]) => [name, await runWithTimeout(check, timeoutMs)] as const))
        return { ready: entries.every(([, result]) => result === 'ok'), checks: Object.fromEntries(entries) }
      },
    })
    // However the app gets closed (runService, tests, a fatal error), probes must start failing first.
    app.addHook('preClose', async () => {
      shuttingDown = true
    })
    // server.close() only drops connections idle at the moment it is called; a keep-alive connection whose
    // in-flight request finishes later would stay open (Fastify's keepAliveTimeout is 72 s) and stall
    // shutdown. Asking the client to close makes Node end the socket right after the response.
    app.addHook('onSend', async (_request, reply) => {
      if (shuttingDown) reply.header('connection', 'close')
    })

    const probe = { config: { metrics: false }, logLevel: 'warn' as const }

    app.get('/healthz', { ...probe, schema: { hide: true, response: { 200: HealthSchema, 503: HealthSchema } } }, async (_request, reply) =>
      shuttingDown ? reply.code(503).send({ status: 'shutting_down' as const }) : { status: 'ok' as const },
    )

    app.get('/readyz', { ...probe, schema: { hide: true, response: { 200: ReadySchema, 503: ReadySchema } } }, async (request, reply) => {
      if (shuttingDown) return reply.code(503).send({ status: 'unready' as const, checks: { shutdown: 'shutting down' } })
      const result = await app.readiness.run()
      if (!result.ready) {
        request.log.warn({ checks: result.checks }, 'readiness check failed')
        return reply.code(503).send({ status: 'unready' as const, checks: result.checks })
      }
      return { status: 'ready' as const, checks: result.checks }
    })
  },
  { name: '@expenses/platform/health' },
)
