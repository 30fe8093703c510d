import { envPort, extendConfigSchema, type Static } from '@expenses/platform'
import { serviceStorageConfig, consumerGroupConfig, tokenVerificationConfig } from '@expenses/runtime'

export const userConfigSchema = extendConfigSchema({
  PORT: envPort(4002),
  ...serviceStorageConfig('user-service'),
  ...consumerGroupConfig('user-service'),
  ...tokenVerificationConfig,
})

export type UserConfig = Static<typeof userConfigSchema>
