import { envPort, extendConfigSchema, Type } from '@expenses/platform'
import type { Static } from '@expenses/platform'

/**
 * Gateway environment. The per-service instance lists (<SERVICE>_URLS) are not in this schema:
 * their names come from the route table (see createUpstreamPools).
 */
export const gatewayConfigSchema = extendConfigSchema({
  PORT: envPort(8080),
  /** Route table; relative paths resolve against the working directory. Default: the repo's api/routes.yaml. */
  ROUTES_FILE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_JWKS_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4001/auth/v1/jwks' }),
  /** Allowed browser origins, comma-separated, or `*`. Unset: `*` when NODE_ENV=development, none otherwise. */
  CORS_ORIGINS: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  /**
   * Trust X-Forwarded-For for the client address (rate limits are per client address). Off by
   * default: the gateway is the edge, and trusting the header would let any client pick its own key.
   */
  TRUST_PROXY: Type.Boolean({ default: false }),
  /**
   * Multiplies every route's per-minute rate limit from the route table (default 1). For load tests and
   * benchmarks, which must not edit the route table that Kong shares.
   */
  RATE_LIMIT_MULTIPLIER: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, default: 1 }),
  /** Max wait for an upstream's response headers (and between body chunks) before 504. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 2_000 }),
  /**
   * Slow and idle clients (the gateway is the edge): the request head must arrive within CLIENT_HEADERS_TIMEOUT_MS and
   * the whole request within CLIENT_REQUEST_TIMEOUT_MS (a 408 problem otherwise), an idle keep-alive connection closes
   * after CLIENT_KEEP_ALIVE_TIMEOUT_MS, a silent socket after CLIENT_IDLE_TIMEOUT_MS, and a head over MAX_HEADER_BYTES
   * gets a 431 problem.
   */
  CLIENT_HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  CLIENT_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  CLIENT_KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  CLIENT_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 120_000 }),
  MAX_HEADER_BYTES: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 16_384 }),
  /** How long an instance that refused a connection is skipped. */
  UPSTREAM_COOLDOWN_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  /**
   * The built web app (services/web/dist) to serve at `/`; `npm start` sets it. In a cluster the web
   * chart's own image serves the app instead: WEB_URLS (the route table's `web`) names its instances and
   * the gateway proxies every GET or HEAD no route claims to them. Neither set: `/` is a 404.
   */
  WEB_ROOT: Type.Optional(Type.String({ minLength: 1 })),
  /** How long the merged OpenAPI document is reused before the services are asked again. */
  OPENAPI_CACHE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
})
export type GatewayConfig = Static<typeof gatewayConfigSchema>
