import t from 'tap'
import { registerAuth, type KeySource } from '../src/index.js'
import { buildTestApp } from './helpers.js'
import { AUDIENCE, claims, ISSUER, newSigningKey, rs256, signJwt, startJwksServer, type SigningKey } from './jwt-helpers.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const current = newSigningKey('key-2025-01')
const attacker = newSigningKey('key-2025-01') // same kid, different key pair
const next = newSigningKey('key-2025-02')

async function setup(t: Test, keys: SigningKey[] = [current], source?: (url: string) => KeySource, clockToleranceMs?: number) {
  const jwks = await startJwksServer(keys)
  const { app, logs } = await buildTestApp()
  await registerAuth(app, source ? source(jwks.url) : { jwksUrl: jwks.url }, {
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(clockToleranceMs === undefined ? {} : { clockToleranceMs }),
  })
  app.get('/me', { onRequest: app.authenticate }, async (request) => ({
    userId: request.auth.userId,
    username: request.auth.username,
    jti: request.auth.jti,
  }))
  app.get('/public', async (request) => {
    try {
      return { user: request.auth.userId }
    } catch (err) {
      return { error: (err as Error).message }
    }
  })
  t.teardown(async () => {
    await app.close()
    await jwks.close()
  })
  const call = (token?: string, authorization = token === undefined ? undefined : `Bearer ${token}`) =>
    app.inject({ method: 'GET', url: '/me', headers: authorization === undefined ? {} : { authorization } })
  return { app, jwks, call, logs }
}

function assertInvalidToken(t: Test, res: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['call']>>, name: string) {
  t.equal(res.statusCode, 401, `${name}: 401`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
  t.match(res.headers['www-authenticate'], /^Bearer error="invalid_token"/, `${name}: WWW-Authenticate`)
  t.match(res.json(), { code: 'invalid_token', status: 401 }, `${name}: code`)
}

t.test('a valid RS256 token is accepted and request.auth carries the caller', async (t) => {
  const { call, jwks } = await setup(t)
  const res = await call(rs256(current))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { userId: '5b0f7c4e-2d7e-4a53-9d2a-00000000c123', username: 'asha', jti: 'jti-1' })
  const upper = await call(rs256(current, { sub: '5B0F7C4E-2D7E-4A53-9D2A-00000000C123' }))
  t.equal(upper.json().userId, '5b0f7c4e-2d7e-4a53-9d2a-00000000c123', 'the user id is lower-cased: one spelling per user')
  await call(rs256(current, { jti: 'jti-2' }))
  t.equal(jwks.requests, 1, 'keys are fetched once and cached')
})

t.test('every kind of bad token is rejected with 401 invalid_token', async (t) => {
  const { call, jwks } = await setup(t)
  const now = Math.floor(Date.now() / 1000)
  const publicPem = current.publicKey.export({ type: 'spki', format: 'pem' }).toString()

  const res = await call()
  assertInvalidToken(t, res, 'missing header')
  t.equal(res.json().detail, 'A bearer access token is required')
  assertInvalidToken(t, await call(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`), 'not a bearer token')
  assertInvalidToken(t, await call('not-a-jwt'), 'malformed')
  assertInvalidToken(t, await call('eyJhbGciOiJSUzI1NiJ9.e30.'), 'malformed segments')
  assertInvalidToken(t, await call(undefined, 'Bearer'), 'empty bearer')

  const expired = await call(rs256(current, { iat: now - 3600, exp: now - 60 }))
  assertInvalidToken(t, expired, 'expired')
  t.equal(expired.json().detail, 'The access token has expired')
  assertInvalidToken(t, await call(rs256(current, { nbf: now + 300 })), 'not yet valid')
  assertInvalidToken(t, await call(rs256(current, { iss: 'someone-else' })), 'wrong issuer')
  assertInvalidToken(t, await call(rs256(current, { aud: 'other-api' })), 'wrong audience')
  assertInvalidToken(t, await call(rs256(current, { sub: undefined })), 'no subject')
  const notAUser = await call(rs256(current, { sub: 'user-123' }))
  assertInvalidToken(t, notAUser, 'a subject that is not a user id (UUID)')
  t.equal(notAUser.json().detail, 'The access token does not name a user')
  assertInvalidToken(t, await call(rs256(current, { sub: "5b0f7c4e-2d7e-4a53-9d2a-00000000c123' OR 1=1" })), 'a UUID with a tail')
  assertInvalidToken(t, await call(rs256(current, { jti: undefined })), 'no jti')
  assertInvalidToken(t, await call(rs256(attacker)), 'signed by another key with a known kid')
  assertInvalidToken(t, await call(rs256(current, {}, { kid: undefined })), 'no kid')

  const none = signJwt({ alg: 'none', typ: 'JWT', kid: current.kid }, claims(), { none: true })
  assertInvalidToken(t, await call(none), 'alg none')
  const hs256 = signJwt({ alg: 'HS256', typ: 'JWT', kid: current.kid }, claims(), { hmac: publicPem })
  assertInvalidToken(t, await call(hs256), 'HS256 signed with the public key (algorithm confusion)')
  const hs256Raw = signJwt({ alg: 'HS256', typ: 'JWT', kid: current.kid }, claims(), { hmac: 'secret' })
  assertInvalidToken(t, await call(hs256Raw), 'HS256 with a guessed secret')

  // Sanity: the same key still works, so the rejections above are about the tokens.
  t.equal((await call(rs256(current))).statusCode, 200)
  t.ok(jwks.requests <= 2, `bad tokens with known kids cause no extra fetches (got ${jwks.requests})`)
})

t.test('key rotation: a token with a new kid is accepted after exactly one refetch', async (t) => {
  const { call, jwks } = await setup(t)
  t.equal((await call(rs256(current))).statusCode, 200)
  t.equal(jwks.requests, 1)

  jwks.setKeys([current, next])
  const rotated = await call(rs256(next, { jti: 'after-rotation' }))
  t.equal(rotated.statusCode, 200)
  t.equal(rotated.json().jti, 'after-rotation')
  t.equal(jwks.requests, 2, 'one refetch for the new kid')

  t.equal((await call(rs256(next))).statusCode, 200)
  t.equal((await call(rs256(current))).statusCode, 200)
  t.equal(jwks.requests, 2, 'both keys now served from the cache')
})

t.test('concurrent requests with a new kid share one refetch', async (t) => {
  const { call, jwks } = await setup(t)
  await call(rs256(current))
  jwks.setKeys([current, next])
  const results = await Promise.all(Array.from({ length: 20 }, () => call(rs256(next))))
  t.same(new Set(results.map((r) => r.statusCode)), new Set([200]))
  t.equal(jwks.requests, 2)
})

t.test('garbage kids cannot make every request hit the JWKS endpoint', async (t) => {
  // A long refetch floor so a slow CI machine cannot cross it during the loop below.
  const { call, jwks } = await setup(t, [current], (url) => ({ jwksUrl: url, jwks: { minRefetchIntervalMs: 60_000 } }))
  await call(rs256(current))
  t.equal(jwks.requests, 1)

  assertInvalidToken(t, await call(rs256(current, {}, { kid: 'garbage-1' })), 'unknown kid after refetch')
  t.equal(jwks.requests, 2, 'the first unknown kid triggers one refetch')

  for (let i = 0; i < 50; i++) {
    assertInvalidToken(t, await call(rs256(current, {}, { kid: i % 2 ? 'garbage-1' : `garbage-${i + 100}` })), `garbage ${i}`)
  }
  t.equal(jwks.requests, 2, '50 more unknown-kid requests within the interval fetch nothing')
  assertInvalidToken(t, await call(rs256(current, {}, { kid: 'k'.repeat(500) })), 'oversized kid')
  t.equal(jwks.requests, 2)
})

t.test('an unknown kid is retried only after the retry interval', async (t) => {
  const { call, jwks } = await setup(t, [current], (url) => ({
    jwksUrl: url,
    jwks: { unknownKidRetryMs: 300, minRefetchIntervalMs: 50 },
  }))
  await call(rs256(current))
  assertInvalidToken(t, await call(rs256(next)), 'not published yet')
  t.equal(jwks.requests, 2)
  jwks.setKeys([current, next])
  await new Promise((resolve) => setTimeout(resolve, 100))
  assertInvalidToken(t, await call(rs256(next)), 'still inside the retry interval for this kid')
  t.equal(jwks.requests, 2)
  await new Promise((resolve) => setTimeout(resolve, 250))
  t.equal((await call(rs256(next))).statusCode, 200, 'accepted after the interval')
  t.equal(jwks.requests, 3)
})

t.test('when the JWKS endpoint is down and no keys are cached, answer 503, not 401', async (t) => {
  const { call, jwks } = await setup(t)
  jwks.setFailing(true)
  const res = await call(rs256(current))
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'auth_unavailable' })
  t.notOk(res.headers['www-authenticate'])
  t.equal(jwks.requests, 1)
  t.equal((await call(rs256(current))).statusCode, 503)
  t.equal(jwks.requests, 1, 'a second request right after the failure does not hit the endpoint again')

  jwks.setFailing(false)
  await new Promise((resolve) => setTimeout(resolve, 1100)) // past the minimum refetch interval
  t.equal((await call(rs256(current))).statusCode, 200, 'recovers once the endpoint is back')
})

t.test('getPublicKey source (auth-service verifying its own tokens)', async (t) => {
  const lookups: string[] = []
  const { call, jwks } = await setup(t, [], () => ({
    getPublicKey: async (kid) => {
      lookups.push(kid)
      return kid === current.kid ? current.publicKey : undefined
    },
  }))
  t.equal((await call(rs256(current))).statusCode, 200)
  assertInvalidToken(t, await call(rs256(next)), 'unknown kid')
  t.same(lookups, [current.kid, next.kid])
  t.equal(jwks.requests, 0, 'no JWKS fetch in this mode')
})

t.test('reading request.auth on a route without authenticate is a programming error', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({ method: 'GET', url: '/public', headers: { authorization: `Bearer ${rs256(current)}` } })
  t.match(res.json().error, /without \{ onRequest: app.authenticate \}/)
})

t.test('keys are re-read after maxAge, and stale keys are kept when that read fails', async (t) => {
  const { call, jwks } = await setup(t, [current], (url) => ({ jwksUrl: url, jwks: { maxAgeMs: 100 } }))
  t.equal((await call(rs256(current))).statusCode, 200)
  await new Promise((resolve) => setTimeout(resolve, 150))
  jwks.setFailing(true)
  t.equal((await call(rs256(current))).statusCode, 200, 'auth-service briefly down does not log users out')
  t.equal(jwks.requests, 2, 'the expired set was re-read once')

  jwks.setFailing(false)
  jwks.setKeys([next]) // current was revoked
  await new Promise((resolve) => setTimeout(resolve, 150))
  assertInvalidToken(t, await call(rs256(current)), 'revoked key is dropped after the next re-read')
  t.equal((await call(rs256(next))).statusCode, 200)
})

t.test('a remembered verification never outlives the token: the same token is refused once it expires', async (t) => {
  const { call } = await setup(t, [current], undefined, 0)
  const token = rs256(current, { exp: Math.floor(Date.now() / 1000) + 2 })
  t.equal((await call(token)).statusCode, 200, 'accepted while valid')
  t.equal((await call(token)).statusCode, 200, 'accepted again (from the cache)')
  await new Promise((r) => setTimeout(r, 2600))
  assertInvalidToken(t, await call(token), 'the same token after its exp')
})

t.test('a remembered verification is for that exact token: a tampered copy is still checked', async (t) => {
  const { call } = await setup(t)
  const token = rs256(current)
  t.equal((await call(token)).statusCode, 200)
  const [header, payload, signature] = token.split('.')
  const forgedPayload = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '5b0f7c4e-2d7e-4a53-9d2a-00000000beef' }),
  ).toString('base64url')
  assertInvalidToken(t, await call(`${header}.${forgedPayload}.${signature}`), 'same signature, another subject')
  assertInvalidToken(t, await call(rs256(attacker)), 'same kid, another key')
  t.equal((await call(token)).statusCode, 200, 'the genuine token is still accepted')
})
