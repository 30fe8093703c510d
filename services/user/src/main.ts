import path from 'node:path'
import { startService } from '@expenses/runtime'
import { buildUserApp } from './app.js'
import { userConfigSchema } from './config.js'
import { userServiceConsumers } from './consumers.js'
import { createDb } from './db.js'

await startService({
  name: 'user-service',
  configSchema: userConfigSchema,
  migrationsDir: path.resolve(import.meta.dirname, '../prisma/migrations'),
  createDb: (config) => createDb(config.DATABASE_URL),
  buildApp: async ({ config, db, logger, readinessChecks, wakeOutbox }) =>
    (await buildUserApp({ config, db, logger, readinessChecks, onOutboxWrite: wakeOutbox })).app,
  consumers: ({ config }) => userServiceConsumers(config.KAFKA_GROUP_ID),
})
