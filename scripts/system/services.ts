/**
 * The processes that make up the system on one machine, in start order. `npm start` and the end-to-end
 * tests both launch exactly this list.
 */
export interface ServiceProcess {
  name: string
  /** Folder under services/. */
  dir: string
  /** Default port; see api/routes.yaml. */
  port: number
  /** Infra variable holding its database URL (none for the gateway). */
  databaseEnv?: string
  /** Whether it has a migrate command (src/migrate.ts). */
  migrates: boolean
}

export const serviceProcesses: readonly ServiceProcess[] = [
  { name: 'auth-service', dir: 'auth', port: 4001, databaseEnv: 'AUTH_DATABASE_URL', migrates: true },
  { name: 'user-service', dir: 'user', port: 4002, databaseEnv: 'USER_DATABASE_URL', migrates: true },
  { name: 'ds-service', dir: 'ds', port: 4003, databaseEnv: 'DS_DATABASE_URL', migrates: true },
  { name: 'expense-service', dir: 'expense', port: 4004, databaseEnv: 'EXPENSE_DATABASE_URL', migrates: true },
]

export const gatewayProcess = { name: 'gateway', dir: 'gateway', port: 8080 } as const

/** AUTH_SERVICE_URLS etc.: the gateway's upstream list for a service. */
export function upstreamEnvVar(service: string): string {
  return `${service.replace(/-/g, '_').toUpperCase()}_URLS`
}
