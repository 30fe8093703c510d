/**
 * Pipeline benchmark: bank messages per second from POST /ds/v1/messages:batch (through the gateway) to
 * expenses stored, and end-to-end latency at a fixed rate, next to two baselines measured in the same
 * run: the parser alone (in this process, one core) and plain Postgres inserts, one row per statement
 * and 500 per statement (the floor of a batched write path).
 *
 *   npm run bench:pipeline                      (starts Postgres, Kafka and the whole system itself)
 *   BENCH_MESSAGES=4000 BENCH_RATE=40 npm run bench:pipeline
 *   BENCH_USERS=8 npm run bench:pipeline       (the messages spread over 8 users, so over partitions)
 *   BENCH_INSTANCES=ds-service=2,expense-service=2 npm run bench:pipeline   (several instances of a service)
 *
 * Not a test: it reports, it does not assert. The machines are noisy; compare the ratios.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { parseMessage } from '../../services/ds/src/parser/index.js'
import { startSystem } from '../system/launcher.js'

const total = Number(process.env.BENCH_MESSAGES ?? 2000)
const rate = Number(process.env.BENCH_RATE ?? 20)
const users = Number(process.env.BENCH_USERS ?? 1)
const instances = Object.fromEntries(
  (process.env.BENCH_INSTANCES ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [name, count] = pair.split('=')
      if (!name || !/^[1-9]\d*$/.test(count ?? '')) throw new Error(`BENCH_INSTANCES: "${pair}" is not service=count`)
      return [name.trim(), Number(count)]
    }),
)
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 10)
const env = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run through \`npm run bench:pipeline\``)
  return value
}

const run = randomBytes(3).toString('hex')
function message(i: number) {
  const amount = `${1 + (i % 9000)}.${String(i % 100).padStart(2, '0')}`
  return {
    text: `Rs.${amount} debited from A/c XX${String(1000 + (i % 9000))} on 05-06-24 to VPA shop${i}.${run}@okaxis UPI Ref No ${400000000000 + i}. Avl Bal Rs 10,000.00 -HDFC Bank`,
    sender: 'VM-HDFCBK',
    receivedAt: new Date(Date.UTC(2024, 5, 5, 8, 0, 0) + i * 1000).toISOString(),
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

// Baseline 1: the parser alone.
const sample = Array.from({ length: total }, (_, i) => message(i))
let t0 = performance.now()
for (const m of sample) parseMessage(m)
const parserRate = total / ((performance.now() - t0) / 1000)

// Baseline 2: plain single-row inserts into Postgres (what storing one expense costs at minimum).
const expenseDb = new pg.Client({ connectionString: env('EXPENSE_DATABASE_URL') })
await expenseDb.connect()
await expenseDb.query('CREATE TEMP TABLE bench_rows (id serial primary key, amount numeric(19,4), currency char(3), merchant text)')
t0 = performance.now()
for (let i = 0; i < total; i++) await expenseDb.query('INSERT INTO bench_rows (amount, currency, merchant) VALUES ($1, $2, $3)', ['12.50', 'INR', `m${i}`])
const insertRate = total / ((performance.now() - t0) / 1000)

// Baseline 3: the same rows 500 per statement (INSERT ... SELECT FROM unnest), the floor of a batched write path.
t0 = performance.now()
for (let i = 0; i < total; i += 500) {
  const n = Math.min(500, total - i)
  await expenseDb.query('INSERT INTO bench_rows (amount, currency, merchant) SELECT * FROM unnest($1::numeric[], $2::char(3)[], $3::text[])', [
    Array(n).fill('12.50'),
    Array(n).fill('INR'),
    Array.from({ length: n }, (_, j) => `b${i + j}`),
  ])
}
const batchedInsertRate = total / ((performance.now() - t0) / 1000)

// The system under test.
const system = await startSystem({
  infraEnv: Object.fromEntries(['AUTH_DATABASE_URL', 'USER_DATABASE_URL', 'DS_DATABASE_URL', 'EXPENSE_DATABASE_URL', 'KAFKA_BROKERS'].map((n) => [n, env(n)])),
  gatewayPort: 18600,
  ports: { 'auth-service': 18601, 'user-service': 18602, 'ds-service': 18603, 'expense-service': 18604 },
  env: { LOG_LEVEL: 'warn' },
  instances,
  log: () => undefined,
})
try {
  const gateway = system.gatewayUrl
  const signupUser = async (n: number) => {
    const username = `bench_${run}_${n}`
    const signup = await fetch(`${gateway}/auth/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'benchmark pass 1', email: `${username}@example.com`, firstName: 'Bench', lastName: 'Mark' }),
    })
    const { accessToken, userId } = (await signup.json()) as { accessToken: string; userId: string }
    return { userId, headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` } }
  }
  // Events are keyed by user (order per user), so one user's messages share one partition: several
  // users are what lets partitions, and instances, work in parallel.
  const benchUsers = await Promise.all(Array.from({ length: users }, (_, n) => signupUser(n)))
  const { userId, headers } = benchUsers[0]!
  const userIds = benchUsers.map((u) => u.userId)
  const stored = async () =>
    Number((await expenseDb.query<{ n: string }>('SELECT count(*) AS n FROM expenses WHERE user_id = ANY($1::uuid[])', [userIds])).rows[0]?.n ?? 0)

  // Throughput: everything in batches of 500, the users' batches posted side by side; the clock stops
  // when the last expense is stored.
  t0 = performance.now()
  const batches = Array.from({ length: Math.ceil(total / 500) }, (_, b) => sample.slice(b * 500, b * 500 + 500))
  await Promise.all(
    benchUsers.map(async (user, u) => {
      for (let b = u; b < batches.length; b += users) {
        const res = await fetch(`${gateway}/ds/v1/messages:batch`, { method: 'POST', headers: user.headers, body: JSON.stringify({ messages: batches[b] }) })
        if (res.status >= 300) throw new Error(`batch answered ${res.status}: ${await res.text()}`)
      }
    }),
  )
  const accepted = (performance.now() - t0) / 1000
  while ((await stored()) < total) {
    if (performance.now() - t0 > 600_000) throw new Error(`only ${await stored()} of ${total} expenses after 10 minutes`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const throughputSeconds = (performance.now() - t0) / 1000
  const pipelineRate = total / throughputSeconds

  // Latency at a fixed rate: one message every 1/rate s; latency = expense created_at - send time.
  const sent = new Map<string, number>()
  const count = rate * latencySeconds
  const start = Date.now()
  const posts: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())))
    const m = message(total + i)
    const sentAt = Date.now()
    posts.push(
      fetch(`${gateway}/ds/v1/messages`, { method: 'POST', headers, body: JSON.stringify(m) }).then(async (res) => {
        const body = (await res.json()) as { messageId: string }
        sent.set(body.messageId, sentAt)
      }),
    )
  }
  await Promise.all(posts)
  while ((await stored()) < total + count) await new Promise((r) => setTimeout(r, 100))
  const { rows } = await expenseDb.query<{ message_id: string; created_at: Date }>(
    'SELECT message_id, created_at FROM expenses WHERE user_id = $1 AND message_id = ANY($2::uuid[])',
    [userId, [...sent.keys()]],
  )
  const latencies = rows.map((r) => r.created_at.getTime() - (sent.get(r.message_id) ?? 0)).sort((a, b) => a - b)

  const layout = Object.keys(instances).length
    ? `; instances: ${Object.entries(instances)
        .map(([n, c]) => `${n}=${c}`)
        .join(', ')}`
    : ''
  console.log(`\npipeline benchmark: ${total} messages in batches of 500 from ${users} user(s), then ${count} at ${rate}/s${layout}\n`)
  const row = (what: string, value: number, unit: string) =>
    console.log(
      `| ${what} | ${value.toFixed(0)} ${unit} | ${(value / parserRate).toFixed(3)} | ${(value / insertRate).toFixed(2)} | ${(value / batchedInsertRate).toFixed(3)} |`,
    )
  console.log('| measure | value | vs parser alone | vs single-row inserts | vs batched inserts |')
  console.log('|---|---|---|---|---|')
  row('parser alone (1 core, in process)', parserRate, 'msg/s')
  row('plain Postgres single-row inserts', insertRate, 'rows/s')
  row('plain Postgres inserts, 500 per statement', batchedInsertRate, 'rows/s')
  row('batch POST accepted (gateway -> ds-service)', total / accepted, 'msg/s')
  row('end to end: POST -> expense stored', pipelineRate, 'msg/s')
  console.log(`| latency at ${rate}/s: p50 / p99 | ${percentile(latencies, 50)} ms / ${percentile(latencies, 99)} ms | | | |`)
} finally {
  await system.stop()
  await expenseDb.end()
}
