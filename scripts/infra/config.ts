/**
 * Where the local infrastructure lives and which ports it uses. Everything is per checkout:
 * state under .local/ (data, pid files, logs) and downloads under .cache/, both git-ignored.
 */
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { InfraError } from './errors.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Pinned Kafka release (Maven coordinates org.apache.kafka:kafka_2.13). */
export const KAFKA_VERSION = '4.1.1'
/** log4j2 backend for the broker's slf4j logging; the Kafka jars bring no backend of their own. */
export const LOG4J_VERSION = '2.25.2'
/** log4j-slf4j2-impl needs slf4j-api 2.x; Kafka's own dependency tree would otherwise pick 1.7. */
export const SLF4J_VERSION = '2.0.17'

export const DEFAULT_PG_PORT = 55432
export const DEFAULT_KAFKA_PORT = 9092

/** How long any single readiness wait may take before we give up with a pointer to the log. */
export const READY_TIMEOUT_MS = 120_000

export interface InfraPaths {
  readonly localDir: string
  readonly cacheDir: string
  readonly pgRoot: string
  readonly pgData: string
  readonly pgPidFile: string
  readonly pgLog: string
  readonly kafkaRoot: string
  readonly kafkaData: string
  readonly kafkaConfig: string
  readonly kafkaLog4jConfig: string
  readonly kafkaPidFile: string
  readonly kafkaLog: string
  readonly kafkaLibDir: string
}

/**
 * @param root where .local/ (data, pids, logs) goes
 * @param cacheRoot where .cache/ (downloaded jars) goes; shared so test instances don't re-download
 */
export function infraPaths(root: string = repoRoot, cacheRoot: string = repoRoot): InfraPaths {
  const localDir = path.join(root, '.local')
  const cacheDir = path.join(cacheRoot, '.cache')
  const pgRoot = path.join(localDir, 'postgres')
  const kafkaRoot = path.join(localDir, 'kafka')
  return {
    localDir,
    cacheDir,
    pgRoot,
    pgData: path.join(pgRoot, 'data'),
    pgPidFile: path.join(localDir, 'postgres.pid'),
    pgLog: path.join(localDir, 'postgres.log'),
    kafkaRoot,
    kafkaData: path.join(kafkaRoot, 'data'),
    kafkaConfig: path.join(kafkaRoot, 'server.properties'),
    kafkaLog4jConfig: path.join(kafkaRoot, 'log4j2.properties'),
    kafkaPidFile: path.join(localDir, 'kafka.pid'),
    kafkaLog: path.join(localDir, 'kafka.log'),
    kafkaLibDir: path.join(cacheDir, 'kafka', KAFKA_VERSION, 'lib'),
  }
}

export interface InfraPorts {
  readonly postgres: number
  readonly kafka: number
  readonly kafkaController: number
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InfraError(`${name}=${raw} is not a valid TCP port (1-65535)`)
  }
  return port
}

export function infraPorts(env: NodeJS.ProcessEnv = process.env): InfraPorts {
  const kafka = portFromEnv(env, 'LOCAL_KAFKA_PORT', DEFAULT_KAFKA_PORT)
  if (kafka === 65535) throw new InfraError('LOCAL_KAFKA_PORT=65535 leaves no room for the controller port (LOCAL_KAFKA_PORT + 1)')
  return {
    postgres: portFromEnv(env, 'LOCAL_PG_PORT', DEFAULT_PG_PORT),
    kafka,
    kafkaController: kafka + 1,
  }
}
