/**
 * The gateway end to end over real HTTP, with the repository's api/routes.yaml. The upstream
 * services are small Fastify apps standing in for the real ones (those have their own tests);
 * the JWKS endpoint is real and serves a freshly generated RS256 key.
 */
import { request as httpRequest } from 'node:http'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '@expenses/platform'
import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../src/app.js'
import { gatewayConfigSchema } from '../src/config.js'
import { deadUrl, otherPrivateKey, startFakeService, startJwks } from './helpers.js'
import type { FakeService } from './helpers.js'

const jwks = await startJwks()
const authA = await startFakeService('auth-a', {
  openapiPaths: { '/auth/v1/login': { post: { summary: 'Log in' } }, '/auth/v1/jwks': { get: { summary: 'Signing keys' } } },
})
const authB = await startFakeService('auth-b', {
  openapiPaths: { '/auth/v1/login': { post: { summary: 'Log in' } }, '/auth/v1/jwks': { get: { summary: 'Signing keys' } } },
})
const userLive = await startFakeService('user', { openapiPaths: { '/user/v1/profile': { get: { summary: 'My profile' } } } })
const expenseSlow = await startFakeService('expense', { delayMs: 5_000 })
const deadUser = await deadUrl()
const deadDs = [await deadUrl(), await deadUrl()]

const env = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  AUTH_JWKS_URL: jwks.url,
  CORS_ORIGINS: 'https://app.example',
  // Generous for a loaded CI machine; the slow stand-in takes far longer.
  UPSTREAM_TIMEOUT_MS: '1500',
  AUTH_SERVICE_URLS: `${authA.url},${authB.url}`,
  USER_SERVICE_URLS: `${deadUser},${userLive.url}`,
  DS_SERVICE_URLS: deadDs.join(','),
  EXPENSE_SERVICE_URLS: expenseSlow.url,
}
const { app } = await buildGateway(loadConfig(gatewayConfigSchema, env), { env })
await app.listen({ port: 0, host: '127.0.0.1' })
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

t.teardown(async () => {
  await app.close()
  await Promise.all([jwks.close(), authA.close(), authB.close(), userLive.close(), expenseSlow.close()])
})

function reset(...services: FakeService[]) {
  for (const s of services) s.seen.length = 0
}

async function call(method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}) {
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
  })
  const text = await res.body.text()
  const json = () => JSON.parse(text) as Record<string, unknown>
  return { status: res.statusCode, headers: res.headers, text, json }
}

/** Node's http client: sends the path byte for byte (WHATWG URL parsing would resolve dot segments) and can stream chunks. */
function rawCall(method: string, path: string, headers: Record<string, string> = {}, chunks: Buffer[] = []) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(base)
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('longest prefix wins: /auth/v1/me needs a token, the rest of /auth/v1 does not', async (t) => {
  reset(authA, authB)
  const me = await call('GET', '/auth/v1/me')
  t.equal(me.status, 401, 'auth-me (auth: required) matched, not the broader auth route')
  t.equal(authA.seen.length + authB.seen.length, 0)
  const other = await call('GET', '/auth/v1/jwks?x=1')
  t.equal(other.status, 200)
  t.equal(other.json().url, '/auth/v1/jwks?x=1', 'path and query reach the service unchanged')
})

t.test("the service's status, headers and body reach the client as sent", async (t) => {
  const cookies = await call('GET', '/auth/v1/cookies')
  t.same(cookies.headers['set-cookie'], ['a=1; HttpOnly', 'b=2; HttpOnly'], 'repeated headers survive')
  t.match(cookies.headers['x-served-by'], /^auth-/)
  const head = await call('HEAD', '/auth/v1/cookies')
  t.equal(head.status, 200)
  t.equal(head.text, '', 'HEAD has no body')
  const deleted = await call('DELETE', '/auth/v1/sessions/1')
  t.equal(deleted.status, 204)
})

t.test('requests to one service are spread round-robin across its instances', async (t) => {
  reset(authA, authB)
  for (let i = 0; i < 6; i++) t.equal((await call('GET', '/auth/v1/jwks')).status, 200)
  t.equal(authA.seen.length, 3, 'first instance got half')
  t.equal(authB.seen.length, 3, 'second instance got half')
})

t.test('an instance that refuses connections is skipped and the request retried on another', async (t) => {
  reset(userLive)
  const token = jwks.sign()
  for (let i = 0; i < 4; i++) {
    const res = await call('POST', '/user/v1/profile', { headers: { ...bearer(token), 'content-type': 'application/json' }, body: `{"n":${i}}` })
    t.equal(res.status, 200, `request ${i} answered despite the dead instance`)
  }
  t.equal(userLive.seen.length, 4, 'the live instance got every request, once each')
  t.same(
    userLive.seen.map((s) => s.body),
    ['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}'],
    'the retried POST carried its body',
  )
  const metrics = await call('GET', '/metrics')
  t.match(metrics.text, new RegExp(`gateway_upstream_healthy\\{service="user-service",instance="${deadUser}/"[^}]*\\} 0`))
  t.match(metrics.text, /gateway_upstream_attempts_total\{service="user-service",outcome="refused"[^}]*\} 1\n/, 'dead instance was tried once, then skipped')
})

t.test('when no instance answers the client gets a fast 503 problem with Retry-After (the pool cooldown)', async (t) => {
  const started = Date.now()
  const res = await call('GET', '/ds/v1/messages', { headers: bearer(jwks.sign()) })
  t.equal(res.status, 503)
  t.ok(Date.now() - started < 2_000, `answered in ${Date.now() - started} ms`)
  t.equal(res.headers['retry-after'], '10', 'Retry-After: UPSTREAM_COOLDOWN_MS (10 s by default)')
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 503, code: 'service_unavailable', detail: 'No instance of ds-service answered (2 tried)', retryAfterSeconds: 10 })
})

t.test('an upstream that does not answer in time gives a 504 problem', async (t) => {
  const res = await call('GET', '/expense/v1/expenses', { headers: bearer(jwks.sign()) })
  t.equal(res.status, 504)
  t.match(res.json(), { status: 504, code: 'gateway_timeout' })
})

t.test('protected routes reject missing, forged, expired and malformed tokens before the service', async (t) => {
  reset(userLive)
  const cases: [string, Record<string, string>][] = [
    ['missing', {}],
    ['forged (unknown key, same kid)', bearer(jwks.sign({}, { key: otherPrivateKey() }))],
    ['expired', bearer(jwks.sign({ exp: Math.floor(Date.now() / 1000) - 120 }))],
    ['wrong audience', bearer(jwks.sign({ aud: 'someone-else' }))],
    ['garbage', bearer('not.a.jwt')],
    ['basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
  ]
  for (const [name, headers] of cases) {
    const res = await call('GET', '/user/v1/profile', { headers })
    t.equal(res.status, 401, `${name} -> 401`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name} -> problem+json`)
    t.match(res.json(), { status: 401, code: 'invalid_token' })
  }
  t.equal(userLive.seen.length, 0, 'the service never saw any of them')
})

t.test('a valid token passes; the service sees the same Authorization header and the request id', async (t) => {
  reset(userLive)
  const token = jwks.sign()
  const res = await call('GET', '/user/v1/profile', {
    headers: { ...bearer(token), 'x-request-id': 'trace-abc-123', 'x-forwarded-for': '6.6.6.6' },
  })
  t.equal(res.status, 200)
  t.equal(res.headers['x-request-id'], 'trace-abc-123', 'returned to the client')
  const seen = userLive.seen[0]
  t.equal(seen?.headers.authorization, `Bearer ${token}`, 'Authorization passed through unchanged')
  t.equal(seen?.headers['x-request-id'], 'trace-abc-123', 'request id passed downstream')
  t.equal(seen?.headers['x-forwarded-for'], '127.0.0.1', 'a client-supplied X-Forwarded-For is replaced, not trusted')

  reset(userLive)
  const generated = await call('GET', '/user/v1/profile', { headers: bearer(token) })
  const id = generated.headers['x-request-id']
  t.match(id, /^[0-9a-f-]{36}$/, 'an id is generated when the client sends none')
  t.equal(userLive.seen[0]?.headers['x-request-id'], id, 'the generated id is the one the service sees')
})

t.test('login is rate limited per client: the 11th attempt in a minute gets 429 with Retry-After', async (t) => {
  reset(authA, authB)
  for (let i = 1; i <= 10; i++) {
    const res = await call('POST', '/auth/v1/login', { headers: { 'content-type': 'application/json' }, body: '{}' })
    t.equal(res.status, 200, `attempt ${i} allowed`)
    t.equal(res.headers['ratelimit-remaining'], String(10 - i))
  }
  const limited = await call('POST', '/auth/v1/login', { headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(limited.status, 429)
  t.match(limited.headers['content-type'], /^application\/problem\+json/)
  t.match(limited.json(), { status: 429, code: 'too_many_requests' })
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After is 1..60 s (got ${retryAfter})`)
  t.equal(limited.headers['ratelimit-limit'], '10')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  t.equal(authA.seen.length + authB.seen.length, 10, 'the rejected attempt never reached auth-service')
  t.equal((await call('GET', '/auth/v1/jwks')).status, 200, 'other auth routes have their own, larger budget')
})

t.test('a spoofed X-Forwarded-For from an untrusted client cannot dodge the rate limit (TRUST_PROXY off, the default)', async (t) => {
  // A gateway of its own: the login budget of the shared one is spent by the test above.
  const start = async (extra: Record<string, string>) => {
    const gatewayEnv = { ...env, ...extra }
    const { app: gateway } = await buildGateway(loadConfig(gatewayConfigSchema, gatewayEnv), { env: gatewayEnv })
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    t.teardown(() => gateway.close())
    const url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/auth/v1/login`
    return async (i: number) => {
      const spoofed = `203.0.113.${i}`
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': spoofed, 'x-real-ip': spoofed, forwarded: `for=${spoofed}` },
        body: '{}',
      })
      await res.body.dump()
      return res.statusCode
    }
  }
  reset(authA, authB)
  const untrusted = await start({})
  const statuses: number[] = []
  for (let i = 1; i <= 12; i++) statuses.push(await untrusted(i))
  t.same(statuses, [...Array<number>(10).fill(200), 429, 429], 'a new address per request, yet one budget of 10: the socket address counts')
  const forwarded = [...authA.seen, ...authB.seen].map((r) => r.headers['x-forwarded-for'])
  t.same([...new Set(forwarded)], ['127.0.0.1'], 'and the services see the real client address, never the spoofed one')

  // Control: behind a proxy the operator trusts (TRUST_PROXY=true) the header names the client, so the same
  // requests are twelve clients; the check above would see this if the default trusted the header.
  const trusted = await start({ TRUST_PROXY: 'true' })
  const trustedStatuses: number[] = []
  for (let i = 1; i <= 12; i++) trustedStatuses.push(await trusted(i))
  t.same(trustedStatuses, Array<number>(12).fill(200), 'TRUST_PROXY=true: one budget per forwarded address')
})

t.test('a body over the route limit is refused with 413 before it is proxied', async (t) => {
  reset(authA, authB)
  const tooBig = Buffer.alloc(1024 * 1024 + 1, 'a')
  const declared = await call('POST', '/auth/v1/signup', { headers: { 'content-type': 'application/octet-stream' }, body: tooBig })
  t.equal(declared.status, 413)
  t.match(declared.json(), { status: 413, code: 'payload_too_large' })

  // No Content-Length: the limit must hold while streaming too.
  const chunked = await rawCall(
    'POST',
    '/auth/v1/signup',
    { 'content-type': 'text/plain' },
    Array.from({ length: 17 }, () => Buffer.alloc(64 * 1024, 'b')),
  )
  t.equal(chunked.status, 413, 'chunked upload over the limit -> 413')
  t.equal(authA.seen.length + authB.seen.length, 0, 'auth-service never saw either body')

  reset(userLive)
  const payload = JSON.stringify({ pad: 'x'.repeat(1000) })
  const ok = await call('PUT', '/user/v1/profile', {
    headers: { ...bearer(jwks.sign()), 'content-type': 'application/json' },
    body: payload,
  })
  t.equal(ok.status, 200, 'a body under the limit is proxied')
  t.equal(userLive.seen[0]?.body, payload, 'in full')
})

t.test('CORS: allowed origins get preflight answers, other origins none; upstream CORS headers are dropped', async (t) => {
  const preflight = await call('OPTIONS', '/expense/v1/expenses', {
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  })
  t.equal(preflight.status, 204)
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example')
  t.match(String(preflight.headers['access-control-allow-methods']), /POST/)
  t.match(String(preflight.headers['access-control-allow-headers']), /authorization/)

  const foreign = await call('OPTIONS', '/expense/v1/expenses', {
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  })
  t.equal(foreign.headers['access-control-allow-origin'], undefined, 'no allow-origin for an unlisted origin')

  const actual = await call('GET', '/auth/v1/jwks', { headers: { origin: 'https://app.example' } })
  t.equal(actual.headers['access-control-allow-origin'], 'https://app.example', "the gateway's header, not the upstream's")
  t.match(String(actual.headers['access-control-expose-headers']), /x-request-id/)
})

t.test('GET /openapi.json merges the public paths of every reachable service', async (t) => {
  const res = await call('GET', '/openapi.json')
  t.equal(res.status, 200)
  const doc = res.json() as { openapi: string; paths: Record<string, unknown>; 'x-unavailable': { service: string }[] }
  t.match(doc.openapi, /^3\./)
  t.ok(doc.paths['/auth/v1/login'], 'auth-service path present')
  t.ok(doc.paths['/user/v1/profile'], 'user-service path present')
  t.notOk(doc.paths['/healthz'], "services' own probes are not public API")
  t.same(
    doc['x-unavailable'].map((u) => u.service),
    ['ds-service'],
    'the service with no live instance is reported, not a 500',
  )
})

t.test('GET /docs is Swagger UI on the merged document, with no asset from another origin', async (t) => {
  const docs = await call('GET', '/docs')
  t.equal(docs.status, 200)
  t.match(docs.headers['content-type'], /^text\/html/)
  t.match(docs.text, /swagger-ui/)
  t.notMatch(docs.text, /(src|href)="https?:/, 'scripts and styles come from the gateway itself')
  const csp = String(docs.headers['content-security-policy'])
  t.match(csp, /script-src 'self'/)
  t.notMatch(csp, /upgrade-insecure-requests/, 'a plain-http gateway keeps working')
  const initializer = await call('GET', '/docs/static/swagger-initializer.js')
  t.equal(initializer.status, 200)
  const spec = await call('GET', '/docs/json')
  t.equal(spec.status, 200)
  const doc = spec.json() as { paths: Record<string, unknown> }
  t.ok(doc.paths['/user/v1/profile'], "the UI shows the merged document, not the gateway's own")
  t.ok(doc.paths['/auth/v1/login'])
})

t.test('every answer carries the browser security headers', async (t) => {
  for (const path of ['/healthz', '/nope/v1/x', '/auth/v1/jwks']) {
    const res = await call('GET', path)
    t.equal(res.headers['x-content-type-options'], 'nosniff', path)
    t.equal(res.headers['x-frame-options'], 'DENY', path)
    t.equal(res.headers['referrer-policy'], 'no-referrer', path)
    t.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, path)
  }
})

t.test('without WEB_ROOT there is no web app at /', async (t) => {
  const res = await call('GET', '/')
  t.equal(res.status, 404)
  t.match(res.json(), { code: 'not_found' })
})

t.test('WEB_ROOT serves the web app at / with hashed assets cached and index.html revalidated', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'web-root-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Expenses</title><script type="module" src="/assets/app-1a2b3c.js"></script>')
  writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), 'console.log(1)')
  writeFileSync(join(root, '.env'), 'SECRET=1')
  const webEnv = { ...env, WEB_ROOT: root }
  const { app: web } = await buildGateway(loadConfig(gatewayConfigSchema, webEnv), { env: webEnv })
  t.teardown(() => web.close())
  const index = await web.inject({ method: 'GET', url: '/' })
  t.equal(index.statusCode, 200)
  t.match(index.headers['content-type'], /^text\/html/)
  t.equal(index.headers['cache-control'], 'no-cache')
  t.match(String(index.headers['content-security-policy']), /script-src 'self'(;|$)/, 'no inline script allowed')
  t.match(index.body, /app-1a2b3c\.js/)
  const asset = await web.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' })
  t.equal(asset.statusCode, 200)
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal((await web.inject({ method: 'GET', url: '/.env' })).statusCode, 404, 'dot files are not served')
  t.equal((await web.inject({ method: 'GET', url: '/assets/../../etc/passwd' })).statusCode, 404)
  t.not((await web.inject({ method: 'GET', url: '/auth/v1/jwks' })).statusCode, 404, 'API prefixes still go to the services')
})

t.test('WEB_URLS: GET and HEAD of a path no route claims go to the web app instances, writes stay a 404', async (t) => {
  // The stand-in plays the web chart's static server; the API routes still go to their services.
  const site = await startFakeService('web')
  t.teardown(() => site.close())
  const webEnv = { ...env, WEB_URLS: site.url }
  const { app: gw } = await buildGateway(loadConfig(gatewayConfigSchema, webEnv), { env: webEnv })
  t.teardown(() => gw.close())
  const index = await gw.inject({ method: 'GET', url: '/' })
  t.equal(index.statusCode, 200)
  t.equal(index.headers['x-served-by'], 'web')
  t.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/, 'the gateway adds its headers to proxied pages too')
  t.equal((await gw.inject({ method: 'HEAD', url: '/assets/app-1.js?v=2' })).headers['x-served-by'], 'web')
  t.same(
    site.seen.map((r) => `${r.method} ${r.url}`),
    ['GET /', 'HEAD /assets/app-1.js?v=2'],
    'path and query reach the web app as sent',
  )
  const write = await gw.inject({ method: 'POST', url: '/', payload: 'x' })
  t.equal(write.statusCode, 404, 'POST to a page is the gateway 404')
  t.match(write.json(), { code: 'not_found' })
  t.equal((await gw.inject({ method: 'GET', url: '/auth/v1/jwks' })).headers['x-served-by'] !== 'web', true, 'API prefixes still go to the services')
  t.equal((await gw.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, "the gateway's own paths stay its own")
  t.equal(site.seen.length, 2, 'nothing else reached the web app')
  // Over a real socket: inject would resolve the dot segments before the gateway sees them.
  await gw.listen({ port: 0, host: '127.0.0.1' })
  const dotted = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: (gw.server.address() as AddressInfo).port, path: '/assets/%2e%2e/secret' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject).end()
  })
  t.equal(dotted, 400, 'dot segments are refused before the web app too')
  t.equal(site.seen.length, 2, 'and never reach it')
})

t.test('WEB_ROOT and WEB_URLS together stop the gateway with one clear line', async (t) => {
  const webEnv = { ...env, WEB_ROOT: mkdtempSync(join(tmpdir(), 'web-both-')), WEB_URLS: 'http://127.0.0.1:1' }
  await t.rejects(buildGateway(loadConfig(gatewayConfigSchema, webEnv), { env: webEnv }), /set WEB_ROOT .* or WEB_URLS .*, not both/)
})

t.test('a WEB_ROOT without index.html stops the gateway with one clear line', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'web-empty-'))
  const webEnv = { ...env, WEB_ROOT: root }
  await t.rejects(buildGateway(loadConfig(gatewayConfigSchema, webEnv), { env: webEnv }), /has no index\.html: build the web app first/)
})

t.test('unknown paths and dot segments are refused at the gateway', async (t) => {
  const unknown = await call('GET', '/nope/v1/x')
  t.equal(unknown.status, 404)
  t.match(unknown.json(), { status: 404, code: 'not_found' })
  reset(authA, authB)
  for (const path of ['/auth/v1/%2e%2e/me', '/auth/v1/../user/v1/profile', '/auth/v1/./me']) {
    const sneaky = await rawCall('GET', path)
    t.equal(sneaky.status, 400, `${path} -> 400`)
  }
  t.equal(authA.seen.length + authB.seen.length, 0, 'none reached auth-service')
})

t.test('health, readiness and metrics are served by the gateway itself', async (t) => {
  t.equal((await call('GET', '/healthz')).status, 200)
  const ready = await call('GET', '/readyz')
  t.equal(ready.status, 200)
  t.match(ready.json(), { status: 'ready', checks: { routeTable: 'ok' } })
  const metrics = await call('GET', '/metrics')
  t.match(metrics.text, /gateway_request_duration_seconds_count\{route="auth-login",service="auth-service",status_code="429"[^}]*\} 1/)
})

t.test('a cross-service table routes by longest prefix', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-'))
  const file = join(dir, 'routes.yaml')
  writeFileSync(
    file,
    `services:
  auth-service: { port: 4001 }
  user-service: { port: 4002 }
defaults: { rateLimit: { perMinute: 100 }, bodyLimitBytes: 1000 }
routes:
  - { name: broad, prefix: /auth/v1, service: auth-service, auth: none }
  - { name: narrow, prefix: /auth/v1/special, service: user-service, auth: none }
`,
  )
  const env2 = { ...env, ROUTES_FILE: file, USER_SERVICE_URLS: userLive.url }
  const gw = await buildGateway(loadConfig(gatewayConfigSchema, env2), { env: env2 })
  t.teardown(() => gw.app.close())
  const special = await gw.app.inject({ method: 'GET', url: '/auth/v1/special/thing' })
  t.equal(special.json().service, 'user', '/auth/v1/special/* -> user-service')
  const broad = await gw.app.inject({ method: 'GET', url: '/auth/v1/specialist' })
  t.match(broad.json().service, /^auth-/, '/auth/v1/specialist is not under /auth/v1/special')
})

t.test('when signing keys cannot be loaded, protected routes answer 503 and the service is not called', async (t) => {
  const env2 = { ...env, AUTH_JWKS_URL: `${await deadUrl()}/auth/v1/jwks`, USER_SERVICE_URLS: userLive.url }
  const gw = await buildGateway(loadConfig(gatewayConfigSchema, env2), { env: env2 })
  t.teardown(() => gw.app.close())
  reset(userLive)
  const res = await gw.app.inject({ method: 'GET', url: '/user/v1/profile', headers: bearer(jwks.sign()) })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 503, code: 'auth_unavailable' })
  t.equal(userLive.seen.length, 0)
})

t.test('a bad route table stops the gateway with a one-line error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bad-'))
  const file = join(dir, 'routes.yaml')
  writeFileSync(
    file,
    `services: { auth-service: { port: 4001 } }
defaults: { rateLimit: { perMinute: 100 }, bodyLimitBytes: 1000 }
routes:
  - { name: x, prefix: /x, service: billing-service, auth: none }
`,
  )
  const env2 = { ...env, ROUTES_FILE: file }
  await t.rejects(buildGateway(loadConfig(gatewayConfigSchema, env2), { env: env2 }), {
    name: 'RouteTableError',
    message: `${file}: routes[0] (x): unknown service "billing-service" (known: auth-service)`,
  })
  const env3 = { ...env, AUTH_SERVICE_URLS: 'ftp://nope' }
  await t.rejects(buildGateway(loadConfig(gatewayConfigSchema, env3), { env: env3 }), {
    message: 'AUTH_SERVICE_URLS: "ftp://nope" must be an http(s) URL',
  })
})

t.test('RATE_LIMIT_MULTIPLIER scales every route limit without touching the route table; a bad value stops the start', async (t) => {
  const scaledEnv = { ...env, RATE_LIMIT_MULTIPLIER: '3' }
  const { app: scaled } = await buildGateway(loadConfig(gatewayConfigSchema, scaledEnv), { env: scaledEnv })
  await scaled.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => scaled.close())
  const scaledBase = `http://127.0.0.1:${(scaled.server.address() as AddressInfo).port}`
  const login = () => request(`${scaledBase}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  const first = await login()
  await first.body.dump()
  t.equal(first.headers['ratelimit-limit'], '30', 'login: 10 per minute in the route table, times 3')
  let allowed = 1
  for (let i = 2; i <= 31; i++) {
    const res = await login()
    await res.body.dump()
    if (res.statusCode === 200) allowed++
    else t.equal(res.statusCode, 429, `attempt ${i} is limited`)
  }
  t.equal(allowed, 30)
  for (const bad of ['0', '-2', 'lots']) {
    t.throws(() => loadConfig(gatewayConfigSchema, { ...env, RATE_LIMIT_MULTIPLIER: bad }), /RATE_LIMIT_MULTIPLIER/, `RATE_LIMIT_MULTIPLIER=${bad} is refused`)
  }
})
