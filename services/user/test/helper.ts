import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { pino } from 'pino'
import type { Test } from 'tap'
import { loadConfig } from '@expenses/platform'
import { startTestTokenIssuer, serviceDatabase } from '@expenses/testing'
import { buildUserApp } from '../src/app.js'
import { userConfigSchema } from '../src/config.js'
import { createDb } from '../src/db.js'
import { Profiles, type UserRegisteredEvent } from '../src/domain/profiles.js'

export const migrationsDir = path.resolve(import.meta.dirname, '../prisma/migrations')

const database = serviceDatabase('USER_DATABASE_URL', migrationsDir)
export const databaseUrl = database.url
export const ensureMigrated = database.ensureMigrated

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig(userConfigSchema, {
    DATABASE_URL: databaseUrl(),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    LOG_LEVEL: 'silent',
    ...overrides,
  })
}

/** A migrated database client, closed when the test ends. */
export async function testDb(t: Test) {
  await ensureMigrated()
  const db = createDb(databaseUrl())
  t.teardown(() => db.$disconnect())
  return db
}

/**
 * The real user-service app on the real database, exercised with app.inject. Tokens come from a real
 * JWKS server standing in for auth-service (see @expenses/testing startTestTokenIssuer).
 */
export async function buildTestApp(t: Test, options: { onOutboxWrite?: () => void } = {}) {
  const issuer = await startTestTokenIssuer()
  const config = testConfig({ AUTH_JWKS_URL: issuer.jwksUrl, JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience })
  const db = await testDb(t)
  const built = await buildUserApp({ config, db, logger: pino({ level: 'silent' }), ...options })
  t.teardown(async () => {
    await built.app.close()
    await issuer.close()
  })
  const bearer = (userId: string) => ({ authorization: `Bearer ${issuer.token(userId)}` })
  return { ...built, db, config, issuer, bearer }
}

/** A valid user.registered payload for a fresh user; unique per call so parallel test files never collide. */
export function registeredEvent(overrides: Partial<UserRegisteredEvent> = {}): UserRegisteredEvent {
  const suffix = randomBytes(5).toString('hex')
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    userId: randomUUID(),
    username: `user_${suffix}`,
    email: `user.${suffix}@example.com`,
    firstName: 'Asha',
    lastName: 'Verma',
    phoneNumber: '+919876543210',
    ...overrides,
  }
}

/** Creates a profile the way the consumer does, for HTTP tests that do not need Kafka. */
export async function seedProfile(db: Awaited<ReturnType<typeof testDb>>, overrides: Partial<UserRegisteredEvent> = {}) {
  const event = registeredEvent(overrides)
  await Profiles.createFromRegistration(db, event)
  return event
}
