import { randomUUID } from 'node:crypto'
import t from 'tap'
import { startTestTokenIssuer } from '@expenses/testing'
import { buildTestApp, seedProfile } from './helper.js'

const ME = '/user/v1/me'

t.test('GET /me is 404 profile_not_found until the profile exists, then 200 with every field', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const userId = randomUUID()

  const before = await app.inject({ method: 'GET', url: ME, headers: bearer(userId) })
  t.equal(before.statusCode, 404)
  t.match(before.headers['content-type'], /application\/problem\+json/)
  t.equal(before.json().code, 'profile_not_found')
  t.equal(before.headers['retry-after'], '1', 'tells polling clients when to ask again')

  const event = await seedProfile(db, { userId, phoneNumber: '+44 20 7946 0958' })
  const after = await app.inject({ method: 'GET', url: ME, headers: bearer(userId) })
  t.equal(after.statusCode, 200)
  const body = after.json()
  t.same(Object.keys(body).sort(), [
    'createdAt',
    'defaultCurrency',
    'email',
    'firstName',
    'lastName',
    'phoneNumber',
    'timezone',
    'updatedAt',
    'userId',
    'username',
  ])
  t.match(body, {
    userId,
    username: event.username,
    email: event.email,
    firstName: 'Asha',
    lastName: 'Verma',
    phoneNumber: '+44 20 7946 0958',
    defaultCurrency: 'GBP',
    timezone: 'UTC',
  })
  t.ok(Date.parse(body.createdAt) > Date.now() - 60_000, 'createdAt is an ISO timestamp of now')
  t.equal(body.updatedAt, body.createdAt)
})

t.test('a profile without a phone number defaults to USD', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const { userId } = await seedProfile(db, { phoneNumber: null })
  const res = await app.inject({ method: 'GET', url: ME, headers: bearer(userId) })
  t.match(res.json(), { phoneNumber: null, defaultCurrency: 'USD' })
})

t.test('missing, malformed, forged and expired tokens get 401 invalid_token on GET and PATCH', async (t) => {
  const { app, db, issuer } = await buildTestApp(t)
  const { userId } = await seedProfile(db)
  const stranger = await startTestTokenIssuer()
  t.teardown(() => stranger.close())
  const cases: [string, Record<string, string>][] = [
    ['no token', {}],
    ['not a JWT', { authorization: 'Bearer not.a.token' }],
    ['wrong scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['signed by another key', { authorization: `Bearer ${stranger.token(userId)}` }],
    ['expired', { authorization: `Bearer ${issuer.token(userId, { expiresInMs: -120_000 })}` }],
    // Validly signed, but its subject is no user id: a 401, never a database error on the @db.Uuid column.
    ['a subject that is not a UUID', { authorization: `Bearer ${issuer.token('not-a-uuid')}` }],
  ]
  for (const [name, headers] of cases) {
    for (const method of ['GET', 'PATCH'] as const) {
      const res = await app.inject({ method, url: ME, headers, ...(method === 'PATCH' ? { payload: { firstName: 'Mallory' } } : {}) })
      t.equal(res.statusCode, 401, `${method} ${name}`)
      t.equal(res.json().code, 'invalid_token', `${method} ${name}`)
    }
  }
  const profile = await db.profile.findUniqueOrThrow({ where: { userId } })
  t.equal(profile.firstName, 'Asha', 'no rejected request changed the profile')
  t.equal(await db.outboxEvent.count({ where: { key: userId } }), 0, 'and none published an event')
})

t.test('PATCH /me changes the fields, returns the profile and writes one event with the changed fields to the outbox', async (t) => {
  let wakes = 0
  const { app, db, bearer } = await buildTestApp(t, { onOutboxWrite: () => wakes++ })
  const { userId } = await seedProfile(db)
  const created = await db.profile.findUniqueOrThrow({ where: { userId } })

  const res = await app.inject({
    method: 'PATCH',
    url: ME,
    headers: { ...bearer(userId), 'x-request-id': 'req-patch-1' },
    payload: { firstName: '  Priya ', defaultCurrency: 'EUR', timezone: 'Asia/Kolkata', phoneNumber: null },
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { userId, firstName: 'Priya', lastName: 'Verma', phoneNumber: null, defaultCurrency: 'EUR', timezone: 'Asia/Kolkata' })
  t.ok(Date.parse(body.updatedAt) >= created.updatedAt.getTime() && body.updatedAt !== body.createdAt, 'updatedAt moved')
  t.same((await app.inject({ method: 'GET', url: ME, headers: bearer(userId) })).json(), body, 'GET shows the change')

  const events = await db.outboxEvent.findMany({ where: { key: userId } })
  t.equal(events.length, 1)
  const [event] = events
  t.equal(event?.eventType, 'user.profile-updated.v1')
  t.equal(event?.topic, 'user.profile-updated.v1')
  t.match(event?.headers, { 'x-request-id': 'req-patch-1' })
  const payload = event?.payload as Record<string, unknown>
  t.same((payload.changedFields as string[]).sort(), ['defaultCurrency', 'firstName', 'phoneNumber', 'timezone'])
  t.match(payload, { userId, firstName: 'Priya', lastName: 'Verma', phoneNumber: null, defaultCurrency: 'EUR', timezone: 'Asia/Kolkata' })
  t.equal(payload.occurredAt, body.updatedAt)
  t.equal(wakes, 1, 'the relay is woken after the commit')
})

t.test('changedFields lists only what actually changed; a PATCH that changes nothing publishes nothing', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const { userId } = await seedProfile(db)

  const partly = await app.inject({ method: 'PATCH', url: ME, headers: bearer(userId), payload: { firstName: 'Asha', lastName: 'Rao' } })
  t.equal(partly.statusCode, 200)
  const first = await db.outboxEvent.findMany({ where: { key: userId } })
  t.same(
    first.map((e) => (e.payload as { changedFields: string[] }).changedFields),
    [['lastName']],
  )

  const unchanged = await db.profile.findUniqueOrThrow({ where: { userId } })
  const noop = await app.inject({
    method: 'PATCH',
    url: ME,
    headers: bearer(userId),
    payload: { firstName: 'Asha', lastName: 'Rao', defaultCurrency: 'INR', timezone: 'UTC' },
  })
  t.equal(noop.statusCode, 200)
  t.equal(noop.json().updatedAt, unchanged.updatedAt.toISOString(), 'nothing written')
  t.equal(await db.outboxEvent.count({ where: { key: userId } }), 1, 'no event for a no-op')
})

t.test('concurrent PATCHes each publish exactly their own change', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const { userId } = await seedProfile(db)
  const results = await Promise.all([
    app.inject({ method: 'PATCH', url: ME, headers: bearer(userId), payload: { firstName: 'Meera' } }),
    app.inject({ method: 'PATCH', url: ME, headers: bearer(userId), payload: { lastName: 'Iyer' } }),
  ])
  t.same(
    results.map((r) => r.statusCode),
    [200, 200],
  )
  const events = await db.outboxEvent.findMany({ where: { key: userId }, orderBy: { id: 'asc' } })
  const payloads = events.map((e) => e.payload as { changedFields: string[]; firstName: string; lastName: string })
  t.same(payloads.map((p) => p.changedFields).sort(), [['firstName'], ['lastName']])
  t.match(payloads.at(-1), { firstName: 'Meera', lastName: 'Iyer' }, 'the later event carries both changes')
})

t.test('invalid PATCH bodies get 400 validation_failed naming the field, and change nothing', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const { userId } = await seedProfile(db)
  const before = await db.profile.findUniqueOrThrow({ where: { userId } })
  const cases: [string, unknown, string][] = [
    ['unknown currency', { defaultCurrency: 'XYZ' }, 'body.defaultCurrency'],
    ['lower-case currency', { defaultCurrency: 'inr' }, 'body.defaultCurrency'],
    ['unknown time zone', { timezone: 'Mars/Phobos' }, 'body.timezone'],
    ['offset instead of a zone name', { timezone: '+05:30' }, 'body.timezone'],
    ['valid field with an invalid one', { firstName: 'Changed', timezone: 'Mars/Phobos' }, 'body.timezone'],
    ['empty body', {}, 'body'],
    ['unknown field', { nickname: 'ash' }, 'body.nickname'],
    ['username (owned by auth-service)', { username: 'someone_else' }, 'body.username'],
    ['email (owned by auth-service)', { firstName: 'Changed', email: 'new@example.com' }, 'body.email'],
    ['blank first name', { firstName: '   ' }, 'body.firstName'],
    ['first name too long', { lastName: 'x'.repeat(101) }, 'body.lastName'],
    ['malformed phone number', { phoneNumber: 'call me' }, 'body.phoneNumber'],
    ['currency of the wrong type', { defaultCurrency: 356 }, 'body.defaultCurrency'],
    ['an array instead of an object', [{ firstName: 'Changed' }], 'body'],
  ]
  for (const [name, payload, path] of cases) {
    const res = await app.inject({ method: 'PATCH', url: ME, headers: bearer(userId), payload: payload as object })
    t.equal(res.statusCode, 400, name)
    const problem = res.json()
    t.equal(problem.code, 'validation_failed', name)
    t.ok(
      (problem.errors as { path: string }[] | undefined)?.some((e) => e.path === path),
      `${name}: errors name ${path} (got ${JSON.stringify(problem.errors)})`,
    )
  }
  t.same(await db.profile.findUniqueOrThrow({ where: { userId } }), before, 'the profile is unchanged')
  t.equal(await db.outboxEvent.count({ where: { key: userId } }), 0, 'no event was written')
})

t.test('PATCH /me is 404 profile_not_found when the profile does not exist yet, and writes no event', async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const userId = randomUUID()
  const res = await app.inject({ method: 'PATCH', url: ME, headers: bearer(userId), payload: { firstName: 'Early' } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'profile_not_found')
  t.equal(await db.profile.count({ where: { userId } }), 0, 'a PATCH never creates a profile')
  t.equal(await db.outboxEvent.count({ where: { key: userId } }), 0)
})

t.test("a token only ever reaches its own user's profile", async (t) => {
  const { app, db, bearer } = await buildTestApp(t)
  const alice = await seedProfile(db, { firstName: 'Alice' })
  const bob = await seedProfile(db, { firstName: 'Bob' })

  const seen = await app.inject({ method: 'GET', url: ME, headers: bearer(alice.userId) })
  t.match(seen.json(), { userId: alice.userId, firstName: 'Alice', email: alice.email })

  const patched = await app.inject({ method: 'PATCH', url: ME, headers: bearer(alice.userId), payload: { lastName: 'Changed' } })
  t.equal(patched.json().userId, alice.userId)
  const bobNow = await app.inject({ method: 'GET', url: ME, headers: bearer(bob.userId) })
  t.match(bobNow.json(), { userId: bob.userId, firstName: 'Bob', lastName: 'Verma' }, "Bob's profile is untouched")
  t.equal(await db.outboxEvent.count({ where: { key: bob.userId } }), 0)

  // A valid token for a user with no profile sees nothing, even though other profiles exist.
  const carol = await app.inject({ method: 'GET', url: ME, headers: bearer(randomUUID()) })
  t.equal(carol.statusCode, 404)
})
