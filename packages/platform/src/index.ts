// Apps built here serve OpenAPI through @fastify/swagger, whose type augmentation adds `hide` (and
// the other OpenAPI keys) to route schemas. `preserve` keeps this reference in dist/index.d.ts, so a
// workspace compiled against the built declarations (tsc -b, the images) sees the same route types as
// one compiled from source.
/// <reference types="@fastify/swagger" preserve="true" />
export {
  baseConfigProperties,
  baseConfigSchema,
  ConfigError,
  describe as describeSchema,
  envPort,
  extendConfigSchema,
  loadConfig,
  logLevels,
} from './config.js'
export type { BaseConfig, ConfigIssue, LogLevel } from './config.js'

export { createLogger, loggerOptions, shouldPrettyPrint } from './logger.js'
export type { Logger, LoggerOptions } from './logger.js'
export { censor, REDACTED, redactConnectionString, redactDeep, SECRET_KEY_PATTERN, SECRET_KEYS } from './redact.js'

export { appOptionsFromConfig, buildApp, DEFAULT_BODY_LIMIT, fastifyServerOptions } from './app.js'
export type { AppOptions, ClientLimits, PlatformApp } from './app.js'

export {
  buildProblemBody,
  defaultCode,
  HttpProblem,
  httpErrors,
  isHttpProblem,
  problem,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_PREFIX,
  problemResponses,
  ProblemFieldErrorSchema,
  ProblemSchema,
  statusTitle,
} from './errors.js'
export type { Problem, ProblemFieldError, ProblemOptions, ProblemResponse } from './errors.js'

export { genReqId, isSaneRequestId, REQUEST_ID_HEADER } from './request-id.js'
export type { Lifecycle, Readiness, ReadinessCheck, ReadinessChecks } from './health.js'
export { Counter, createMetricsRegistry, Gauge, Histogram, Registry, Summary } from './metrics.js'
export type { AppMetrics } from './metrics.js'
export { bearerSecurity } from './openapi.js'
export type { OpenApiOptions } from './openapi.js'

export { registerAuth } from './auth/jwt-verify.js'
export type { AccessTokenClaims, AsymmetricAlgorithm, AuthContext, KeySource, PublicKeyLookup, TokenVerifyOptions } from './auth/jwt-verify.js'
export { JwksKeyStore, JwksUnavailableError } from './auth/jwks.js'
export type { JwksKeyStoreOptions } from './auth/jwks.js'

export { runService } from './server.js'
export type { RunningService, RunServiceOptions, ShutdownStep } from './server.js'

// Services write their route schemas with the same TypeBox the app validates with.
export { Type } from 'typebox'
export type { Static, TSchema } from 'typebox'
export type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
