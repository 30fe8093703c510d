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

/**
 * Stands in for auth-service in other services' tests: a real HTTP JWKS endpoint and real RS256
 * tokens in auth-service's format, so a service's token verification runs unchanged. (auth-service's
 * own tests cover how it issues tokens; the end-to-end test covers the real pair together.)
 */
export async function startTestTokenIssuer(options: { issuer?: string; audience?: string } = {}): Promise<TestTokenIssuer> {
  const issuer = options.issuer ?? 'expenses-tracker'
  const audience = options.audience ?? 'expenses-api'
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = `test-${randomUUID()}`
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/jwks') || req.url?.endsWith('/jwks.json')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: [jwk] }))
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return {
    jwksUrl: `http://127.0.0.1:${port}/auth/v1/jwks`,
    issuer,
    audience,
    token(userId, opts = {}) {
      const sign = createSigner({ key: pem, algorithm: 'RS256', kid, iss: issuer, aud: audience, expiresIn: opts.expiresInMs ?? 900_000 })
      return sign({ sub: userId, jti: randomUUID(), username: opts.username ?? `user-${userId.slice(0, 8)}` })
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
