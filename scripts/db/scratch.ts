import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { migrate } from '@expenses/db'

/**
 * A throw-away database on the local server with a service's migrations applied: the "shadow
 * database" Prisma would use, made with our own migration runner.
 */
export async function withMigratedScratchDatabase<T>(migrationsDir: string, fn: (url: string) => Promise<T>): Promise<T> {
  const adminUrl = process.env.POSTGRES_ADMIN_URL
  if (!adminUrl) throw new Error('POSTGRES_ADMIN_URL is not set: run `npm run infra:up` and `eval "$(npm run -s infra:env)"` first')
  const name = `scratch_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    await migrate({ databaseUrl: url.toString(), migrationsDir })
    return await fn(url.toString())
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    await admin.end()
  }
}
