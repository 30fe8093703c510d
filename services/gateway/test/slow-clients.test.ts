/**
 * Slow and idle clients against the real gateway over real sockets: slowloris-style headers and bodies,
 * oversized headers, and hundreds of idle connections. The gateway keeps serving everyone else and frees
 * the slow ones by its own limits (CLIENT_* and MAX_HEADER_BYTES, set short here so the test is quick).
 */
import net, { type AddressInfo } from 'node:net'
import { loadConfig } from '@expenses/platform'
import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../src/app.js'
import { gatewayConfigSchema } from '../src/config.js'
import { startFakeService, startJwks } from './helpers.js'

const HEADERS_MS = 600
const REQUEST_MS = 1_500
const KEEP_ALIVE_MS = 500
const IDLE_MS = 4_000
/** Node checks the timeouts every quarter of the shorter one (platform's clientLimitOptions); allow that and a loaded machine. */
const SLACK_MS = 1_500

const jwks = await startJwks()
const auth = await startFakeService('auth')
const env = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  AUTH_JWKS_URL: jwks.url,
  AUTH_SERVICE_URLS: auth.url,
  CLIENT_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
  CLIENT_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
  CLIENT_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
  CLIENT_IDLE_TIMEOUT_MS: String(IDLE_MS),
  MAX_HEADER_BYTES: '4096',
  // Rate limits are not under test; the many requests below must not meet them.
  RATE_LIMIT_MULTIPLIER: '1000',
}
const { app } = await buildGateway(loadConfig(gatewayConfigSchema, env), { env })
await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as AddressInfo
const base = `http://127.0.0.1:${port}`
t.teardown(async () => {
  await app.close()
  await Promise.all([jwks.close(), auth.close()])
})

interface RawClient {
  socket: net.Socket
  /** Everything the gateway wrote back. */
  received: () => string
  /** Resolves with the ms from open to close when the gateway closes the socket. */
  closed: Promise<number>
}

function rawClient(): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const openedAt = Date.now()
    let data = ''
    const socket = net.connect({ port, host: '127.0.0.1' })
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - openedAt)))
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()))
    socket.on('error', () => undefined) // a reset after the gateway closes is expected
    socket.once('connect', () => resolve({ socket, received: () => data, closed }))
    socket.once('error', reject)
  })
}

/** Writes `chunks` one every `everyMs` until the socket closes (the client never finishes on its own). */
function dribble(client: RawClient, chunks: () => string, everyMs: number) {
  const timer = setInterval(() => {
    if (!client.socket.destroyed) client.socket.write(chunks())
  }, everyMs)
  void client.closed.then(() => clearInterval(timer))
  return timer
}

const jwksOk = async () => {
  const res = await request(`${base}/auth/v1/jwks`)
  await res.body.dump()
  return res.statusCode
}

const statusLine = (text: string) => text.split('\r\n')[0]
const problemCode = (text: string) => (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { code?: string }).code

t.test('headers sent a byte at a time: a 408 problem and a closed socket after the headers timeout', async (t) => {
  const client = await rawClient()
  client.socket.write('GET /auth/v1/jwks HTTP/1.1\r\nHost: gateway\r\n')
  let n = 0
  const timer = dribble(client, () => `X-Slow-${n++}: a\r\n`, 100)
  t.teardown(() => clearInterval(timer))
  const ms = await client.closed
  t.ok(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + SLACK_MS, `closed after ${ms} ms (headers timeout ${HEADERS_MS} ms)`)
  t.equal(statusLine(client.received()), 'HTTP/1.1 408 Request Timeout')
  t.equal(problemCode(client.received()), 'request_timeout', 'a machine-readable problem body')
  t.equal(auth.seen.filter((r) => r.url === '/auth/v1/jwks').length, 0, 'nothing reached the service')
})

t.test('a body sent a byte at a time: a 408 and a closed socket after the request timeout, the service not waiting on it', async (t) => {
  auth.seen.length = 0
  const client = await rawClient()
  client.socket.write('POST /auth/v1/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"u":"')
  const timer = dribble(client, () => 'a', 100)
  t.teardown(() => clearInterval(timer))
  const ms = await client.closed
  t.ok(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + SLACK_MS, `closed after ${ms} ms (request timeout ${REQUEST_MS} ms)`)
  t.match(client.received(), /^HTTP\/1\.1 408 /, 'a 408')
  t.equal(auth.seen.filter((r) => r.url === '/auth/v1/login').length, 0, 'the service never got a request from it (the body never completed)')
})

t.test('headers over MAX_HEADER_BYTES get a 431 problem at once', async (t) => {
  const client = await rawClient()
  client.socket.write(`GET /auth/v1/jwks HTTP/1.1\r\nHost: gateway\r\nX-Big: ${'a'.repeat(8_000)}\r\n\r\n`)
  const ms = await client.closed
  t.equal(statusLine(client.received()), 'HTTP/1.1 431 Request Header Fields Too Large')
  t.equal(problemCode(client.received()), 'headers_too_large')
  t.ok(ms < SLACK_MS, `answered and closed in ${ms} ms`)
  t.equal(await jwksOk(), 200, 'a normal-sized request is served')
})

t.test('an idle keep-alive connection is closed after the keep-alive timeout', async (t) => {
  const client = await rawClient()
  client.socket.write('GET /auth/v1/jwks HTTP/1.1\r\nHost: gateway\r\n\r\n')
  const ms = await client.closed
  t.match(client.received(), /^HTTP\/1\.1 200 /, 'the request was served')
  // Node holds a keep-alive socket up to 1 s past keepAliveTimeout (its keepAliveTimeoutBuffer, which covers clients racing the close).
  t.ok(ms >= KEEP_ALIVE_MS - 50 && ms < KEEP_ALIVE_MS + 1_000 + SLACK_MS, `then the idle socket closed after ${ms} ms (keep-alive ${KEEP_ALIVE_MS} ms)`)
})

t.test('300 connections that send nothing, with slow clients among them: others are served at once, and all of them are freed', async (t) => {
  const idle = await Promise.all(Array.from({ length: 300 }, () => rawClient()))
  const slow = await Promise.all(Array.from({ length: 20 }, () => rawClient()))
  for (const c of slow) c.socket.write('GET /auth/v1/jwks HTTP/1.1\r\nHost: gateway\r\n')
  const timers = slow.map((c) => dribble(c, () => 'X-Slow: a\r\n', 150))
  t.teardown(() => timers.forEach(clearInterval))

  // Meanwhile a well-behaved client is served throughout, each request quickly.
  const served: number[] = []
  const slowest = { ms: 0 }
  const until = Date.now() + HEADERS_MS + 500
  while (Date.now() < until) {
    const started = Date.now()
    served.push(await jwksOk())
    slowest.ms = Math.max(slowest.ms, Date.now() - started)
  }
  t.ok(served.length >= 5 && served.every((s) => s === 200), `${served.length} requests served, all 200, while 320 sockets were held`)
  t.ok(slowest.ms < 1_000, `the slowest of them took ${slowest.ms} ms`)

  const slowClosed = await Promise.all(slow.map((c) => c.closed))
  t.ok(Math.max(...slowClosed) < HEADERS_MS + SLACK_MS, `every slow client was cut off by ${Math.max(...slowClosed)} ms`)
  const idleClosed = await Promise.all(idle.map((c) => c.closed))
  // Connections that never send a byte are freed by the headers timeout (Node counts it from the connection).
  t.ok(Math.max(...idleClosed) < IDLE_MS + SLACK_MS, `every idle connection was closed by the gateway, the last after ${Math.max(...idleClosed)} ms`)
  t.equal(await jwksOk(), 200, 'and the gateway serves on')
})

t.test('a headers timeout longer than the request timeout stops the start with one line', async (t) => {
  const bad = { ...env, CLIENT_HEADERS_TIMEOUT_MS: '5000', CLIENT_REQUEST_TIMEOUT_MS: '1000' }
  await t.rejects(
    buildGateway(loadConfig(gatewayConfigSchema, bad), { env: bad }),
    /^CLIENT_HEADERS_TIMEOUT_MS \(5000\) must not exceed CLIENT_REQUEST_TIMEOUT_MS \(1000\)/,
  )
  t.throws(() => loadConfig(gatewayConfigSchema, { ...env, MAX_HEADER_BYTES: '10' }), /MAX_HEADER_BYTES/, 'a header limit below 1 KiB is refused')
})
