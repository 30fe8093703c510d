import { PrismaPg } from '@prisma/adapter-pg'

/**
 * Builds a service's generated PrismaClient on the pg driver adapter (no native query engine, so the
 * same code runs here, in CI and in slim images).
 */
export function createPrismaClient<T>(
  PrismaClient: new (options: { adapter: PrismaPg }) => T,
  databaseUrl: string,
  options: { maxConnections?: number; applicationName?: string } = {},
): T {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5000,
  })
  return new PrismaClient({ adapter })
}
