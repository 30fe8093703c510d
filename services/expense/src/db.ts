import { createPrismaClient } from '@expenses/db'
import { PrismaClient } from './generated/prisma/client.js'

export { PrismaClient, Prisma } from './generated/prisma/client.js'
export type { Expense as ExpenseRow } from './generated/prisma/client.js'
export type Db = PrismaClient

export function createDb(databaseUrl: string): Db {
  return createPrismaClient(PrismaClient, databaseUrl, { applicationName: 'expense-service' })
}
