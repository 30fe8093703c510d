/**
 * Each service's database is reachable only with its own role: against the Postgres this test run
 * uses (the local one `npm test` starts, or the configured one).
 */
import t from 'tap'
import { canConnect } from '../postgres.js'
import { runEnv } from './helpers.js'

const { databases } = runEnv()

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString)
  url.pathname = `/${database}`
  return url.toString()
}

const databaseOf = (connectionString: string): string => new URL(connectionString).pathname.slice(1)

t.test('every service role can connect to its own database', async (t) => {
  for (const [name, url] of Object.entries(databases)) {
    t.equal(await canConnect(url), undefined, `${name} connects`)
  }
})

t.test('the user role cannot connect to the auth database', async (t) => {
  const userUrl = databases.USER_DATABASE_URL as string
  const authDb = databaseOf(databases.AUTH_DATABASE_URL as string)
  const problem = await canConnect(withDatabase(userUrl, authDb))
  t.match(problem, new RegExp(`permission denied for database "?${authDb}"?`))
})

t.test('no service role can connect to another service database or the maintenance database', async (t) => {
  const entries = Object.entries(databases)
  for (const [name, url] of entries) {
    for (const [otherName, otherUrl] of entries) {
      if (name === otherName) continue
      t.match(await canConnect(withDatabase(url, databaseOf(otherUrl))), /permission denied/, `${name} role -> ${otherName} database refused`)
    }
    t.match(await canConnect(withDatabase(url, 'postgres')), /permission denied/, `${name} role -> postgres database refused`)
  }
})

t.test('each service role owns its database and may create tables in it', async (t) => {
  const pg = (await import('pg')).default
  for (const [name, url] of Object.entries(databases)) {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const owner = await client.query<{ owner: string; me: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner, current_user AS me FROM pg_database WHERE datname = current_database()',
      )
      t.equal(owner.rows[0]?.owner, owner.rows[0]?.me, `${name}: owned by its role`)
      await client.query('CREATE TEMP TABLE infra_probe (id int)')
      await client.query('CREATE TABLE IF NOT EXISTS infra_isolation_probe (id int)')
      await client.query('DROP TABLE infra_isolation_probe')
    } finally {
      await client.end()
    }
  }
})
