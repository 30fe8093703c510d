import path from 'node:path'
import { startService } from '@expenses/runtime'
import { buildAuthApp } from './app.js'
import { authConfigSchema } from './config.js'
import { createDb } from './db.js'

await startService({
  name: 'auth-service',
  configSchema: authConfigSchema,
  migrationsDir: path.resolve(import.meta.dirname, '../prisma/migrations'),
  createDb: (config) => createDb(config.DATABASE_URL),
  buildApp: async ({ config, db, logger, readinessChecks, wakeOutbox }) =>
    (await buildAuthApp({ config, db, logger, readinessChecks, onOutboxWrite: wakeOutbox })).app,
})
