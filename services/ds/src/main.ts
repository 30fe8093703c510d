import path from 'node:path'
import { startService } from '@expenses/runtime'
import { buildDsApp } from './app.js'
import { dsConfigSchema } from './config.js'
import { createDb } from './db.js'
import { settledCounter } from './domain/metrics.js'
import { parserSubscriptions } from './domain/processing.js'

await startService({
  name: 'ds-service',
  configSchema: dsConfigSchema,
  migrationsDir: path.resolve(import.meta.dirname, '../prisma/migrations'),
  createDb: (config) => createDb(config.DATABASE_URL),
  buildApp: async ({ config, db, logger, readinessChecks, wakeOutbox }) =>
    (await buildDsApp({ config, db, logger, readinessChecks, onOutboxWrite: wakeOutbox })).app,
  // The parser worker: bank-message.received -> expense.parsed | bank-message.rejected.
  consumers: ({ config, registry }) => [
    { groupId: config.KAFKA_GROUP_ID, subscriptions: parserSubscriptions({ minConfidence: config.MIN_CONFIDENCE, onSettled: settledCounter(registry) }) },
  ],
})
