/**
 * Test fixtures for the gateway: small Fastify apps that STAND IN for the real services (those
 * are covered by their own tests; here only the gateway's behaviour towards an upstream
 * matters), and a real JWKS endpoint serving a freshly generated RS256 key.
 */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'

export interface SeenRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface FakeService {
  name: string
  url: string
  app: FastifyInstance
  /** Every request that reached this instance, in order. */
  seen: SeenRequest[]
  close(): Promise<void>
}

export interface FakeServiceOptions {
  /** Paths of the service's own OpenAPI document (served at GET /openapi.json). */
  openapiPaths?: Record<string, unknown>
  /** Delay before answering proxied requests (for timeout tests). */
  delayMs?: number
}

/** A stand-in service instance: echoes what it received, so tests can see what the gateway forwarded. */
export async function startFakeService(name: string, options: FakeServiceOptions = {}): Promise<FakeService> {
  const app = Fastify()
  const seen: SeenRequest[] = []
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  app.get('/openapi.json', async () => ({
    openapi: '3.0.3',
    info: { title: name, version: '1.0.0' },
    paths: { '/healthz': { get: { summary: `${name} liveness (not public)` } }, ...options.openapiPaths },
  }))
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'],
    url: '/*',
    handler: async (request, reply) => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: (request.body as string | undefined) ?? '' })
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs))
      reply.header('x-served-by', name).header('access-control-allow-origin', 'https://evil.example')
      if (request.method === 'DELETE') return reply.code(204).send()
      if (request.url.endsWith('/cookies')) reply.header('set-cookie', ['a=1; HttpOnly', 'b=2; HttpOnly'])
      return { service: name, method: request.method, url: request.url }
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { name, url: `http://127.0.0.1:${port}`, app, seen, close: () => app.close() }
}

/** A port on which nothing listens (bound then released), standing in for a crashed instance. */
export async function deadUrl(): Promise<string> {
  const app = Fastify()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  await app.close()
  return `http://127.0.0.1:${port}`
}

export const ISSUER = 'expenses-tracker'
export const AUDIENCE = 'expenses-api'

export interface Jwks {
  url: string
  kid: string
  /** Signs a token with the served key (or `key`); claims override the valid defaults. */
  sign(claims?: Record<string, unknown>, options?: { key?: KeyObject; kid?: string }): string
  close(): Promise<void>
}

export async function startJwks(): Promise<Jwks> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID()
  const app = Fastify()
  app.get('/auth/v1/jwks', async () => ({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }],
  }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/auth/v1/jwks`,
    kid,
    sign: (claims = {}, options = {}) => {
      const now = Math.floor(Date.now() / 1000)
      return signRs256(
        { iss: ISSUER, aud: AUDIENCE, sub: randomUUID(), jti: randomUUID(), iat: now, exp: now + 300, ...claims },
        options.key ?? privateKey,
        options.kid ?? kid,
      )
    },
    close: () => app.close(),
  }
}

/** A second key the gateway does not know (a forged token). */
export function otherPrivateKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
}

function signRs256(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url')
  return `${input}.${signature}`
}
