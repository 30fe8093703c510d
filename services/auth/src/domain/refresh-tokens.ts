import { createHash, randomBytes } from 'node:crypto'

/**
 * Refresh tokens are opaque random strings. Only their SHA-256 is stored: a database leak does not
 * leak usable tokens, and a high-entropy secret needs no slow hash.
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashRefreshToken(token) }
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
