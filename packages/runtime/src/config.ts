import { kafkaConnectionConfig } from '@expenses/events'
import { Type } from '@expenses/platform'

/**
 * Configuration shared by the services, in groups a service spreads into its own schema
 * (`extendConfigSchema({ PORT: envPort(4004), ...serviceStorageConfig('expense-service'), ... })`), so each
 * variable is defined, validated and described in one place.
 */

/** Its own database and Kafka: every service with state. */
export function serviceStorageConfig(service: string) {
  return {
    DATABASE_URL: Type.String({ minLength: 1, pattern: '^postgres(ql)?://', description: `${service}'s own database` }),
    // Brokers, client id, TLS and SASL: defined once in the event kit, validated here with the rest.
    ...kafkaConnectionConfig,
    MIGRATE_ON_START: Type.Boolean({ default: false, description: 'Apply migrations at start-up (local runs); clusters use the migration Job' }),
  }
}

/** A service that consumes events: its consumer group, which is also its inbox name in processed_events. */
export function consumerGroupConfig(service: string) {
  return {
    KAFKA_GROUP_ID: Type.String({
      minLength: 1,
      maxLength: 200,
      default: service,
      description: 'Consumer group; also the inbox name in processed_events. Change it only to replay into a fresh inbox.',
    }),
  }
}

/** A service that verifies access tokens against auth-service's published keys. */
export const tokenVerificationConfig = {
  AUTH_JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:4001/auth/v1/jwks',
    description: "auth-service's JWKS, e.g. http://auth-service:4001/auth/v1/jwks in the cluster",
  }),
}
