import { createServer, type Server } from 'node:http'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createSigner } from 'fast-jwt'

export interface TestTokenIssuer {
  /** URL of a JWKS endpoint serving the issuer's public key, like auth-service's /auth/v1/jwks. */
  jwksUrl: string
  issuer: string
  audience: string
  /** An access token for `userId`, signed like auth-service signs them (RS256, kid, iss, aud, exp, jti). */
  token(userId: string, options?: { expiresInMs?: number; username?: string }): string
  close(): Promise<void>
}

/** What the JWKS endpoint answers instead of the keys, for tests of clients that must survive it. */
export type JwksFault = 'none' | 'http-500' | 'garbage' | 'empty' | 'non-rsa'

/** A token issuer whose keys rotate like auth-service's: several kids published at once, one signing. */
export interface RotatingTokenIssuer extends TestTokenIssuer {
  /** kids currently in the JWKS, oldest first. */
  readonly kids: string[]
  /** The kid that signs new tokens. */
  readonly signingKid: string
  /** Adds a new key to the JWKS and signs with it from now on; older keys stay published. Returns its kid. */
  rotate(): string
  /** Takes a key out of the JWKS (auth-service retiring it after the token lifetime). */
  retire(kid: string): void
  /** The SPKI PEM of a published key. */
  publicKeyPem(kid: string): string
  /** Makes the JWKS endpoint misbehave until called again with 'none'. */
  fault(mode: JwksFault): void
  /** JWKS requests served so far. */
  readonly jwksRequests: number
}

interface IssuerKey {
  kid: string
  privatePem: string
  publicPem: string
  jwk: Record<string, unknown>
}

function newKey(): IssuerKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = `test-${randomUUID()}`
  return {
    kid,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  }
}

/** The body and status the JWKS endpoint serves for a fault mode. */
function jwksAnswer(keys: IssuerKey[], fault: JwksFault): { status: number; body: string } {
  switch (fault) {
    case 'http-500':
      return { status: 500, body: '{"title":"Internal Server Error"}' }
    case 'garbage':
      return { status: 200, body: '<html>not a jwks' }
    case 'empty':
      return { status: 200, body: '{"keys":[]}' }
    case 'non-rsa':
      return {
        status: 200,
        body: JSON.stringify({
          keys: [
            ...keys.map((k) => k.jwk),
            { kty: 'EC', crv: 'P-256', kid: 'ec-key', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
          ],
        }),
      }
    case 'none':
      return { status: 200, body: JSON.stringify({ keys: keys.map((k) => k.jwk) }) }
  }
}

/**
 * Stands in for auth-service in other services' tests: a real HTTP JWKS endpoint and real RS256
 * tokens in auth-service's format, so a service's token verification runs unchanged. (auth-service's
 * own tests cover how it issues tokens; the end-to-end test covers the real pair together.)
 */
export function startTestTokenIssuer(options: { issuer?: string; audience?: string } = {}): Promise<TestTokenIssuer> {
  return startRotatingTokenIssuer(options)
}

/** startTestTokenIssuer with key rotation and JWKS faults under the test's control. */
export async function startRotatingTokenIssuer(options: { issuer?: string; audience?: string } = {}): Promise<RotatingTokenIssuer> {
  const issuer = options.issuer ?? 'expenses-tracker'
  const audience = options.audience ?? 'expenses-api'
  let keys: IssuerKey[] = [newKey()]
  let signing = keys[0] as IssuerKey
  let fault: JwksFault = 'none'
  let jwksRequests = 0
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/jwks') || req.url?.endsWith('/jwks.json')) {
      jwksRequests++
      const answer = jwksAnswer(keys, fault)
      res.writeHead(answer.status, { 'content-type': 'application/json' })
      res.end(answer.body)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    jwksUrl: `http://127.0.0.1:${port}/auth/v1/jwks`,
    issuer,
    audience,
    get kids() {
      return keys.map((k) => k.kid)
    },
    get signingKid() {
      return signing.kid
    },
    get jwksRequests() {
      return jwksRequests
    },
    token(userId, opts = {}) {
      const sign = createSigner({
        key: signing.privatePem,
        algorithm: 'RS256',
        kid: signing.kid,
        iss: issuer,
        aud: audience,
        expiresIn: opts.expiresInMs ?? 900_000,
      })
      return sign({ sub: userId, jti: randomUUID(), username: opts.username ?? `user-${userId.slice(0, 8)}` })
    },
    rotate() {
      signing = newKey()
      keys = [...keys, signing]
      return signing.kid
    },
    retire(kid) {
      if (kid === signing.kid) throw new Error('cannot retire the signing key: rotate first')
      keys = keys.filter((k) => k.kid !== kid)
    },
    publicKeyPem(kid) {
      const key = keys.find((k) => k.kid === kid)
      if (!key) throw new Error(`no published key ${kid}`)
      return key.publicPem
    },
    fault(mode) {
      fault = mode
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
