import { spawnSync } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { retentionSeconds, ROTATION_MARGIN_SECONDS } from '../src/domain/signing-keys.js'
import { buildTestApp, databaseUrl } from './helper.js'

// src/rotate-keys.ts as the operator's rotation Job runs it (`node dist/rotate-keys.js` in auth-service's
// pod template), against the real database: the new key signs, the old one stays published for
// RETAIN_OLD_KEY_SECONDS, never shorter than a token's lifetime plus the margin.
const script = path.resolve(import.meta.dirname, '../src/rotate-keys.ts')

function rotate(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import=tsx', '--conditions=@expenses/source', script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl(), KAFKA_BROKERS: '127.0.0.1:9092', LOG_LEVEL: 'info', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

t.test('retentionSeconds keeps a rotated key at least a token lifetime plus the margin', async (t) => {
  t.equal(retentionSeconds({ ACCESS_TOKEN_TTL_SECONDS: 900 }), 900 + ROTATION_MARGIN_SECONDS, 'nothing asked: the floor')
  t.equal(retentionSeconds({ ACCESS_TOKEN_TTL_SECONDS: 900, RETAIN_OLD_KEY_SECONDS: 60 }), 900 + ROTATION_MARGIN_SECONDS, 'too short: raised to the floor')
  t.equal(retentionSeconds({ ACCESS_TOKEN_TTL_SECONDS: 900, RETAIN_OLD_KEY_SECONDS: 7200 }), 7200, 'longer: as asked')
})

t.test('the rotate-keys job signs with a new key and keeps the old one published for RETAIN_OLD_KEY_SECONDS', async (t) => {
  const { db } = await buildTestApp(t)
  const before = await db.signingKey.findFirst({ where: { rotatedAt: null }, orderBy: { createdAt: 'desc' } })
  t.ok(before, 'the app created an active key at start-up')

  const started = Date.now()
  const run = rotate({ RETAIN_OLD_KEY_SECONDS: '7200' })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /signing key rotated/)
  t.match(run.stdout, /"retainOldKeySeconds":7200/)

  const old = await db.signingKey.findUniqueOrThrow({ where: { kid: before?.kid ?? '' } })
  t.ok(old.rotatedAt, 'the old key no longer signs')
  const retiresIn = (old.retiredAt?.getTime() ?? 0) - started
  t.ok(retiresIn >= 7_190_000 && retiresIn <= 7_260_000, `the old key retires in about 7200 s (${Math.round(retiresIn / 1000)} s)`)
  const active = await db.signingKey.findMany({ where: { rotatedAt: null } })
  t.equal(active.length, 1, 'exactly one active key')
  t.not(active[0]?.kid, before?.kid, 'and it is a new one')

  // A replica started now (no cached key list) publishes both: tokens of the old key stay verifiable.
  const fresh = await buildTestApp(t)
  const jwks = (await fresh.app.inject({ method: 'GET', url: '/auth/v1/jwks' })).json() as { keys: { kid: string }[] }
  const kids = jwks.keys.map((k) => k.kid)
  t.ok(kids.includes(before?.kid ?? '') && kids.includes(active[0]?.kid ?? ''), 'old and new are both in the JWKS')
})

t.test('a bad RETAIN_OLD_KEY_SECONDS stops the job with the variable named, and rotates nothing', async (t) => {
  const { db } = await buildTestApp(t)
  const before = await db.signingKey.count()
  const run = rotate({ RETAIN_OLD_KEY_SECONDS: 'soon' })
  t.not(run.status, 0)
  t.match(run.stdout + run.stderr, /RETAIN_OLD_KEY_SECONDS/)
  t.equal(await db.signingKey.count(), before, 'no key added')
})
