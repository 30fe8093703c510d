import { envPort, extendConfigSchema, Type, type Static } from '@expenses/platform'
import { serviceStorageConfig } from '@expenses/runtime'

export const authConfigSchema = extendConfigSchema({
  PORT: envPort(4001),
  ...serviceStorageConfig('auth-service'),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  // rotate-keys only: how long the rotated key stays in the JWKS (the operator passes its ExpenseTracker's
  // retainOldKeysMinutes). Never less than a token's lifetime plus ROTATION_MARGIN_SECONDS.
  RETAIN_OLD_KEY_SECONDS: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  LOGIN_MAX_FAILURES_PER_USERNAME: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
})

export type AuthConfig = Static<typeof authConfigSchema>
