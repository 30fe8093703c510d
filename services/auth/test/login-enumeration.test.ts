import { randomBytes } from 'node:crypto'
import t from 'tap'
import { buildTestApp, newUser } from './helper.js'

// Login must not tell an attacker which usernames exist: an unknown user and a known user with a wrong
// password get the same status, the same headers, the same body (bar the request's own id) and the same
// timing class, and both are throttled after the same number of failures. Timing is compared as a ratio
// of medians over interleaved tries in one run (the machine's noise hits both sides alike), with a control
// that shows the measure does tell two classes apart.

const ROUNDS = 30

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

/**
 * This file's own client address: login failures are counted per address in the shared database, and the
 * many failures below must not throttle other test files' logins (which all come from 127.0.0.1).
 */
const ADDRESS = `10.${Array.from(randomBytes(3)).join('.')}`

async function timed(app: App, payload: unknown) {
  const started = process.hrtime.bigint()
  const res = await app.inject({ method: 'POST', url: '/auth/v1/login', remoteAddress: ADDRESS, payload: payload as Record<string, unknown> })
  return { res, ms: Number(process.hrtime.bigint() - started) / 1e6 }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
/** The parts of a response that may differ between two requests: their ids and dates. */
const comparable = (res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }) => ({
  status: res.statusCode,
  headers: Object.keys(res.headers)
    .filter((h) => !['x-request-id', 'date', 'content-length'].includes(h))
    .sort(),
  body: { ...res.json(), requestId: undefined, instance: undefined },
})

t.test('an unknown user and a wrong password: same status, headers, body and timing class over many tries', async (t) => {
  // Throttling is the next test's subject; here it must not cut the series short.
  const { app } = await buildTestApp(t, { LOGIN_MAX_FAILURES_PER_USERNAME: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' })
  const user = newUser()
  t.equal((await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })).statusCode, 201)
  // One try of each first: the dummy hash is made on first use, which is not what an attacker sees afterwards.
  await timed(app, { username: user.username, password: 'warm up wrong 1' })
  await timed(app, { username: `${user.username}_warm`, password: user.password })

  const wrong: number[] = []
  const unknown: number[] = []
  const invalid: number[] = []
  const shapes = new Set<string>()
  for (let i = 0; i < ROUNDS; i++) {
    const a = await timed(app, { username: user.username, password: `not the password ${i}` })
    const b = await timed(app, { username: `nobody_${i}_${user.username}`, password: user.password })
    // Control: a body the schema rejects never reaches a password hash.
    const c = await timed(app, { username: user.username })
    wrong.push(a.ms)
    unknown.push(b.ms)
    invalid.push(c.ms)
    shapes.add(JSON.stringify(comparable(a.res)))
    shapes.add(JSON.stringify(comparable(b.res)))
    t.equal(c.res.statusCode, 400)
  }
  t.equal(shapes.size, 1, `one response shape for both: ${[...shapes][0]}`)
  t.match(JSON.parse([...shapes][0] ?? '{}'), { status: 401, body: { code: 'invalid_credentials' } })

  const ratio = median(unknown) / median(wrong)
  t.comment(`median ms: wrong password ${median(wrong).toFixed(1)}, unknown user ${median(unknown).toFixed(1)}, invalid body ${median(invalid).toFixed(1)}`)
  t.ok(ratio > 2 / 3 && ratio < 1.5, `unknown/wrong median ratio ${ratio.toFixed(2)} is within [0.67, 1.5]`)
  // The measure separates classes: skipping the hash (as an unknown user would without the dummy
  // verification) is far faster, so the band above would catch it.
  t.ok(median(invalid) < median(wrong) / 2, `a request that skips the hash is much faster (${median(invalid).toFixed(1)} ms)`)
})

t.test('an unknown username is throttled after the same number of failures as a known one', async (t) => {
  const { app } = await buildTestApp(t, { LOGIN_MAX_FAILURES_PER_USERNAME: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' })
  const user = newUser()
  t.equal((await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })).statusCode, 201)
  const statuses = async (username: string) => {
    const seen: number[] = []
    for (let i = 0; i < 5; i++) seen.push((await timed(app, { username, password: `wrong password ${i}` })).res.statusCode)
    return seen
  }
  const known = await statuses(user.username)
  const unknown = await statuses(`nobody_${user.username}`)
  t.same(known, [401, 401, 401, 429, 429], 'known: three 401s, then 429')
  t.same(unknown, known, 'unknown: the same sequence')
})
