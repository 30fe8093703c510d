import { envPort, extendConfigSchema, Type, type Static } from '@expenses/platform'

export const authConfigSchema = extendConfigSchema({
  PORT: envPort(4001),
  DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://', description: "auth-service's own database" }),
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'Comma-separated host:port list' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  LOGIN_MAX_FAILURES_PER_USERNAME: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  MIGRATE_ON_START: Type.Boolean({ default: false, description: 'Apply migrations at start-up (local runs); clusters use the migration Job' }),
})

export type AuthConfig = Static<typeof authConfigSchema>
