import { migrate } from '@expenses/db'

/**
 * A service's own local database in tests: its URL from the infrastructure's variable (e.g.
 * EXPENSE_DATABASE_URL) and its migrations applied once per test process (the runner is idempotent
 * and takes a lock, so parallel test files are safe).
 */
export function serviceDatabase(envName: string, migrationsDir: string): { url(): string; ensureMigrated(): Promise<unknown> } {
  let migrated: Promise<unknown> | undefined
  const url = () => requireEnv(envName)
  return {
    url,
    ensureMigrated: () => (migrated ??= migrate({ databaseUrl: url(), migrationsDir })),
  }
}

function requireEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts Postgres and Kafka`)
  return value
}
