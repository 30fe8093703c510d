import path from 'node:path'
import { startService } from '@expenses/runtime'
import { buildExpenseApp } from './app.js'
import { expenseConfigSchema } from './config.js'
import { expenseServiceConsumers } from './consumers.js'
import { createDb } from './db.js'
import { Expenses } from './domain/expenses.js'

await startService({
  name: 'expense-service',
  configSchema: expenseConfigSchema,
  migrationsDir: path.resolve(import.meta.dirname, '../prisma/migrations'),
  createDb: (config) => createDb(config.DATABASE_URL),
  buildApp: async ({ config, db, logger, readinessChecks }) => (await buildExpenseApp({ config, db, logger, readinessChecks })).app,
  consumers: ({ config, db }) => expenseServiceConsumers(config.KAFKA_GROUP_ID, new Expenses(db)),
})
