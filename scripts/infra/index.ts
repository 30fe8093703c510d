/**
 * Programmatic entry to the local infrastructure (Postgres + Kafka), used by the CLI, the root
 * test runner and the start script. See docs/local-infrastructure.md.
 */
import fs from 'node:fs'
import path from 'node:path'
import { READY_TIMEOUT_MS, infraPaths, infraPorts, repoRoot, type InfraPaths } from './config.js'
import { ensureKafka, kafkaStatus, stopKafka } from './kafka.js'
import { withLock } from './lock.js'
import { ensurePostgres, postgresStatus, stopPostgres } from './postgres.js'

export { InfraError, errorMessage } from './errors.js'

export interface InfraOptions {
  /** Folder that gets .local/ (data, pid files, logs). Default: the repository root. */
  readonly root?: string
  /** Folder that gets .cache/ (Kafka jars). Default: the repository root. */
  readonly cacheRoot?: string
  /** Environment to read settings from. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv
}

export interface InfraHandle {
  /** Variables for services and tests: *_DATABASE_URL, POSTGRES_ADMIN_URL, KAFKA_BROKERS. */
  readonly env: Record<string, string>
  /** Which servers this call started (false when reused or configured externally). */
  readonly started: { readonly postgres: boolean; readonly kafka: boolean }
}

function resolve(opts: InfraOptions): { paths: InfraPaths; env: NodeJS.ProcessEnv } {
  return { paths: infraPaths(opts.root ?? repoRoot, opts.cacheRoot ?? repoRoot), env: opts.env ?? process.env }
}

/**
 * Makes Postgres and Kafka available and returns their connection settings. Idempotent: servers
 * already running from this checkout are reused. On failure, whatever this call started is stopped.
 */
export async function ensureInfra(opts: InfraOptions = {}): Promise<InfraHandle> {
  const { paths, env } = resolve(opts)
  const ports = infraPorts(env)
  fs.mkdirSync(paths.localDir, { recursive: true })
  return withLock(path.join(paths.localDir, 'infra.lock'), READY_TIMEOUT_MS * 2, async () => {
    // Both start in parallel: Kafka's JVM takes a few seconds, Postgres is quick.
    const [pg, kafka] = await Promise.allSettled([ensurePostgres(paths, ports.postgres, env), ensureKafka(paths, ports.kafka, ports.kafkaController, env)])
    if (pg.status === 'rejected' || kafka.status === 'rejected') {
      if (pg.status === 'fulfilled' && pg.value.started) await stopPostgres(paths)
      if (kafka.status === 'fulfilled' && kafka.value.started) await stopKafka(paths)
      throw pg.status === 'rejected' ? pg.reason : (kafka as PromiseRejectedResult).reason
    }
    return {
      env: { ...pg.value.env, ...kafka.value.env },
      started: { postgres: pg.value.started, kafka: kafka.value.started },
    }
  })
}

/** Stops the local servers of this checkout (if running). Returns which ones were stopped. */
export async function stopInfra(opts: InfraOptions = {}): Promise<{ postgres: boolean; kafka: boolean }> {
  const { paths } = resolve(opts)
  const [postgres, kafka] = await Promise.all([stopPostgres(paths), stopKafka(paths)])
  return { postgres, kafka }
}

/** One line per server: running or not, pid, port, health, where data and logs are. */
export async function infraStatus(opts: InfraOptions = {}): Promise<string[]> {
  const { paths, env } = resolve(opts)
  const ports = infraPorts(env)
  return Promise.all([postgresStatus(paths, ports.postgres), kafkaStatus(paths, ports.kafka)])
}

/** Stops the servers and deletes all local data (not the downloaded jars). */
export async function resetInfra(opts: InfraOptions = {}): Promise<void> {
  const { paths } = resolve(opts)
  await stopInfra(opts)
  fs.rmSync(paths.localDir, { recursive: true, force: true })
}

/** `export NAME='value'` lines, quoted for POSIX shells. */
export function shellExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`)
    .join('\n')
}
