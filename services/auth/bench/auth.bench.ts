/**
 * Throughput and p99 latency of login and GET /auth/v1/me, next to a bare Fastify route measured in the
 * same run (machines here are noisy, so the ratios are the figures to compare across runs).
 *
 *   npm run bench:auth            (needs the local infrastructure: npm run infra:up)
 *   BENCH_SECONDS=10 npm run bench:auth
 *
 * Not a test: it asserts nothing and is not run by `npm test`.
 */
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { pino } from 'pino'
import { migrate } from '@expenses/db'
import { loadConfig } from '@expenses/platform'
import { buildAuthApp } from '../src/app.js'
import { authConfigSchema } from '../src/config.js'
import { createDb } from '../src/db.js'
import path from 'node:path'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const databaseUrl = process.env.AUTH_DATABASE_URL
if (!databaseUrl) {
  console.error('AUTH_DATABASE_URL is not set: run `npm run infra:up` first (npm run bench:auth sets the rest)')
  process.exit(1)
}

await migrate({ databaseUrl, migrationsDir: path.resolve(import.meta.dirname, '../prisma/migrations') })
const config = loadConfig(authConfigSchema, {
  DATABASE_URL: databaseUrl,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  // The benchmark logs in thousands of times from one address.
  LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
})
const db = createDb(databaseUrl)
const { app } = await buildAuthApp({ config, db, logger: pino({ level: 'silent' }) })
await app.listen({ port: 0, host: '127.0.0.1' })
const authUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

const bare = Fastify({ logger: false })
bare.get('/ping', async () => ({ ok: true }))
await bare.listen({ port: 0, host: '127.0.0.1' })
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`

const username = `bench_${Date.now()}`
const password = 'benchmark password 1'
const signup = await fetch(`${authUrl}/auth/v1/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password, email: `${username}@example.com`, firstName: 'Bench', lastName: 'Mark' }),
})
const { accessToken } = (await signup.json()) as { accessToken: string }

interface Row {
  name: string
  rps: number
  p50: number
  p99: number
  errors: number
}

async function run(name: string, opts: autocannon.Options): Promise<Row> {
  const result = await autocannon({ duration: seconds, connections, ...opts })
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx }
}

const rows: Row[] = []
rows.push(await run('bare fastify GET /ping (baseline)', { url: `${bareUrl}/ping` }))
rows.push(await run('GET /auth/v1/me', { url: `${authUrl}/auth/v1/me`, headers: { authorization: `Bearer ${accessToken}` } }))
rows.push(
  await run('POST /auth/v1/login', {
    url: `${authUrl}/auth/v1/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    // argon2id costs ~19 MiB and tens of ms per login by design; fewer connections avoid measuring a queue.
    connections: Math.min(connections, 4),
  }),
)

const baseline = rows[0]!
console.log(`\nauth-service benchmark: ${seconds} s per run, ${connections} connections (login: ${Math.min(connections, 4)})\n`)
console.log('| endpoint | req/s | p50 ms | p99 ms | errors | req/s vs baseline | p99 vs baseline |')
console.log('|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / baseline.rps).toFixed(3)} | ${(r.p99 / Math.max(baseline.p99, 1)).toFixed(1)}x |`,
  )
}

await app.close()
await bare.close()
await db.$disconnect()
