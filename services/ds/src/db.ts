import { createPrismaClient } from '@expenses/db'
import type { SqlExecutor } from '@expenses/events'
import { PrismaClient, type Prisma } from './generated/prisma/client.js'

export { PrismaClient, Prisma } from './generated/prisma/client.js'
export type Db = PrismaClient
export type Tx = Prisma.TransactionClient

export function createDb(databaseUrl: string): Db {
  return createPrismaClient(PrismaClient, databaseUrl, { applicationName: 'ds-service' })
}

/**
 * The event consumer hands handlers its transaction typed as the narrow SqlExecutor (the events package
 * knows no service's client). ds-service gives the consumer its own PrismaClient, so at run time that
 * transaction IS this service's interactive-transaction client; this restores its type.
 */
export function asTx(tx: SqlExecutor): Tx {
  return tx as unknown as Tx
}
