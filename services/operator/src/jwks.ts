import { createPublicKey, type KeyObject } from 'node:crypto'

const BASE64URL = /^[A-Za-z0-9_-]+$/
/** auth-service signs with 2048-bit keys; anything shorter is not one of its keys. */
const MIN_MODULUS_BITS = 2048

/** One signing key of auth-service, ready for Kong: its kid and the public key as SPKI PEM. */
export interface SigningKey {
  kid: string
  pem: string
}

/** The JWKS could not be fetched or is not a set of RSA signing keys. Nothing may be deleted on this. */
export class JwksError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'JwksError'
  }
}

/**
 * Fetches auth-service's JWKS and converts every key to PEM. Deliberately all-or-nothing: a document we do
 * not fully understand (an empty set, a non-RSA key, a key without kid, a duplicate kid) is rejected as a
 * whole, because the reconciler deletes credentials whose kid is missing from the set - acting on a
 * partial reading could lock every user out at the gateway.
 */
export async function fetchSigningKeys(url: string, timeoutMs: number, signal?: AbortSignal): Promise<SigningKey[]> {
  let response: Response
  try {
    const timeout = AbortSignal.timeout(timeoutMs)
    response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } })
  } catch (err) {
    throw new JwksError(`JWKS fetch from ${url} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new JwksError(`JWKS fetch from ${url} answered HTTP ${response.status}`)
  }
  let document: unknown
  try {
    document = await response.json()
  } catch (err) {
    throw new JwksError(`JWKS from ${url} is not JSON`, { cause: err })
  }
  return parseSigningKeys(document)
}

/** Validates a JWKS document and converts its keys; throws JwksError on anything unexpected. */
export function parseSigningKeys(document: unknown): SigningKey[] {
  const keys = (document as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new JwksError('JWKS has no "keys" array')
  if (keys.length === 0) throw new JwksError('JWKS has no keys')
  const seen = new Set<string>()
  return keys.map((jwk: unknown, index) => {
    const key = jwk as Record<string, unknown> | null
    if (typeof key !== 'object' || key === null) throw new JwksError(`JWKS key ${index} is not an object`)
    const kid = key.kid
    if (typeof kid !== 'string' || kid.length === 0) throw new JwksError(`JWKS key ${index} has no kid`)
    if (seen.has(kid)) throw new JwksError(`JWKS has kid "${kid}" twice`)
    seen.add(kid)
    if (key.kty !== 'RSA') throw new JwksError(`JWKS key "${kid}" is ${String(key.kty)}, not RSA`)
    if (key.alg !== undefined && key.alg !== 'RS256') throw new JwksError(`JWKS key "${kid}" is for ${String(key.alg)}, not RS256`)
    if (key.use !== undefined && key.use !== 'sig') throw new JwksError(`JWKS key "${kid}" is for use "${String(key.use)}", not sig`)
    // Node's base64url decoder skips characters it does not know, so check the alphabet first.
    if (typeof key.n !== 'string' || typeof key.e !== 'string' || !BASE64URL.test(key.n) || !BASE64URL.test(key.e)) {
      throw new JwksError(`JWKS key "${kid}" lacks a base64url n or e`)
    }
    let publicKey: KeyObject
    try {
      // Only the public members go in: a JWKS leaking "d" must not turn into a private key here.
      publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' })
    } catch (err) {
      throw new JwksError(`JWKS key "${kid}" is not a valid RSA public key`, { cause: err })
    }
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < MIN_MODULUS_BITS) throw new JwksError(`JWKS key "${kid}" has a ${bits}-bit modulus, below ${MIN_MODULUS_BITS}`)
    return { kid, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
  })
}
