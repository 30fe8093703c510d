import net, { type AddressInfo } from 'node:net'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { startTestTokenIssuer } from '@expenses/testing'
import { buildExpenseApp } from '../src/app.js'
import { createDb } from '../src/db.js'
import { PREFIX, testConfig } from './helper.js'

// expense-service with its database gone, for real: a port where nothing listens (the server is down) and a
// server that accepts connections and never answers (a partition or a stuck host). Reads and writes get a
// fast 503 with Retry-After instead of hanging or a 500; liveness stays true and readiness turns false (the
// same database check the runtime wires in), so Kubernetes stops routing to the pod without restarting it.

const issuer = await startTestTokenIssuer()
t.teardown(() => issuer.close())

async function deadPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function silentServer(t: Test): Promise<number> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  return (server.address() as AddressInfo).port
}

async function appOn(t: Test, port: number) {
  const url = `postgresql://expense:unused@127.0.0.1:${port}/expense`
  const config = testConfig({ DATABASE_URL: url, AUTH_JWKS_URL: issuer.jwksUrl, JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience })
  const db = createDb(url)
  const { app } = await buildExpenseApp({ config, db, logger: pino({ level: 'silent' }), readinessChecks: { database: () => db.$queryRawUnsafe('SELECT 1') } })
  t.teardown(async () => {
    await app.close()
    await db.$disconnect().catch(() => undefined)
  })
  return app
}

for (const [what, port] of [
  ['nothing listens on its port', deadPort],
  ['it accepts connections and never answers', silentServer],
] as const) {
  t.test(`the database is down (${what}): 503 with Retry-After, live but not ready`, async (t) => {
    const app = await appOn(t, await port(t))
    const headers = { authorization: `Bearer ${issuer.token('7b0e4c1e-3a43-4c55-9d7e-5f2f3c1a9b10')}` }
    for (const [method, url, payload] of [
      ['GET', '/expenses', undefined],
      ['GET', '/summary?from=2026-01-01&to=2026-01-31', undefined],
      ['POST', '/expenses', { amount: '12.50', currency: 'EUR', merchant: 'Bakery' }],
    ] as const) {
      const started = Date.now()
      const res = await app.inject({ method, url: `${PREFIX}${url}`, headers, ...(payload ? { payload } : {}) })
      const ms = Date.now() - started
      t.equal(res.statusCode, 503, `${method} ${url}: 503`)
      t.equal(res.headers['retry-after'], '5', 'with Retry-After')
      t.match(res.json(), { status: 503, code: 'dependency_unavailable', retryAfterSeconds: 5 }, 'a machine-readable problem')
      t.notMatch(res.body, /127\.0\.0\.1|postgres|prisma|ECONN/i, 'naming no host, driver or error code')
      // The pool's connection timeout (2 s) bounds the wait; a refused connection fails at once.
      t.ok(ms < 4_000, `answered in ${ms} ms`)
    }
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness stays true')
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 503, 'readiness is false')
    t.match(ready.json(), { status: 'unready', checks: { database: String } })
  })
}
