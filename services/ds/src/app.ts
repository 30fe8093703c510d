import { buildApp, registerAuth, type KeySource, type PlatformApp, type ReadinessChecks } from '@expenses/platform'
import type { Logger } from 'pino'
import type { DsConfig } from './config.js'
import type { Db } from './db.js'
import { Corrections } from './domain/corrections.js'
import { MessageStore } from './domain/messages.js'
import { messageRoutes } from './routes/messages.js'
import { parseRoutes } from './routes/parse.js'

export const PREFIX = '/ds/v1'

export interface DsAppDeps {
  config: DsConfig
  db: Db
  logger: Logger
  readinessChecks?: ReadinessChecks
  /** Wakes the outbox relay after a commit that wrote an event. */
  onOutboxWrite?: () => void
  /** Where access-token keys come from; default auth-service's JWKS (AUTH_JWKS_URL). */
  keySource?: KeySource
}

export interface DsApp {
  app: PlatformApp
  messages: MessageStore
  corrections: Corrections
}

/** Builds ds-service's HTTP app on its dependencies; main.ts and the tests both use this. */
export async function buildDsApp(deps: DsAppDeps): Promise<DsApp> {
  const { config, db } = deps
  const messages = new MessageStore(db, deps.onOutboxWrite)
  const corrections = new Corrections(db, deps.onOutboxWrite)
  const app = await buildApp({
    service: 'ds-service',
    description: "Turns raw bank SMS / notifications into expense events, and learns each user's senders from their corrections.",
    servers: [{ url: '/' }],
    logger: deps.logger,
    // A full batch is 500 messages of up to 4096 characters (the gateway allows 4 MiB on /ds/v1 as well).
    bodyLimit: config.BODY_LIMIT_BYTES,
    readinessChecks: deps.readinessChecks,
  })
  await registerAuth(app, deps.keySource ?? { jwksUrl: config.AUTH_JWKS_URL }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(messageRoutes, { prefix: PREFIX, messages, corrections })
  await app.register(parseRoutes, { prefix: PREFIX, db, minConfidence: config.MIN_CONFIDENCE })
  return { app, messages, corrections }
}
