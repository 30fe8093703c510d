/**
 * Read-path benchmark: GET /expense/v1/expenses?limit=20, GET /expense/v1/summary and POST
 * /expense/v1/expenses, straight to expense-service and through the gateway, next to a floor measured in
 * the same run: a bare Fastify route that runs the same page query with pg and returns it as JSON.
 *
 *   npm run bench:read                          (starts Postgres, Kafka and the whole system itself)
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=20 npm run bench:read
 *
 * The gateway's rate limits are raised through its RATE_LIMIT_MULTIPLIER setting, never by editing the
 * route table. Not a test: it reports, it does not assert. The machines are noisy; compare the ratios.
 */
import { randomBytes } from 'node:crypto'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import pg from 'pg'
import { startSystem } from '../system/launcher.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const env = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run through \`npm run bench:read\``)
  return value
}

const expensePort = 18704
const system = await startSystem({
  infraEnv: Object.fromEntries(['AUTH_DATABASE_URL', 'USER_DATABASE_URL', 'DS_DATABASE_URL', 'EXPENSE_DATABASE_URL', 'KAFKA_BROKERS'].map((n) => [n, env(n)])),
  gatewayPort: 18700,
  ports: { 'auth-service': 18701, 'user-service': 18702, 'ds-service': 18703, 'expense-service': expensePort },
  env: { LOG_LEVEL: 'warn', RATE_LIMIT_MULTIPLIER: '100000' },
  log: () => undefined,
})
const pool = new pg.Pool({ connectionString: env('EXPENSE_DATABASE_URL'), max: 10 })
const floor = Fastify({ logger: false })
try {
  const gateway = system.gatewayUrl
  const direct = `http://127.0.0.1:${expensePort}`
  const username = `readbench_${randomBytes(3).toString('hex')}`
  const signup = await fetch(`${gateway}/auth/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'benchmark pass 1', email: `${username}@example.com`, firstName: 'Read', lastName: 'Bench' }),
  })
  const { accessToken, userId } = (await signup.json()) as { accessToken: string; userId: string }
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }
  const merchants = ['SWIGGY', 'UBER', 'AMAZON', 'BIGBASKET', 'NETFLIX', 'SHELL', 'APOLLO PHARMACY', 'ZARA']
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${gateway}/expense/v1/expenses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        amount: `${10 + (i % 90)}.${String(i % 100).padStart(2, '0')}`,
        currency: i % 10 === 0 ? 'USD' : 'INR',
        merchant: merchants[i % merchants.length],
        occurredAt: new Date(Date.UTC(2024, i % 12, 1 + (i % 28))).toISOString(),
      }),
    })
    if (res.status !== 201) throw new Error(`seeding answered ${res.status}: ${await res.text()}`)
  }

  // The floor: the same first page, one pg query, JSON out, no auth.
  floor.get('/page', async () => {
    const { rows } = await pool.query(
      `SELECT id, type, amount::text AS amount, currency, merchant, category, category_source AS "categorySource", occurred_at AS "occurredAt",
              received_at AS "receivedAt", source, message_id AS "messageId", note, account_last4 AS "accountLast4", channel, reference,
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM expenses WHERE user_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 20`,
      [userId],
    )
    return { items: rows, nextCursor: null }
  })
  await floor.listen({ port: 0, host: '127.0.0.1' })
  const floorUrl = `http://127.0.0.1:${(floor.server.address() as { port: number }).port}`

  const measure = async (url: string, options: { method?: 'GET' | 'POST'; body?: string } = {}) => {
    const result = await autocannon({ url, connections, duration: seconds, method: options.method ?? 'GET', headers, body: options.body })
    const bad = result.non2xx + result.errors
    if (bad > 0) throw new Error(`${url}: ${bad} of ${result.requests.total} requests failed`)
    return { rps: result.requests.average, p99: result.latency.p99 }
  }
  const newExpense = JSON.stringify({ amount: '12.50', currency: 'INR', merchant: 'BENCH CAFE' })
  const rows: [string, { rps: number; p99: number }][] = []
  const floorResult = await measure(`${floorUrl}/page`)
  rows.push(['floor: bare Fastify + pg, same page query', floorResult])
  rows.push(['GET /expenses?limit=20, direct', await measure(`${direct}/expense/v1/expenses?limit=20`)])
  rows.push(['GET /expenses?limit=20, through the gateway', await measure(`${gateway}/expense/v1/expenses?limit=20`)])
  rows.push(['GET /summary, direct', await measure(`${direct}/expense/v1/summary`)])
  rows.push(['GET /summary, through the gateway', await measure(`${gateway}/expense/v1/summary`)])
  rows.push(['POST /expenses, direct', await measure(`${direct}/expense/v1/expenses`, { method: 'POST', body: newExpense })])
  rows.push(['POST /expenses, through the gateway', await measure(`${gateway}/expense/v1/expenses`, { method: 'POST', body: newExpense })])

  console.log(`\nread-path benchmark: ${connections} connections, ${seconds} s each, one user with 200+ expenses\n`)
  console.log('| measure | req/s | p99 | vs floor |')
  console.log('|---|---|---|---|')
  for (const [what, r] of rows) console.log(`| ${what} | ${r.rps.toFixed(0)} | ${r.p99} ms | ${(r.rps / floorResult.rps).toFixed(2)} |`)
} finally {
  await floor.close()
  await pool.end()
  await system.stop()
}
