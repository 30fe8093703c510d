// The two halves of a migration in a cluster: the Job that migrates (retrying its first connection while the
// database starts) and the services' init containers that wait until it has (migrate --wait). Real Postgres.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import t, { type Test } from 'tap'
import { connectForMigration, migrate, MigrationError, pendingMigrations, waitForMigrations } from '@expenses/db'
import { freePorts } from '@expenses/testing'

const run = promisify(execFile)
const adminUrl = process.env.POSTGRES_ADMIN_URL
if (!adminUrl) throw new Error('POSTGRES_ADMIN_URL is not set: run `npm run infra:up` and `eval "$(npm run -s infra:env)"` first')

async function scratchDatabase(t: Test): Promise<string> {
  const name = `migwait_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    await admin.end()
  })
  const url = new URL(adminUrl!)
  url.pathname = `/${name}`
  return url.toString()
}

async function migrationsFolder(names: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'))
  for (const [i, name] of names.entries()) {
    await mkdir(path.join(dir, name))
    await writeFile(path.join(dir, name, 'migration.sql'), `CREATE TABLE t${i} (id int PRIMARY KEY);`)
  }
  return dir
}

async function unusedUrl(): Promise<string> {
  const [port] = await freePorts(1)
  return `postgres://nobody:nothing@127.0.0.1:${port}/none`
}

t.test('pendingMigrations: all of them on an empty database, none after migrate', async (t) => {
  const url = await scratchDatabase(t)
  const dir = await migrationsFolder(['20260101000000_one', '20260102000000_two'])
  t.same(await pendingMigrations({ databaseUrl: url, migrationsDir: dir }), ['20260101000000_one', '20260102000000_two'])
  await migrate({ databaseUrl: url, migrationsDir: dir })
  t.same(await pendingMigrations({ databaseUrl: url, migrationsDir: dir }), [])
  // A new migration shipped with the next image is pending again until the next Job has run.
  const later = await migrationsFolder(['20260101000000_one', '20260102000000_two', '20260103000000_three'])
  // Same SQL for the same names, so the checksums match what was applied.
  t.same(await pendingMigrations({ databaseUrl: url, migrationsDir: later }), ['20260103000000_three'])
})

t.test('waitForMigrations returns once another process has migrated', async (t) => {
  const url = await scratchDatabase(t)
  const dir = await migrationsFolder(['20260101000000_one'])
  const seen: string[][] = []
  const waiting = waitForMigrations({ databaseUrl: url, migrationsDir: dir, timeoutMs: 20_000, intervalMs: 100, onWaiting: (p) => seen.push(p) })
  let settled = false
  void waiting.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((r) => setTimeout(r, 500))
  t.notOk(settled, 'still waiting while nothing is applied')
  t.same(seen[0], ['20260101000000_one'], 'reports what it waits for')
  await migrate({ databaseUrl: url, migrationsDir: dir })
  await waiting
  t.ok(settled, 'returned after the migration')
})

t.test('waitForMigrations gives up at its deadline and names what is pending', async (t) => {
  const url = await scratchDatabase(t)
  const dir = await migrationsFolder(['20260101000000_one'])
  await t.rejects(waitForMigrations({ databaseUrl: url, migrationsDir: dir, timeoutMs: 300, intervalMs: 50 }), {
    name: 'MigrationError',
    message: /still pending: 20260101000000_one/,
  })
})

t.test('waitForMigrations treats an unreachable database as not yet, then fails with the cause', async (t) => {
  const dir = await migrationsFolder(['20260101000000_one'])
  await t.rejects(waitForMigrations({ databaseUrl: await unusedUrl(), migrationsDir: dir, timeoutMs: 400, intervalMs: 50 }), {
    message: /Gave up waiting .*Cannot connect/,
  })
})

t.test('connectForMigration: one try by default, retries for the timeout it is given', async (t) => {
  const url = await unusedUrl()
  const started = Date.now()
  await t.rejects(connectForMigration(url), MigrationError)
  const retried = Date.now()
  await t.rejects(connectForMigration(url, 1500), { message: /retried for 2s|retried for 1s/ })
  t.ok(Date.now() - retried >= 1400, 'kept retrying until the timeout')
  t.ok(retried - started < 1400, 'the default gives up after one attempt')

  const good = await connectForMigration(adminUrl!, 1000)
  t.equal((await good.query('SELECT 1 AS one')).rows[0].one, 1)
  await good.end()
})

t.test('the migrate command: --wait, bad arguments and bad timeouts', async (t) => {
  const url = await scratchDatabase(t)
  const dir = await migrationsFolder(['20260101000000_one'])
  const script = (args: string[]) => `import('@expenses/db').then((m) => m.runMigrateCommand('test-service', ${JSON.stringify(dir)}, ${JSON.stringify(args)}))`
  const command = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import=tsx', '--conditions=@expenses/source', '-e', script(args)], {
      env: { ...process.env, DATABASE_URL: url, ...env },
      timeout: 60_000,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    )

  const timedOut = await command(['--wait'], { MIGRATION_WAIT_TIMEOUT_MS: '300' })
  t.equal(timedOut.code, 1, '--wait exits 1 at its deadline')
  t.match(timedOut.stderr, /test-service: Gave up waiting .*still pending: 20260101000000_one/)

  const badTimeout = await command(['--wait'], { MIGRATION_WAIT_TIMEOUT_MS: 'soon' })
  t.equal(badTimeout.code, 1)
  t.match(badTimeout.stderr, /MIGRATION_WAIT_TIMEOUT_MS must be a whole number of milliseconds/)

  const unknown = await command(['--force'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /unknown argument --force/)

  const migrated = await command([])
  t.equal(migrated.code, 0, migrated.stderr)
  t.match(migrated.stdout, /applied 20260101000000_one/)

  const waited = await command(['--wait'])
  t.equal(waited.code, 0, waited.stderr)
  t.match(waited.stdout, /database schema is current/)
})
