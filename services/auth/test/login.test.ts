import t from 'tap'
import { buildTestApp, newUser } from './helper.js'

async function signup(app: Awaited<ReturnType<typeof buildTestApp>>['app'], user = newUser()) {
  const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.body}`)
  return { user, tokens: res.json() }
}

t.test('login with the right password returns a new token pair', async (t) => {
  const { app } = await buildTestApp(t)
  const { user, tokens } = await signup(app)
  const res = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username.toUpperCase(), password: user.password } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.userId, tokens.userId)
  t.not(body.refreshToken, tokens.refreshToken, 'a new session')
})

t.test('a wrong password and an unknown user get the same 401 with no hint', async (t) => {
  const { app } = await buildTestApp(t)
  const { user } = await signup(app)
  const wrongPassword = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username, password: 'not the password 1' } })
  const unknownUser = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: `${user.username}_nobody`, password: user.password } })
  t.equal(wrongPassword.statusCode, 401)
  t.equal(unknownUser.statusCode, 401)
  const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined, instance: undefined })
  t.same(strip(wrongPassword.json()), strip(unknownUser.json()), 'identical bodies')
  t.equal(wrongPassword.json().code, 'invalid_credentials')
})

t.test('repeated failures for one username are throttled with 429 and Retry-After, even with the right password', async (t) => {
  const { app } = await buildTestApp(t, { LOGIN_MAX_FAILURES_PER_USERNAME: '3' })
  const { user } = await signup(app)
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username, password: `wrong password ${i}` } })
    t.equal(res.statusCode, 401, `failure ${i + 1} is a plain 401`)
  }
  const blocked = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username, password: user.password } })
  t.equal(blocked.statusCode, 429)
  t.equal(blocked.json().code, 'too_many_login_attempts')
  const retryAfter = Number(blocked.headers['retry-after'])
  t.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After is a number of seconds within the window (${retryAfter})`)
})

t.test('repeated failures from one client address are throttled across usernames', async (t) => {
  const { app } = await buildTestApp(t, { LOGIN_MAX_FAILURES_PER_ADDRESS: '4', LOGIN_MAX_FAILURES_PER_USERNAME: '100' })
  const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
  const { user } = await signup(app)
  for (let i = 0; i < 4; i++) {
    await app.inject({ method: 'POST', url: '/auth/v1/login', remoteAddress: address, payload: { username: `someone_else_${i}`, password: 'whatever 123' } })
  }
  const blocked = await app.inject({
    method: 'POST',
    url: '/auth/v1/login',
    remoteAddress: address,
    payload: { username: user.username, password: user.password },
  })
  t.equal(blocked.statusCode, 429, 'the address is blocked')
  const elsewhere = await app.inject({
    method: 'POST',
    url: '/auth/v1/login',
    remoteAddress: '192.0.2.77',
    payload: { username: user.username, password: user.password },
  })
  t.equal(elsewhere.statusCode, 200, 'the same user from another address is not')
})

t.test('a successful login clears the username failure count', async (t) => {
  const { app } = await buildTestApp(t, { LOGIN_MAX_FAILURES_PER_USERNAME: '3' })
  const { user } = await signup(app)
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 2; i++) {
      await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username, password: 'wrong password 9' } })
    }
    const ok = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: user.username, password: user.password } })
    t.equal(ok.statusCode, 200, `round ${round + 1}: still allowed`)
  }
})

t.test('login validates its body', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/auth/v1/login', payload: { username: 'x' } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'validation_failed')
})
