import { buildApp, registerAuth, type PlatformApp, type ReadinessChecks } from '@expenses/platform'
import type { Logger } from 'pino'
import type { AuthConfig } from './config.js'
import type { Db } from './db.js'
import { AccessTokens } from './domain/access-tokens.js'
import { Accounts } from './domain/accounts.js'
import { LoginThrottle } from './domain/login-throttle.js'
import { SigningKeys, type SigningKeyRepository } from './domain/signing-keys.js'
import { identityRoutes } from './routes/identity.js'
import { tokenRoutes } from './routes/tokens.js'

export const PREFIX = '/auth/v1'

export interface AuthAppDeps {
  config: AuthConfig
  db: Db
  logger: Logger
  readinessChecks?: ReadinessChecks
  /** Wakes the outbox relay after a commit that wrote an event. */
  onOutboxWrite?: () => void
}

export interface AuthApp {
  app: PlatformApp
  keys: SigningKeys
  accounts: Accounts
  throttle: LoginThrottle
}

export function signingKeyRepository(db: Db): SigningKeyRepository {
  return {
    list: () => db.signingKey.findMany({ orderBy: { createdAt: 'asc' } }),
    insertIfNoActive: async (key) => {
      await db.$transaction(async (tx) => {
        // Serialise first-key creation across replicas starting together.
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', 'auth-signing-keys')
        const active = await tx.signingKey.count({ where: { rotatedAt: null } })
        if (active === 0) await tx.signingKey.create({ data: { ...key, publicJwk: key.publicJwk as object } })
      })
    },
    rotate: async (key, retireOldAt) => {
      await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', 'auth-signing-keys')
        await tx.signingKey.updateMany({ where: { rotatedAt: null }, data: { rotatedAt: new Date(), retiredAt: retireOldAt } })
        await tx.signingKey.create({ data: { ...key, publicJwk: key.publicJwk as object } })
      })
    },
  }
}

/** Builds auth-service's HTTP app on its dependencies; main.ts and the tests both use this. */
export async function buildAuthApp(deps: AuthAppDeps): Promise<AuthApp> {
  const { config, db } = deps
  const keys = new SigningKeys(signingKeyRepository(db))
  await keys.ensureActiveKey()
  const tokens = new AccessTokens(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS })
  const throttle = new LoginThrottle(db, {
    perUsername: config.LOGIN_MAX_FAILURES_PER_USERNAME,
    perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
  })
  const accounts = new Accounts(db, tokens, throttle, { refreshTokenTtlMs: config.REFRESH_TOKEN_TTL_DAYS * 86_400_000 }, deps.onOutboxWrite)

  const app = await buildApp({
    service: 'auth-service',
    description: 'Accounts, sessions (rotating refresh tokens) and the public keys that verify access tokens.',
    servers: [{ url: '/' }],
    logger: deps.logger,
    readinessChecks: deps.readinessChecks,
  })
  // auth-service verifies its own tokens with its own keys; no JWKS round trip.
  await registerAuth(app, { getPublicKey: (kid) => keys.publicKey(kid) }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(tokenRoutes, { prefix: PREFIX, accounts })
  await app.register(identityRoutes, { prefix: PREFIX, accounts, keys })
  return { app, keys, accounts, throttle }
}
