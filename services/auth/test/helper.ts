import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import type { Test } from 'tap'
import { loadConfig } from '@expenses/platform'
import { serviceDatabase } from '@expenses/testing'
import { buildAuthApp } from '../src/app.js'
import { authConfigSchema } from '../src/config.js'
import { createDb } from '../src/db.js'

export const migrationsDir = path.resolve(import.meta.dirname, '../prisma/migrations')

const database = serviceDatabase('AUTH_DATABASE_URL', migrationsDir)
export const databaseUrl = database.url
export const ensureMigrated = database.ensureMigrated

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig(authConfigSchema, {
    DATABASE_URL: databaseUrl(),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    LOG_LEVEL: 'silent',
    ...overrides,
  })
}

/** The real auth-service app on the real database, exercised with app.inject. */
export async function buildTestApp(t: Test, overrides: Record<string, string> = {}, logStream?: NodeJS.WritableStream) {
  await ensureMigrated()
  const config = testConfig(overrides)
  const db = createDb(config.DATABASE_URL)
  const logger = logStream ? pino({ level: 'debug' }, logStream) : pino({ level: 'silent' })
  const built = await buildAuthApp({ config, db, logger })
  t.teardown(async () => {
    await built.app.close()
    await db.$disconnect()
  })
  return { ...built, db, config }
}

/** Unique, valid signup data; usernames are per-test so parallel test files never collide. */
export function newUser(overrides: Partial<Record<'username' | 'password' | 'email' | 'firstName' | 'lastName' | 'phoneNumber', string>> = {}) {
  const suffix = randomBytes(5).toString('hex')
  return {
    username: `user_${suffix}`,
    password: 'correct horse 42 battery',
    email: `user.${suffix}@example.com`,
    firstName: 'Asha',
    lastName: 'Verma',
    phoneNumber: '+919876543210',
    ...overrides,
  }
}
