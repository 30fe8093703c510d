import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import Fastify from 'fastify'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

export function newSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid, privateKey, publicKey }
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Signs JWTs by hand (node:crypto only), so tests can also build the tokens a real library would refuse
 * to produce: alg none, HS256 with a public key as the secret, wrong kids.
 */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: { rsa: KeyObject } | { hmac: string | Buffer } | { none: true },
): string {
  const input = `${b64url(header)}.${b64url(payload)}`
  if ('none' in key) return `${input}.`
  const signature = 'rsa' in key ? sign('sha256', Buffer.from(input), key.rsa) : createHmac('sha256', key.hmac).update(input).digest()
  return `${input}.${signature.toString('base64url')}`
}

export const ISSUER = 'expenses-tracker'
export const AUDIENCE = 'expenses-api'

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { sub: '5b0f7c4e-2d7e-4a53-9d2a-00000000c123', username: 'asha', jti: 'jti-1', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 900, ...overrides }
}

export function rs256(key: SigningKey, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }, claims(overrides), { rsa: key.privateKey })
}

/** A real JWKS HTTP server (what auth-service serves), counting how often it is asked. */
export async function startJwksServer(initial: SigningKey[]) {
  let keys = [...initial]
  let requests = 0
  let failing = false
  const server = Fastify()
  server.get('/auth/v1/jwks', async (_request, reply) => {
    requests++
    if (failing) return reply.code(500).send({ error: 'down' })
    return { keys: keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: 'RS256', use: 'sig' })) }
  })
  const address = await server.listen({ port: 0, host: '127.0.0.1' })
  return {
    url: `${address}/auth/v1/jwks`,
    get requests() {
      return requests
    },
    setKeys(next: SigningKey[]) {
      keys = [...next]
    },
    setFailing(value: boolean) {
      failing = value
    },
    close: () => server.close(),
  }
}
