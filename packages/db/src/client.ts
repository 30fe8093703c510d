import { PrismaPg } from '@prisma/adapter-pg'

/**
 * Builds a service's generated PrismaClient on the pg driver adapter (no native query engine, so the
 * same code runs here, in CI and in slim images).
 */
export function createPrismaClient<T>(
  PrismaClient: new (options: { adapter: PrismaPg }) => T,
  databaseUrl: string,
  options: { maxConnections?: number; applicationName?: string; connectionTimeoutMs?: number } = {},
): T {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName,
    // How long a request may wait for a connection: past it, the request is answered 503 with Retry-After
    // (platform's dependency-errors) rather than held while the database is unreachable.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 2_000,
  })
  return new PrismaClient({ adapter })
}
