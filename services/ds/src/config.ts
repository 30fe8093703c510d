import { envPort, extendConfigSchema, Type, type Static } from '@expenses/platform'

export const dsConfigSchema = extendConfigSchema({
  PORT: envPort(4003),
  DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://', description: "ds-service's own database" }),
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'Comma-separated host:port list' }),
  KAFKA_GROUP_ID: Type.String({
    minLength: 1,
    maxLength: 200,
    default: 'ds-service',
    description: 'Consumer group of the parser worker (bank-message.received.v1); also its inbox name',
  }),
  AUTH_JWKS_URL: Type.String({ minLength: 1, pattern: '^https?://', description: "auth-service's JWKS, e.g. http://auth-service:4001/auth/v1/jwks" }),
  MIN_CONFIDENCE: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0,
    description: 'Transactions the parser is less sure of than this are rejected as low_confidence (0 = off)',
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 65_536, default: 4 * 1024 * 1024, description: 'Largest request body (a 500-message batch)' }),
  MIGRATE_ON_START: Type.Boolean({ default: false, description: 'Apply migrations at start-up (local runs); clusters use the migration Job' }),
})

export type DsConfig = Static<typeof dsConfigSchema>
