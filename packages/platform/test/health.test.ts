import t from 'tap'
import { buildTestApp } from './helpers.js'

t.test('/healthz is 200 ok while running', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('/readyz with no checks is ready', async (t) => {
  const { app } = await buildTestApp()
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready', checks: {} })
})

t.test('/readyz runs every check and is 200 only when all pass', async (t) => {
  let databaseUp = true
  const calls: string[] = []
  const { app } = await buildTestApp({
    readinessChecks: {
      database: async () => {
        calls.push('database')
        if (!databaseUp) throw new Error('connection refused')
      },
      kafka: () => {
        calls.push('kafka')
        return { brokers: 1 }
      },
    },
  })
  t.teardown(() => app.close())

  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', checks: { database: 'ok', kafka: 'ok' } })
  t.same(calls.sort(), ['database', 'kafka'])

  databaseUp = false
  const unready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(unready.statusCode, 503)
  t.same(unready.json(), { status: 'unready', checks: { database: 'connection refused', kafka: 'ok' } })
})

t.test('a check that hangs fails after its timeout instead of hanging the probe', async (t) => {
  const { app } = await buildTestApp({
    readinessTimeoutMs: 100,
    readinessChecks: { kafka: () => new Promise(() => {}), database: () => 'fine' },
  })
  t.teardown(() => app.close())
  const started = Date.now()
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.ok(Date.now() - started < 1000, 'answered promptly')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'unready', checks: { kafka: 'timed out after 100 ms', database: 'ok' } })
})

t.test('checks added after build take part; duplicate names are refused', async (t) => {
  const { app } = await buildTestApp({ readinessChecks: { database: () => true } })
  t.teardown(() => app.close())
  app.readiness.add('outbox', () => {
    throw new Error('relay stopped')
  })
  t.throws(() => app.readiness.add('database', () => true), /already registered/)
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.same(res.json().checks, { database: 'ok', outbox: 'relay stopped' })
})

t.test('once shutdown begins both probes answer 503 without running checks', async (t) => {
  let ran = 0
  const { app } = await buildTestApp({ readinessChecks: { database: () => ran++ } })
  t.teardown(() => app.close())
  t.equal(app.lifecycle.shuttingDown, false)
  app.lifecycle.beginShutdown()
  t.equal(app.lifecycle.shuttingDown, true)

  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().status, 'unready')
  t.equal(ran, 0)
  const live = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(live.statusCode, 503)
  t.same(live.json(), { status: 'shutting_down' })
})

t.test('app.close() marks the app as shutting down', async (t) => {
  const { app } = await buildTestApp()
  await app.ready()
  await app.close()
  t.equal(app.lifecycle.shuttingDown, true)
})
