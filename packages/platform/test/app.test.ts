import { connect } from 'node:net'
import t from 'tap'
type Test = Parameters<Parameters<typeof t.test>[0]>[0]
import {
  appOptionsFromConfig,
  buildApp,
  createLogger,
  extendConfigSchema,
  httpErrors,
  loadConfig,
  problem,
  problemResponses,
  Type,
  type PlatformApp,
} from '../src/index.js'
import { buildTestApp, captureLogs } from './helpers.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function addRoutes(app: PlatformApp) {
  app.post(
    '/expenses/:id',
    {
      schema: {
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ maximum: 100 })) }),
        body: Type.Object(
          {
            amount: Type.String({ pattern: '^\\d+\\.\\d{2}$' }),
            currency: Type.String({ minLength: 3, maxLength: 3 }),
            count: Type.Optional(Type.Integer()),
            email: Type.Optional(Type.String({ format: 'email' })),
            tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ id: Type.Integer(), dryRun: Type.Boolean(), limit: Type.Optional(Type.Integer()), amount: Type.String() }),
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request) => {
      return { id: request.params.id, dryRun: request.query.dryRun ?? false, limit: request.query.limit, amount: request.body.amount }
    },
  )
  app.get('/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432 user=expense')
  })
  app.get('/missing', async () => {
    throw httpErrors.notFound('Expense 42 does not exist')
  })
  app.get('/conflict', { schema: { response: { ...problemResponses(409) } } }, async () => {
    throw problem(409, 'email_taken', 'Conflict', 'This email is already registered', { field: 'email' })
  })
  app.get('/unavailable', async () => {
    throw Object.assign(new Error('upstream pool exhausted at 10.0.0.9'), { statusCode: 503 })
  })
}

async function setup(t: Test, options: Parameters<typeof buildTestApp>[0] = {}) {
  const { app, logs } = await buildTestApp(options)
  addRoutes(app)
  t.teardown(() => app.close())
  return { app, logs }
}

const validBody = { amount: '12.50', currency: 'INR' }

function assertProblem(t: Test, res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number, code: string) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'problem+json content type')
  const body = res.json() as Record<string, unknown>
  t.match(body, { type: `urn:expenses:problem:${code}`, title: String, status, code, requestId: res.headers['x-request-id'] })
  return body
}

t.test('request ids', async (t) => {
  const { app, logs } = await setup(t)

  const generated = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(generated.headers['x-request-id'], UUID, 'a UUID is generated when none is sent')

  const honoured = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'gw-7f3a.01:2' } })
  t.equal(honoured.headers['x-request-id'], 'gw-7f3a.01:2', 'a sane incoming id is echoed')

  for (const insane of ['x'.repeat(200), 'has space', '<script>', 'semi;colon="q"', '']) {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': insane } })
    t.match(res.headers['x-request-id'], UUID, `replaced: ${JSON.stringify(insane.slice(0, 20))}`)
  }

  const notFound = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'trace-404' } })
  t.equal(notFound.headers['x-request-id'], 'trace-404', 'echoed on 404 too')
  t.equal(notFound.json().requestId, 'trace-404')

  t.ok(
    logs.lines().some((l) => l.reqId === 'trace-404' && l.msg === 'incoming request'),
    'the request id is logged as reqId',
  )
})

t.test('valid requests: params and querystrings are coerced, bodies are not', async (t) => {
  const { app } = await setup(t)
  const ok = await app.inject({ method: 'POST', url: '/expenses/7?dryRun=true&limit=10', payload: validBody })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { id: 7, dryRun: true, limit: 10, amount: '12.50' })

  const stringCount = await app.inject({ method: 'POST', url: '/expenses/7', payload: { ...validBody, count: '3' } })
  const body = assertProblem(t, stringCount, 400, 'validation_failed')
  t.same(body.errors, [{ path: 'body.count', message: 'must be integer' }], 'no string -> number coercion in bodies')
})

t.test('validation errors are 400 validation_failed with a path per problem', async (t) => {
  const { app } = await setup(t)
  const cases: [string, { url: string; payload: unknown }, { path: string; message: RegExp | string }][] = [
    ['missing property', { url: '/expenses/1', payload: { amount: '1.00' } }, { path: 'body.currency', message: 'is required' }],
    [
      'unknown property is rejected, not stripped',
      { url: '/expenses/1', payload: { ...validBody, userId: 'x' } },
      { path: 'body.userId', message: 'is not allowed' },
    ],
    ['format (ajv-formats)', { url: '/expenses/1', payload: { ...validBody, email: 'not-an-email' } }, { path: 'body.email', message: /format "email"/ }],
    ['pattern', { url: '/expenses/1', payload: { ...validBody, amount: '12.5' } }, { path: 'body.amount', message: /pattern/ }],
    ['nested array item', { url: '/expenses/1', payload: { ...validBody, tags: ['ok', ''] } }, { path: 'body.tags.1', message: /fewer than 1/ }],
    ['param', { url: '/expenses/abc', payload: validBody }, { path: 'params.id', message: 'must be integer' }],
    ['querystring', { url: '/expenses/1?limit=1000', payload: validBody }, { path: 'querystring.limit', message: /<= 100/ }],
  ]
  for (const [name, request, expected] of cases) {
    const res = await app.inject({ method: 'POST', ...request } as never)
    const body = assertProblem(t, res, 400, 'validation_failed')
    t.match(body.errors, [expected], name)
    t.match(body.detail, expected.path, `${name}: detail names the field`)
  }
})

t.test('body parsing problems', async (t) => {
  const { app } = await setup(t, { bodyLimit: 1024 })

  const malformed = await app.inject({ method: 'POST', url: '/expenses/1', headers: { 'content-type': 'application/json' }, payload: '{"amount": "1.00",' })
  assertProblem(t, malformed, 400, 'malformed_json')

  const poisoned = await app.inject({
    method: 'POST',
    url: '/expenses/1',
    headers: { 'content-type': 'application/json' },
    payload: '{"__proto__": {"admin": true}}',
  })
  assertProblem(t, poisoned, 400, 'malformed_json')

  const tooBig = await app.inject({ method: 'POST', url: '/expenses/1', payload: { ...validBody, tags: ['x'.repeat(2000)] } })
  assertProblem(t, tooBig, 413, 'payload_too_large')

  const xml = await app.inject({ method: 'POST', url: '/expenses/1', headers: { 'content-type': 'application/xml' }, payload: '<expense/>' })
  assertProblem(t, xml, 415, 'unsupported_media_type')
})

t.test('default body limit is 1 MiB', async (t) => {
  const { app } = await setup(t)
  const justUnder = await app.inject({ method: 'POST', url: '/expenses/1', payload: { ...validBody, tags: ['x'.repeat(1024 * 1024 - 200)] } })
  t.equal(justUnder.statusCode, 200)
  const over = await app.inject({ method: 'POST', url: '/expenses/1', payload: { ...validBody, tags: ['x'.repeat(1024 * 1024)] } })
  assertProblem(t, over, 413, 'payload_too_large')
})

t.test('unknown routes and wrong methods are 404 not_found', async (t) => {
  const { app } = await setup(t)
  assertProblem(t, await app.inject({ method: 'GET', url: '/no/such/route' }), 404, 'not_found')
  assertProblem(t, await app.inject({ method: 'DELETE', url: '/expenses/1' }), 404, 'not_found')
})

t.test('problems thrown by routes keep their status, code, detail and extras', async (t) => {
  const { app } = await setup(t)
  const missing = assertProblem(t, await app.inject({ method: 'GET', url: '/missing' }), 404, 'not_found')
  t.equal(missing.detail, 'Expense 42 does not exist')

  const conflict = assertProblem(t, await app.inject({ method: 'GET', url: '/conflict' }), 409, 'email_taken')
  t.equal(conflict.detail, 'This email is already registered')
  t.equal(conflict.field, 'email', 'extra members survive the response schema')
})

t.test('unexpected errors are 500 internal_error with no internals, logged at error level with the request id', async (t) => {
  const { app, logs } = await setup(t)
  const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom-1' } })
  const body = assertProblem(t, res, 500, 'internal_error')
  t.notMatch(res.body, 'ECONNREFUSED')
  t.notMatch(res.body, '10.0.0.7')
  t.notMatch(res.body, /at .*\.ts:\d+/, 'no stack trace')
  t.match(body.detail, /unexpected error/)

  const logged = logs.lines().find((l) => l.level === 'error')
  t.ok(logged, 'an error line was written')
  t.equal(logged?.reqId, 'req-boom-1')
  t.match(logged?.err, { message: /ECONNREFUSED/, stack: String }, 'the real error is in the log')

  const unavailable = await app.inject({ method: 'GET', url: '/unavailable' })
  assertProblem(t, unavailable, 503, 'service_unavailable')
  t.notMatch(unavailable.body, '10.0.0.9', '5xx messages are never echoed')
})

t.test('appOptionsFromConfig feeds the same buildApp production uses', async (t) => {
  const config = loadConfig(extendConfigSchema({}), { PORT: '4004', LOG_LEVEL: 'warn' })
  const logs = captureLogs()
  const options = appOptionsFromConfig(config, {
    service: 'expense-service',
    logger: createLogger({ service: 'expense-service', level: config.LOG_LEVEL, destination: logs.stream }),
  })
  t.equal(options.logLevel, 'warn')
  const app = await buildApp(options)
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.equal(logs.lines().length, 0, 'info request logs are suppressed at warn')
})

t.test('requests the HTTP parser rejects still get a problem+json answer', async (t) => {
  const { app } = await setup(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'))
    let data = ''
    socket.on('data', (chunk) => (data += chunk))
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
  })
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 400 Bad Request/)
  t.match(head, /content-type: application\/problem\+json/i)
  t.match(JSON.parse(body), { status: 400, code: 'bad_request', requestId: UUID })
})
