import { generateKeyPairSync, createPublicKey } from 'node:crypto'
import { createSigner, createVerifier } from 'fast-jwt'
import t from 'tap'
import { buildTestApp, newUser } from './helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function signup(app: App) {
  const res = await app.inject({ method: 'POST', url: '/auth/v1/signup', payload: newUser() })
  return res.json() as { userId: string; accessToken: string; refreshToken: string }
}
const refresh = (app: App, refreshToken: string) => app.inject({ method: 'POST', url: '/auth/v1/refresh', payload: { refreshToken } })
const me = (app: App, token: string) => app.inject({ method: 'GET', url: '/auth/v1/me', headers: { authorization: `Bearer ${token}` } })

t.test('the access token carries sub, iss, aud, exp, iat, jti and a kid that the JWKS publishes', async (t) => {
  const { app, config } = await buildTestApp(t)
  const tokens = await signup(app)
  const jwks = (await app.inject({ method: 'GET', url: '/auth/v1/jwks' })).json() as { keys: { kid: string }[] }
  const [headerB64] = tokens.accessToken.split('.')
  const header = JSON.parse(Buffer.from(headerB64!, 'base64url').toString())
  t.equal(header.alg, 'RS256')
  const jwk = jwks.keys.find((k) => k.kid === header.kid)
  t.ok(jwk, 'the signing key is in the JWKS')
  const verify = createVerifier({
    key: createPublicKey({ key: jwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString(),
  })
  const claims = verify(tokens.accessToken) as Record<string, unknown>
  t.match(claims, { sub: tokens.userId, iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE, jti: /^[0-9a-f-]{36}$/ })
  t.equal((claims.exp as number) - (claims.iat as number), 900, 'lives 15 minutes')
  const wellKnown = await app.inject({ method: 'GET', url: '/auth/v1/.well-known/jwks.json' })
  t.same(wellKnown.json(), jwks, 'also at the standard path')
})

t.test('refresh rotates: the new refresh token works once, the old one never again', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await signup(app)
  const second = await refresh(app, first.refreshToken)
  t.equal(second.statusCode, 200)
  const secondBody = second.json()
  t.not(secondBody.refreshToken, first.refreshToken)
  t.equal((await me(app, secondBody.accessToken)).statusCode, 200, 'the new access token works')
  const third = await refresh(app, secondBody.refreshToken)
  t.equal(third.statusCode, 200, 'the rotated token refreshes')
})

t.test('reusing a spent refresh token revokes the whole session', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await signup(app)
  const second = (await refresh(app, first.refreshToken)).json()
  const reuse = await refresh(app, first.refreshToken)
  t.equal(reuse.statusCode, 401)
  t.equal(reuse.json().code, 'refresh_token_reused')
  const legit = await refresh(app, second.refreshToken)
  t.equal(legit.statusCode, 401, 'the newest token of the family was revoked too')
})

t.test('two concurrent refreshes with one token: exactly one wins', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await signup(app)
  const results = await Promise.all([refresh(app, first.refreshToken), refresh(app, first.refreshToken)])
  t.same(results.map((r) => r.statusCode).sort(), [200, 401])
})

t.test('an unknown or malformed refresh token answers 401/400 with a problem body', async (t) => {
  const { app } = await buildTestApp(t)
  const unknown = await refresh(app, 'definitely-not-a-token')
  t.equal(unknown.statusCode, 401)
  t.equal(unknown.json().code, 'invalid_refresh_token')
  const missing = await app.inject({ method: 'POST', url: '/auth/v1/refresh', payload: {} })
  t.equal(missing.statusCode, 400)
})

t.test('an expired refresh token is refused', async (t) => {
  const { app, db } = await buildTestApp(t)
  const first = await signup(app)
  await db.refreshToken.updateMany({ where: { userId: first.userId }, data: { expiresAt: new Date(Date.now() - 1000) } })
  t.equal((await refresh(app, first.refreshToken)).statusCode, 401)
})

t.test('logout ends the session: its refresh token no longer works; logout is idempotent', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await signup(app)
  const out = await app.inject({ method: 'POST', url: '/auth/v1/logout', payload: { refreshToken: first.refreshToken } })
  t.equal(out.statusCode, 204)
  t.equal(out.body, '')
  t.equal((await refresh(app, first.refreshToken)).statusCode, 401)
  const again = await app.inject({ method: 'POST', url: '/auth/v1/logout', payload: { refreshToken: first.refreshToken } })
  t.equal(again.statusCode, 204)
})

t.test('/me refuses missing, expired, foreign-key, alg:none and HS256 tokens', async (t) => {
  const { app, config, keys } = await buildTestApp(t)
  const { userId } = await signup(app)
  const { kid, privateKey } = await keys.signingKey()
  const base = { iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE }
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const expired = createSigner({ key: pem, algorithm: 'RS256', kid, ...base, clockTimestamp: Date.now() - 3_600_000, expiresIn: 60_000 })({ sub: userId })
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const foreign = createSigner({ key: other, algorithm: 'RS256', kid, ...base, expiresIn: 60_000 })({ sub: userId })
  const unknownKid = createSigner({ key: other, algorithm: 'RS256', kid: 'no-such-kid', ...base, expiresIn: 60_000 })({ sub: userId })
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${Buffer.from(
    JSON.stringify({ sub: userId, ...base, exp: Math.floor(Date.now() / 1000) + 60 }),
  ).toString('base64url')}.`
  const hs256 = createSigner({ key: 'shared-secret-shared-secret-123456', algorithm: 'HS256', kid, ...base, expiresIn: 60_000 })({ sub: userId })
  const wrongAudience = createSigner({ key: pem, algorithm: 'RS256', kid, iss: config.JWT_ISSUER, aud: 'someone-else', expiresIn: 60_000 })({ sub: userId })
  const cases: [string, Record<string, string>][] = [
    ['no header', {}],
    ['not a bearer token', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['garbage', { authorization: 'Bearer not.a.jwt' }],
    ['expired', { authorization: `Bearer ${expired}` }],
    ['signed by another key', { authorization: `Bearer ${foreign}` }],
    ['unknown kid', { authorization: `Bearer ${unknownKid}` }],
    ['alg none', { authorization: `Bearer ${none}` }],
    ['HS256 with our kid', { authorization: `Bearer ${hs256}` }],
    ['wrong audience', { authorization: `Bearer ${wrongAudience}` }],
  ]
  for (const [name, headers] of cases) {
    const res = await app.inject({ method: 'GET', url: '/auth/v1/me', headers })
    t.equal(res.statusCode, 401, `${name}: 401`)
    t.equal(res.json().code, 'invalid_token', `${name}: invalid_token`)
  }
})

t.test('after a key rotation new tokens use the new key and old tokens keep working', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const before = await signup(app)
  const oldKid = (await keys.signingKey()).kid
  const newKid = await keys.rotate(60_000)
  t.not(newKid, oldKid)
  const after = await signup(app)
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid
  t.equal(kidOf(after.accessToken), newKid, 'new tokens are signed with the new key')
  t.equal((await me(app, before.accessToken)).statusCode, 200, 'a token signed before the rotation still verifies')
  const jwks = (await app.inject({ method: 'GET', url: '/auth/v1/jwks' })).json() as { keys: { kid: string }[] }
  t.ok(jwks.keys.some((k) => k.kid === oldKid) && jwks.keys.some((k) => k.kid === newKid), 'both keys published')
})
