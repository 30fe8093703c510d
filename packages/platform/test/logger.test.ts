import t from 'tap'
import { createLogger, redactConnectionString, redactDeep, shouldPrettyPrint, Type } from '../src/index.js'
import { buildTestApp, captureLogs } from './helpers.js'

t.test('every line carries the service name and a level label', async (t) => {
  const logs = captureLogs()
  const log = createLogger({ service: 'ds-service', level: 'info', destination: logs.stream })
  log.info('hello')
  log.child({ component: 'parser' }).warn('careful')
  log.debug('not at info level')
  const lines = logs.lines()
  t.equal(lines.length, 2)
  t.same(
    lines.map((l) => [l.service, l.level, l.msg]),
    [
      ['ds-service', 'info', 'hello'],
      ['ds-service', 'warn', 'careful'],
    ],
  )
})

t.test('redacts secret keys at any reasonable depth and keeps connection strings without the password', async (t) => {
  const logs = captureLogs()
  const log = createLogger({ service: 'auth-service', destination: logs.stream })
  log.info(
    {
      password: 'top-level-pw',
      user: { newPassword: 'nested-pw', profile: { settings: { token: 'deep-token' } } },
      refreshToken: 'rt-value',
      accessToken: 'at-value',
      secret: 'shh',
      privateKey: '-----BEGIN PRIVATE KEY-----abc',
      config: { DATABASE_URL: 'postgres://auth:db-pw-123@db:5432/auth' },
      items: [{ password: 'in-array' }],
    },
    'signup',
  )
  const out = logs.text()
  for (const secret of ['top-level-pw', 'nested-pw', 'deep-token', 'rt-value', 'at-value', 'shh', 'BEGIN PRIVATE', 'db-pw-123', 'in-array']) {
    t.notMatch(out, secret, `${secret} is not logged`)
  }
  const line = logs.lines()[0] as { config: { DATABASE_URL: string }; password: string }
  t.equal(line.password, '[Redacted]')
  t.equal(line.config.DATABASE_URL, 'postgres://auth:[Redacted]@db:5432/auth', 'host and database stay visible')
})

t.test('a request with a password body and Authorization header never shows them in the logs', async (t) => {
  const { app, logs } = await buildTestApp()
  t.teardown(() => app.close())
  app.post('/login', { schema: { body: Type.Object({ username: Type.String(), password: Type.String() }) } }, async (request) => {
    // The worst case: a careless handler logging everything it got.
    request.log.info({ body: request.body, headers: request.headers, req: request.raw }, 'login attempt')
    return { ok: true }
  })
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.secret-token-part', cookie: 'session=cookie-secret' },
    payload: { username: 'asha', password: 'Correct-Horse-9' },
  })
  t.equal(res.statusCode, 200)
  const out = logs.text()
  t.match(out, '"username":"asha"', 'the handler log line was written')
  t.notMatch(out, 'Correct-Horse-9')
  t.notMatch(out, 'secret-token-part')
  t.notMatch(out, 'cookie-secret')
  const lines = logs.lines()
  const attempt = lines.find((l) => l.msg === 'login attempt') as { reqId: string; service: string }
  t.equal(attempt.service, 'test-service')
  t.equal(attempt.reqId, res.headers['x-request-id'], 'log lines carry the request id')
})

t.test('pretty output only when forced or on a TTY', async (t) => {
  t.equal(shouldPrettyPrint({ LOG_PRETTY: 'true' }, false), true)
  t.equal(shouldPrettyPrint({ LOG_PRETTY: 'false' }, true), false)
  t.equal(shouldPrettyPrint({}, true), true)
  t.equal(shouldPrettyPrint({}, false), false)
  const logs = captureLogs()
  createLogger({ service: 'x', pretty: true, destination: logs.stream }).info({ password: 'pw-in-pretty' }, 'pretty line')
  await new Promise((resolve) => setImmediate(resolve))
  t.match(logs.text(), 'pretty line')
  t.notMatch(logs.text(), /^\{/, 'not JSON')
  t.notMatch(logs.text(), 'pw-in-pretty', 'redaction applies to pretty output too')
})

t.test('redactConnectionString only touches the password', async (t) => {
  t.equal(redactConnectionString('postgres://u:p%40ss@h:5432/db?sslmode=require'), 'postgres://u:[Redacted]@h:5432/db?sslmode=require')
  t.equal(redactConnectionString('postgres://h:5432/db'), 'postgres://h:5432/db')
  t.equal(redactConnectionString('kafka:9092'), 'kafka:9092')
})

t.test('redactDeep censors nested secrets without mutating what the caller logged', async (t) => {
  const input = {
    a: { b: { c: { d: { e: { f: { apiKey: 'k-123', note: 'keep' } } } } } },
    list: [{ Authorization: 'Bearer x' }, 'postgres://u:pw@h/db'],
    error: new Error('postgres://u:in-error@h/db'),
    KAFKA_SASL_PASSWORD: 'sasl',
    count: 3,
  }
  const snapshot = JSON.stringify(input)
  const out = redactDeep(input) as typeof input
  t.equal(JSON.stringify(input), snapshot, 'input untouched')
  t.same(out.a.b.c.d.e.f, { apiKey: '[Redacted]', note: 'keep' }, 'six levels deep')
  t.same(out.list, [{ Authorization: '[Redacted]' }, 'postgres://u:[Redacted]@h/db'], 'arrays and bare connection strings')
  t.equal(out.KAFKA_SASL_PASSWORD, '[Redacted]')
  t.equal(out.error, input.error, 'non-plain objects are left to serializers')
  t.equal(out.count, 3)
  const clean = { a: { b: 1 }, c: ['x'] }
  t.equal(redactDeep(clean), clean, 'nothing to redact: same object back, no copying')
})

t.test('extra redact keys and child bindings are covered', async (t) => {
  const logs = captureLogs()
  const log = createLogger({ service: 'x', destination: logs.stream, redactKeys: ['otp'] })
  log.child({ sessionToken: 'bound-secret' }).info({ payload: { otp: '123456' } }, 'verify')
  const out = logs.text()
  t.notMatch(out, 'bound-secret')
  t.notMatch(out, '123456')
  t.match(out, '"otp":"[Redacted]"')
})
