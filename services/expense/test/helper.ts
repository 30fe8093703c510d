import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import type { Test } from 'tap'
import { loadConfig } from '@expenses/platform'
import { startTestTokenIssuer, serviceDatabase } from '@expenses/testing'
import { buildExpenseApp } from '../src/app.js'
import { expenseConfigSchema } from '../src/config.js'
import { createDb } from '../src/db.js'
import type { ExpenseParsedEvent } from '../src/domain/expenses.js'

export const migrationsDir = path.resolve(import.meta.dirname, '../prisma/migrations')
export const PREFIX = '/expense/v1'

const database = serviceDatabase('EXPENSE_DATABASE_URL', migrationsDir)
export const databaseUrl = database.url
export const ensureMigrated = database.ensureMigrated

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig(expenseConfigSchema, {
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
 * The real expense-service app on the real database, exercised with app.inject. Tokens come from a
 * real JWKS server standing in for auth-service (see @expenses/testing startTestTokenIssuer).
 */
export async function buildTestApp(t: Test) {
  const issuer = await startTestTokenIssuer()
  const config = testConfig({ AUTH_JWKS_URL: issuer.jwksUrl, JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience })
  const db = await testDb(t)
  const built = await buildExpenseApp({ config, db, logger: pino({ level: 'silent' }) })
  t.teardown(async () => {
    await built.app.close()
    await issuer.close()
  })
  const bearer = (userId: string) => ({ authorization: `Bearer ${issuer.token(userId)}` })

  /** A fresh user (unique per call, so parallel test files never share data) with request helpers. */
  const newUser = () => {
    const userId = randomUUID()
    const headers = bearer(userId)
    const request = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, extraHeaders: Record<string, string> = {}) =>
      built.app.inject({
        method,
        url: `${PREFIX}${url}`,
        headers: { ...headers, ...extraHeaders },
        ...(payload === undefined ? {} : { payload: payload as object }),
      })
    return {
      userId,
      headers,
      get: (url: string) => request('GET', url),
      post: (url: string, payload: unknown, extraHeaders?: Record<string, string>) => request('POST', url, payload, extraHeaders),
      patch: (url: string, payload: unknown) => request('PATCH', url, payload),
      delete: (url: string) => request('DELETE', url),
      /** Creates a manual expense and returns its body, failing loudly if it was not created. */
      create: async (payload: Record<string, unknown>) => {
        const res = await request('POST', '/expenses', { amount: '10.00', currency: 'USD', merchant: 'Corner Shop', ...payload })
        if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode}: ${res.body}`)
        return res.json()
      },
    }
  }
  return { ...built, db, config, issuer, bearer, newUser }
}

/** A valid expense.parsed payload for a fresh user and message; unique per call. */
export function parsedEvent(overrides: Partial<ExpenseParsedEvent> = {}): ExpenseParsedEvent {
  return {
    eventId: randomUUID(),
    userId: randomUUID(),
    messageId: randomUUID(),
    type: 'debit',
    amount: '1250.00',
    currency: 'INR',
    merchant: 'SWIGGY',
    accountLast4: '1234',
    balance: '50210.55',
    occurredAt: '2024-03-05T00:00:00.000Z',
    receivedAt: '2024-03-05T09:15:22.000Z',
    channel: 'upi',
    reference: '412345678901',
    confidence: 0.97,
    ...overrides,
  }
}
