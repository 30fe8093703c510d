import { envPort, extendConfigSchema, Type, type Static } from '@expenses/platform'
import { serviceStorageConfig, consumerGroupConfig, tokenVerificationConfig } from '@expenses/runtime'

export const dsConfigSchema = extendConfigSchema({
  PORT: envPort(4003),
  ...serviceStorageConfig('ds-service'),
  ...consumerGroupConfig('ds-service'),
  ...tokenVerificationConfig,
  MIN_CONFIDENCE: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0,
    description: 'Transactions the parser is less sure of than this are rejected as low_confidence (0 = off)',
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 65_536, default: 4 * 1024 * 1024, description: 'Largest request body (a 500-message batch)' }),
})

export type DsConfig = Static<typeof dsConfigSchema>
