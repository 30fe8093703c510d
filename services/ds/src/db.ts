import { createPrismaClient } from '@expenses/db'
import { PrismaClient, type Prisma } from './generated/prisma/client.js'

export { PrismaClient, Prisma } from './generated/prisma/client.js'
export type Db = PrismaClient
export type Tx = Prisma.TransactionClient

export function createDb(databaseUrl: string): Db {
  return createPrismaClient(PrismaClient, databaseUrl, { applicationName: 'ds-service' })
}
