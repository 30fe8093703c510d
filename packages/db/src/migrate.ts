import { createHash, randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'

/**
 * Applies the standard Prisma migrations folder (prisma/migrations/<timestamp>_<name>/migration.sql)
 * and records them in `_prisma_migrations` exactly as `prisma migrate deploy` does, so the normal
 * Prisma CLI can take over wherever its native schema engine is available. We need our own runner
 * because that engine is downloaded from Prisma's servers at run time, which air-gapped clusters (and
 * this project's CI) cannot reach.
 *
 * Safe to run from several processes at once: a Postgres advisory lock serialises them (the same lock
 * id Prisma uses), and every migration runs in its own transaction.
 */
export interface MigrationLogger {
  info(obj: object, msg: string): void
}

export interface MigrateResult {
  applied: string[]
  alreadyApplied: string[]
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

const PRISMA_ADVISORY_LOCK_ID = 72707369

// Prisma's own DDL for its bookkeeping table.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`.replace('INTEGER UNSIGNED', 'INTEGER')

interface MigrationFile {
  name: string
  sql: string
  checksum: string
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  let entries: string[]
  try {
    entries = await readdir(migrationsDir)
  } catch {
    throw new MigrationError(`No migrations folder at ${migrationsDir}`)
  }
  const names = entries.filter((n) => /^\d{14}_[\w-]+$/.test(n)).sort()
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    }),
  )
}

interface AppliedRow {
  migration_name: string
  checksum: string
  finished_at: Date | null
  rolled_back_at: Date | null
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Connects, retrying for up to `connectTimeoutMs` (0: one try). In a cluster the migration Job and its
 * database start together, and a Job pod that fails on the first ECONNREFUSED would count as a failed
 * pod and a restart; retrying here keeps the first attempt the only one.
 */
export async function connectForMigration(databaseUrl: string, connectTimeoutMs = 0): Promise<pg.Client> {
  const deadline = Date.now() + connectTimeoutMs
  for (;;) {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'migrate', connectionTimeoutMillis: 10_000 })
    try {
      await client.connect()
      return client
    } catch (error) {
      await client.end().catch(() => undefined)
      if (Date.now() >= deadline) {
        const waited = connectTimeoutMs > 0 ? ` (retried for ${Math.round(connectTimeoutMs / 1000)}s)` : ''
        throw new MigrationError(`Cannot connect to the database to migrate${waited}: ${(error as Error).message}. Check DATABASE_URL.`)
      }
      await sleep(Math.min(1000, Math.max(0, deadline - Date.now())))
    }
  }
}

export async function migrate(options: {
  databaseUrl: string
  migrationsDir: string
  logger?: MigrationLogger
  connectTimeoutMs?: number
}): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir)
  const client = await connectForMigration(options.databaseUrl, options.connectTimeoutMs)
  const result: MigrateResult = { applied: [], alreadyApplied: [] }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_ID])
    await client.query(CREATE_MIGRATIONS_TABLE)
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    )
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null)
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and was not rolled back; fix the database and mark it resolved before migrating again.`,
      )
    }
    const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]))
    for (const migration of migrations) {
      const existing = applied.get(migration.name)
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(`Migration ${migration.name} was modified after it was applied (checksum mismatch); add a new migration instead.`)
        }
        result.alreadyApplied.push(migration.name)
        continue
      }
      await applyOne(client, migration)
      result.applied.push(migration.name)
      options.logger?.info({ migration: migration.name }, 'applied migration')
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_ID]).catch(() => undefined)
    await client.end().catch(() => undefined)
  }
  return result
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID()
  await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [
    id,
    migration.checksum,
    migration.name,
  ])
  try {
    await client.query('BEGIN')
    await client.query(migration.sql)
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id])
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    // The failure is recorded like Prisma does; the bookkeeping row is outside the rolled-back transaction.
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String((error as Error).message)]).catch(() => undefined)
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`)
  }
}

/**
 * The migrations of the folder that the database has not finished applying, in order. A database with
 * no bookkeeping table yet has all of them pending. Read-only: takes no lock and creates nothing.
 */
export async function pendingMigrations(options: { databaseUrl: string; migrationsDir: string; connectTimeoutMs?: number }): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir)
  const client = await connectForMigration(options.databaseUrl, options.connectTimeoutMs)
  try {
    const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`)
    if (!table[0]?.exists) return migrations.map((m) => m.name)
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    const done = new Set(rows.map((r) => r.migration_name))
    return migrations.filter((m) => !done.has(m.name)).map((m) => m.name)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Waits until every migration of the folder is applied: what a service's init container runs, so the
 * service never starts against an older schema while the migration Job is still at work. Connection
 * failures count as "not yet" until the deadline.
 */
export async function waitForMigrations(options: {
  databaseUrl: string
  migrationsDir: string
  timeoutMs: number
  intervalMs?: number
  onWaiting?: (pending: string[]) => void
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  let pending: string[] = []
  let lastError = ''
  for (;;) {
    try {
      pending = await pendingMigrations({ databaseUrl: options.databaseUrl, migrationsDir: options.migrationsDir })
      lastError = ''
      if (pending.length === 0) return
      options.onWaiting?.(pending)
    } catch (error) {
      if (error instanceof MigrationError && !/Cannot connect/.test(error.message)) throw error
      lastError = (error as Error).message
    }
    if (Date.now() >= deadline) {
      throw new MigrationError(
        lastError
          ? `Gave up waiting for the migrations after ${Math.round(options.timeoutMs / 1000)}s: ${lastError}`
          : `Gave up waiting for the migrations after ${Math.round(options.timeoutMs / 1000)}s; still pending: ${pending.join(', ')}. Is the migration Job running?`,
      )
    }
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - Date.now())))
  }
}

/** A non-negative integer of milliseconds from the environment, or the default; anything else is an error. */
function milliseconds(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new MigrationError(`${name} must be a whole number of milliseconds, got ${JSON.stringify(raw)}`)
  return Number(raw)
}

/**
 * The body of every service's `migrate` command: reads DATABASE_URL, applies the migrations, prints one
 * line per migration, exits 1 with one clear line on failure.
 */
export async function runMigrateCommand(service: string, migrationsDir: string, argv = process.argv.slice(2)): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    console.error(`${service}: DATABASE_URL is not set; set it to the service's Postgres connection string.`)
    process.exit(1)
  }
  const unknown = argv.filter((a) => a !== '--wait')
  if (unknown.length > 0) {
    console.error(`${service}: unknown argument ${unknown[0]}; migrate takes only --wait (wait until another process has migrated)`)
    process.exit(2)
  }
  try {
    if (argv.includes('--wait')) {
      let told = false
      await waitForMigrations({
        databaseUrl,
        migrationsDir,
        timeoutMs: milliseconds('MIGRATION_WAIT_TIMEOUT_MS', 600_000),
        onWaiting: (pending) => {
          if (!told) console.log(`${service}: waiting for ${pending.length} migration(s) to be applied: ${pending.join(', ')}`)
          told = true
        },
      })
      console.log(`${service}: database schema is current`)
      return
    }
    const result = await migrate({
      databaseUrl,
      migrationsDir,
      connectTimeoutMs: milliseconds('MIGRATION_CONNECT_TIMEOUT_MS', 0),
      logger: { info: (obj) => console.log(`${service}: applied ${(obj as { migration: string }).migration}`) },
    })
    console.log(`${service}: database is up to date (${result.applied.length} applied, ${result.alreadyApplied.length} already applied)`)
  } catch (error) {
    console.error(`${service}: ${(error as Error).message}`)
    process.exit(1)
  }
}
