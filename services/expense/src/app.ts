import { buildApp, registerAuth, type PlatformApp, type ReadinessChecks } from '@expenses/platform'
import type { Logger } from 'pino'
import type { ExpenseConfig } from './config.js'
import type { Db } from './db.js'
import { Expenses } from './domain/expenses.js'
import { Summaries } from './domain/summary.js'
import { categoryRoutes } from './routes/categories.js'
import { expenseRoutes } from './routes/expenses.js'
import { summaryRoutes } from './routes/summary.js'

export const PREFIX = '/expense/v1'

export interface ExpenseAppDeps {
  config: ExpenseConfig
  db: Db
  logger: Logger
  readinessChecks?: ReadinessChecks
}

export interface ExpenseApp {
  app: PlatformApp
  expenses: Expenses
}

/** Builds expense-service's HTTP app on its dependencies; main.ts and the tests both use this. */
export async function buildExpenseApp(deps: ExpenseAppDeps): Promise<ExpenseApp> {
  const { config, db } = deps
  const expenses = new Expenses(db)
  const summaries = new Summaries(db)
  const app = await buildApp({
    service: 'expense-service',
    description: 'Expenses from parsed bank messages and manual entry: CRUD, filters, keyset pagination, summaries, categories.',
    servers: [{ url: '/' }],
    logger: deps.logger,
    readinessChecks: deps.readinessChecks,
  })
  await registerAuth(app, { jwksUrl: config.AUTH_JWKS_URL }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE })
  await app.register(expenseRoutes, { prefix: PREFIX, expenses })
  await app.register(summaryRoutes, { prefix: PREFIX, summaries })
  await app.register(categoryRoutes, { prefix: PREFIX, expenses })
  return { app, expenses }
}
