import { envPort, extendConfigSchema, Type, type Static } from '@expenses/platform'

export const expenseConfigSchema = extendConfigSchema({
  PORT: envPort(4004),
  DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://', description: "expense-service's own database" }),
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'Comma-separated host:port list' }),
  KAFKA_GROUP_ID: Type.String({
    minLength: 1,
    default: 'expense-service',
    description: 'Consumer group for expense.parsed.v1; also the inbox name in processed_events. Change it only to replay into a fresh inbox.',
  }),
  AUTH_JWKS_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4001/auth/v1/jwks', description: "auth-service's JWKS, to verify access tokens" }),
  MIGRATE_ON_START: Type.Boolean({ default: false, description: 'Apply migrations at start-up (local runs); clusters use the migration Job' }),
})

export type ExpenseConfig = Static<typeof expenseConfigSchema>
