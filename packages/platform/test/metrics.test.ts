import t from 'tap'
import { Counter, createMetricsRegistry, Type } from '../src/index.js'
import { buildTestApp } from './helpers.js'

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

t.test('/metrics exposes process metrics and request durations by route pattern', async (t) => {
  const { app } = await buildTestApp({ service: 'expense-service' })
  t.teardown(() => app.close())
  app.get('/expenses/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => ({ id: request.params.id }))

  for (const id of ['a', 'b', 'c']) await app.inject({ method: 'GET', url: `/expenses/${id}` })
  await app.inject({ method: 'GET', url: '/nowhere/1' })
  await app.inject({ method: 'GET', url: '/nowhere/2' })
  await app.inject({ method: 'GET', url: '/healthz' })

  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  const text = res.body
  t.match(text, /^process_cpu_user_seconds_total/m, 'default process metrics')
  t.match(text, /^nodejs_eventloop_lag_seconds/m)

  const count = 'http_request_duration_seconds_count'
  t.equal(sample(text, count, { method: 'GET', route: '/expenses/:id', status_code: '200', service: 'expense-service' }), 3)
  t.equal(sample(text, count, { route: 'unmatched', status_code: '404' }), 2, 'unknown URLs share one series')
  t.notMatch(text, '/expenses/a', 'raw URLs never become labels')
  t.notMatch(text, '/nowhere', 'raw URLs never become labels')
  t.notMatch(text, 'route="/healthz"', 'probes are not measured')
  t.match(text, /http_request_duration_seconds_bucket\{.*le="0.005".*\}/)
})

t.test('each app has its own registry, so two apps in one process do not clash', async (t) => {
  const first = await buildTestApp({ service: 'one' })
  const second = await buildTestApp({ service: 'two' })
  t.teardown(async () => {
    await first.app.close()
    await second.app.close()
  })
  t.not(first.app.metrics.registry, second.app.metrics.registry)
  await first.app.inject({ method: 'GET', url: '/nope' })
  const secondText = (await second.app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(secondText, 'http_request_duration_seconds_count', { route: 'unmatched' }), undefined)
})

t.test('services register their own metrics on the exported registry', async (t) => {
  const registry = createMetricsRegistry({ service: 'user-service' })
  const consumed = new Counter({ name: 'events_consumed_total', help: 'Events consumed', labelNames: ['topic'], registers: [registry] })
  const { app } = await buildTestApp({ metricsRegistry: registry })
  t.teardown(() => app.close())
  t.equal(app.metrics.registry, registry)
  consumed.inc({ topic: 'user.events' }, 2)
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'events_consumed_total', { topic: 'user.events' }), 2)
})
