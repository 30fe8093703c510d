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

export async function migrate(options: { databaseUrl: string; migrationsDir: string; logger?: MigrationLogger }): Promise<MigrateResult> {
  const migrations = await readMigrations(options.migrationsDir)
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'migrate' })
  try {
    await client.connect()
  } catch (error) {
    throw new MigrationError(`Cannot connect to the database to migrate: ${(error as Error).message}. Check DATABASE_URL.`)
  }
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
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  )
  try {
    await client.query('BEGIN')
    await client.query(migration.sql)
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id])
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    // The failure is recorded like Prisma does; the bookkeeping row is outside the rolled-back transaction.
    await client
      .query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String((error as Error).message)])
      .catch(() => undefined)
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`)
  }
}

/**
 * The body of every service's `migrate` command: reads DATABASE_URL, applies the migrations, prints one
 * line per migration, exits 1 with one clear line on failure.
 */
export async function runMigrateCommand(service: string, migrationsDir: string): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    console.error(`${service}: DATABASE_URL is not set; set it to the service's Postgres connection string.`)
    process.exit(1)
  }
  try {
    const result = await migrate({
      databaseUrl,
      migrationsDir,
      logger: { info: (obj) => console.log(`${service}: applied ${(obj as { migration: string }).migration}`) },
    })
    console.log(`${service}: database is up to date (${result.applied.length} applied, ${result.alreadyApplied.length} already applied)`)
  } catch (error) {
    console.error(`${service}: ${(error as Error).message}`)
    process.exit(1)
  }
}
