import { envPort, extendConfigSchema, type Static } from '@expenses/platform'
import { serviceStorageConfig, consumerGroupConfig, tokenVerificationConfig } from '@expenses/runtime'

export const expenseConfigSchema = extendConfigSchema({
  PORT: envPort(4004),
  ...serviceStorageConfig('expense-service'),
  ...consumerGroupConfig('expense-service'),
  ...tokenVerificationConfig,
})

export type ExpenseConfig = Static<typeof expenseConfigSchema>
