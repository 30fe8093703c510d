import type { KeyObject } from 'node:crypto'
import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { HttpProblem } from '../errors.js'
import { JwksKeyStore, JwksUnavailableError, type JwksKeyStoreOptions } from './jwks.js'

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Claims auth-service puts in access tokens (header: alg RS256, kid). */
export interface AccessTokenClaims {
  sub: string
  jti: string
  iss: string
  aud: string | string[]
  iat: number
  exp: number
  nbf?: number
  username?: string
  [claim: string]: unknown
}

/** What `app.authenticate` puts on `request.auth`. */
export interface AuthContext {
  userId: string
  username: string | undefined
  jti: string
  /** Token expiry, for caches that must not outlive the token. */
  expiresAt: Date
  claims: AccessTokenClaims
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Route hook that requires a valid access token: `{ onRequest: app.authenticate }`. Rejects with 401
     * problem+json `invalid_token`; 503 `auth_unavailable` when signing keys cannot be loaded at all.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
  interface FastifyRequest {
    /** The verified caller. Only on routes using `app.authenticate`; reading it elsewhere throws. */
    readonly auth: AuthContext
  }
}

export type PublicKeyLookup = (kid: string) => Promise<KeyObject | string | undefined>

export type KeySource = { jwksUrl: string; jwks?: Omit<JwksKeyStoreOptions, 'jwksUrl'> } | { getPublicKey: PublicKeyLookup }

export type AsymmetricAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'

export interface TokenVerifyOptions {
  issuer: string
  audience: string | string[]
  /** Default ['RS256']. Symmetric algorithms are not accepted: they would allow algorithm confusion. */
  algorithms?: AsymmetricAlgorithm[]
  /** Allowed clock skew between auth-service and this service. Default 5 s. */
  clockToleranceMs?: number
  /** How many distinct tokens' verification results are remembered (LRU, each until its exp). Default 10000; 0 turns it off. */
  cacheSize?: number
}

class UnknownKidError extends Error {}

/** Each verified request's context, beside the request rather than on it (no untyped property to cast to). */
const authContexts = new WeakMap<FastifyRequest, AuthContext>()
const MAX_KID_LENGTH = 128

// Exporting a KeyObject to PEM costs about 0.1 ms; @fastify/jwt also keys its verifier cache by the PEM string.
const pemOf = new WeakMap<KeyObject, string>()
function toPem(key: KeyObject | string): string {
  if (typeof key === 'string') return key
  let pem = pemOf.get(key)
  if (pem === undefined) {
    pem = key.export({ type: 'spki', format: 'pem' }).toString()
    pemOf.set(key, pem)
  }
  return pem
}

function keyLookup(source: KeySource, app: FastifyInstance): PublicKeyLookup {
  if ('getPublicKey' in source) return source.getPublicKey
  const store = new JwksKeyStore({
    jwksUrl: source.jwksUrl,
    onFetch: (result) =>
      result.ok
        ? app.log.info({ jwksUrl: source.jwksUrl, keys: result.keys }, 'loaded token signing keys')
        : app.log.warn({ jwksUrl: source.jwksUrl, error: result.error }, 'could not load token signing keys'),
    ...source.jwks,
  })
  return (kid) => store.getKey(kid)
}

function invalidToken(detail: string): HttpProblem {
  return new HttpProblem(401, 'invalid_token', 'Unauthorized', {
    detail,
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${detail}"` },
  })
}

/** Maps verification failures to a client-safe detail; the precise reason goes to the debug log. */
function describeFailure(err: unknown): string {
  const code = (err as { code?: string }).code
  if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER' || code === 'FST_JWT_BAD_REQUEST') return 'A bearer access token is required'
  if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') return 'The access token has expired'
  return 'The access token is invalid'
}

interface AuthPluginOptions {
  source: KeySource
  verify: TokenVerifyOptions
}

const authPlugin = fp<AuthPluginOptions>(
  async function auth(app, { source, verify }) {
    const algorithms = verify.algorithms ?? ['RS256']
    if (algorithms.length === 0) throw new Error('registerAuth: at least one algorithm is required')
    const lookup = keyLookup(source, app)

    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret: {
        public: async (_request: FastifyRequest, token: unknown) => {
          const { header } = token as { header: { kid?: unknown; alg?: unknown } }
          // Reject before any key lookup: no kid, or a kid that could only be an attack on the cache.
          if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > MAX_KID_LENGTH) throw new UnknownKidError('token has no usable kid')
          if (typeof header.alg !== 'string' || !(algorithms as string[]).includes(header.alg))
            throw new UnknownKidError(`token algorithm ${String(header.alg)} is not allowed`)
          const key = await lookup(header.kid)
          if (!key) throw new UnknownKidError(`no signing key with kid ${header.kid}`)
          return toPem(key)
        },
      },
      verify: {
        algorithms,
        allowedIss: verify.issuer,
        allowedAud: verify.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'iss', 'aud'],
        clockTolerance: verify.clockToleranceMs ?? 5000,
        // A client sends the same access token on every request for its lifetime: remember the
        // result of the RS256 check (about 0.2 ms) for that exact token, never past its exp. Only
        // verification results are cached; the key lookup above runs on every request, so an unknown
        // kid or an unreachable JWKS is never remembered.
        cache: verify.cacheSize ?? 10_000,
      },
    })

    app.decorateRequest('auth', {
      getter(this: FastifyRequest) {
        const value = authContexts.get(this)
        if (!value) throw new Error('request.auth read on a route without { onRequest: app.authenticate }')
        return value
      },
    })

    app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
      let claims: AccessTokenClaims
      try {
        claims = await request.jwtVerify<AccessTokenClaims>()
      } catch (err) {
        if (err instanceof JwksUnavailableError) {
          request.log.error({ err }, 'cannot verify access tokens: signing keys unavailable')
          throw new HttpProblem(503, 'auth_unavailable', 'Service Unavailable', {
            detail: 'Access tokens cannot be verified right now; retry shortly',
          })
        }
        request.log.debug({ reason: (err as Error).message }, 'access token rejected')
        throw invalidToken(describeFailure(err))
      }
      if (typeof claims.sub !== 'string' || claims.sub === '' || typeof claims.jti !== 'string') {
        throw invalidToken('The access token is invalid')
      }
      // Every service keys users by UUID (@db.Uuid columns): a subject that is not one cannot own anything,
      // and checked here it is a 401 in every service instead of a database error (500) in some.
      if (!USER_ID.test(claims.sub)) throw invalidToken('The access token does not name a user')
      const context: AuthContext = {
        userId: claims.sub.toLowerCase(),
        username: typeof claims.username === 'string' ? claims.username : undefined,
        jti: claims.jti,
        expiresAt: new Date(claims.exp * 1000),
        claims,
      }
      authContexts.set(request, context)
    })
  },
  { name: '@expenses/platform/auth' },
)

/**
 * Access-token verification. With `{ jwksUrl }` keys come from auth-service's JWKS (cached, rotation-aware);
 * auth-service itself passes `{ getPublicKey }` reading its own key table. Then guard routes with
 * `{ onRequest: app.authenticate }` and read `request.auth.userId`.
 */
export async function registerAuth(app: FastifyInstance, source: KeySource, verify: TokenVerifyOptions): Promise<void> {
  await app.register(authPlugin, { source, verify })
}
