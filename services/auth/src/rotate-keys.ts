/**
 * Rotates the access-token signing key: new tokens are signed with a fresh key at once; the old key
 * stays in the JWKS for ACCESS_TOKEN_TTL_SECONDS plus a margin, so tokens already issued keep working.
 * Run it on a schedule (a CronJob) or after a suspected key leak.
 */
import { createLogger, loadConfig } from '@expenses/platform'
import { signingKeyRepository } from './app.js'
import { authConfigSchema } from './config.js'
import { createDb } from './db.js'
import { SigningKeys } from './domain/signing-keys.js'

const config = loadConfig(authConfigSchema)
const logger = createLogger({ service: 'auth-service', level: config.LOG_LEVEL })
const db = createDb(config.DATABASE_URL)
try {
  const keys = new SigningKeys(signingKeyRepository(db))
  const kid = await keys.rotate((config.ACCESS_TOKEN_TTL_SECONDS + 300) * 1000)
  logger.info({ kid }, 'signing key rotated')
} finally {
  await db.$disconnect()
}
