import t from 'tap'
import { buildTestApp, newUser } from './helper.js'

t.test('signup creates an account and returns a working token pair', async (t) => {
  const { app } = await buildTestApp(t)
  const user = newUser()
  const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, { userId: /^[0-9a-f-]{36}$/, accessToken: /^ey/, refreshToken: String, expiresIn: 900, tokenType: 'Bearer' })
  const me = await app.inject({ method: 'GET', url: '/auth/v1/me', headers: { authorization: `Bearer ${body.accessToken}` } })
  t.equal(me.statusCode, 200)
  t.same(me.json(), { userId: body.userId, username: user.username, email: user.email })
})

t.test('signup stores the password as an argon2id hash, never in clear', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = newUser()
  await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })
  const row = await db.user.findUniqueOrThrow({ where: { username: user.username } })
  t.match(row.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  t.notOk(row.passwordHash.includes(user.password))
})

t.test('a taken username answers 409 username_taken, case-insensitively, and stores nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = newUser()
  t.equal((await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })).statusCode, 201)
  const again = await app.inject({
    method: 'POST',
    url: '/auth/v1/signup',
    payload: { ...newUser(), username: user.username.toUpperCase() },
  })
  t.equal(again.statusCode, 409)
  t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(again.json(), { status: 409, code: 'username_taken' })
  t.equal(await db.user.count({ where: { username: user.username } }), 1)
})

t.test('a taken email answers 409 email_taken and publishes no second event', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = newUser()
  await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })
  const other = newUser({ email: user.email.toUpperCase() })
  const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: other })
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'email_taken')
  t.equal(await db.user.count({ where: { username: other.username } }), 0, 'no account for the second signup')
  const events = await db.outboxEvent.findMany({ where: { payload: { path: ['email'], equals: user.email } } })
  t.equal(events.length, 1, 'one user.registered event for the email')
})

t.test('invalid signups answer 400 with a machine-readable list of what is wrong', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['missing fields', { username: 'someone' }, /firstName|password|email|lastName/],
    ['bad email', { ...newUser(), email: 'not-an-email' }, /email/],
    ['wrong type', { ...newUser(), firstName: 42 }, /firstName/],
    ['short password', { ...newUser(), password: 'abc12' }, /password/],
    ['letters-only password', { ...newUser(), password: 'abcdefghijklmnop' }, /password/],
    ['password containing the username', { ...newUser({ username: 'rajesh_k' }), password: 'rajesh_k-2024!' }, /password/],
    ['too long username', { ...newUser(), username: 'a'.repeat(33) }, /username/],
    ['username with spaces', { ...newUser(), username: 'bad name' }, /username/],
    ['blank first name', { ...newUser(), firstName: '   ' }, /firstName/],
    ['bad phone number', { ...newUser(), phoneNumber: 'call me' }, /phoneNumber/],
    ['unknown field', { ...newUser(), isAdmin: true }, /isAdmin|additional/],
  ]
  for (const [name, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload })
    t.equal(res.statusCode, 400, `${name}: 400`)
    const body = res.json()
    t.equal(body.code, 'validation_failed', `${name}: code`)
    t.match(JSON.stringify(body.errors ?? body.detail), field, `${name}: names the field`)
    t.notMatch(JSON.stringify(body), /stack|\.ts:\d+|\n\s+at /, `${name}: no stack trace`)
  }
})

t.test('malformed JSON answers 400 malformed_json, a wrong content type 415', async (t) => {
  const { app } = await buildTestApp(t)
  const bad = await app.inject({ method: 'POST', url: '/auth/v1/signup', headers: { 'content-type': 'application/json' }, payload: '{"username": ' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'malformed_json')
  const text = await app.inject({ method: 'POST', url: '/auth/v1/signup', headers: { 'content-type': 'application/xml' }, payload: '<user/>' })
  t.equal(text.statusCode, 415)
})

t.test('an oversized body answers 413 before anything is stored', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/auth/v1/signup',
    payload: { ...newUser(), firstName: 'x'.repeat(2 * 1024 * 1024) },
  })
  t.equal(res.statusCode, 413)
  t.equal(res.json().code, 'payload_too_large')
})

t.test('signup writes a user.registered event to the outbox in the same transaction', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = newUser({ phoneNumber: '+14155550100' })
  const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: user })
  const { userId } = res.json()
  const events = await db.outboxEvent.findMany({ where: { key: userId } })
  t.equal(events.length, 1)
  t.equal(events[0]?.topic, 'user.registered.v1')
  t.match(events[0]?.payload, {
    userId,
    username: user.username,
    email: user.email,
    firstName: 'Asha',
    lastName: 'Verma',
    phoneNumber: '+14155550100',
    eventId: /^[0-9a-f-]{36}$/,
    occurredAt: /^\d{4}-\d\d-\d\dT/,
  })
})
