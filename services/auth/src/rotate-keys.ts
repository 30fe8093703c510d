/**
 * Rotates the access-token signing key: new tokens are signed with a fresh key at once; the old key
 * stays in the JWKS for RETAIN_OLD_KEY_SECONDS, and never less than ACCESS_TOKEN_TTL_SECONDS plus a
 * margin, so tokens already issued keep working. The operator runs it as a Job on its ExpenseTracker's
 * schedule (or when asked to); an administrator can run it by hand after a suspected key leak.
 */
import { createLogger, loadConfig } from '@expenses/platform'
import { signingKeyRepository } from './app.js'
import { authConfigSchema } from './config.js'
import { createDb } from './db.js'
import { retentionSeconds, SigningKeys } from './domain/signing-keys.js'

const config = loadConfig(authConfigSchema)
const logger = createLogger({ service: 'auth-service', level: config.LOG_LEVEL })
const db = createDb(config.DATABASE_URL)
try {
  const keys = new SigningKeys(signingKeyRepository(db))
  const retainSeconds = retentionSeconds(config)
  const kid = await keys.rotate(retainSeconds * 1000)
  logger.info({ kid, retainOldKeySeconds: retainSeconds }, 'signing key rotated')
} finally {
  await db.$disconnect()
}
