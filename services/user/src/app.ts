import { buildApp, registerAuth, type PlatformApp, type ReadinessChecks } from '@expenses/platform'
import type { Logger } from 'pino'
import type { UserConfig } from './config.js'
import type { Db } from './db.js'
import { Profiles } from './domain/profiles.js'
import { profileRoutes } from './routes/profile.js'

export const PREFIX = '/user/v1'

export interface UserAppDeps {
  config: UserConfig
  db: Db
  logger: Logger
  readinessChecks?: ReadinessChecks
  /** Wakes the outbox relay after a commit that wrote an event. */
  onOutboxWrite?: () => void
}

export interface UserApp {
  app: PlatformApp
  profiles: Profiles
}

/** Builds user-service's HTTP app on its dependencies; main.ts and the tests both use this. */
export async function buildUserApp(deps: UserAppDeps): Promise<UserApp> {
  const { config } = deps
  const profiles = new Profiles(deps.db, deps.onOutboxWrite)
  const app = await buildApp({
    service: 'user-service',
    description: "Users' profiles: names, phone number, default currency and time zone.",
    servers: [{ url: '/' }],
    logger: deps.logger,
    readinessChecks: deps.readinessChecks,
  })
  await registerAuth(app, { jwksUrl: config.AUTH_JWKS_URL }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(profileRoutes, { prefix: PREFIX, profiles })
  return { app, profiles }
}
