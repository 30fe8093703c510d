import { randomUUID, type KeyObject } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import type { SigningKeys } from './signing-keys.js'

export interface AccessTokenSettings {
  issuer: string
  audience: string
  ttlSeconds: number
}

/**
 * Issues short-lived RS256 access tokens with sub = userId, iss, aud, exp, iat, jti and the key id in
 * the header. Signing uses fast-jwt, the engine under @fastify/jwt, which the other services use (via
 * @expenses/platform) to verify these tokens against our JWKS.
 */
export class AccessTokens {
  private signers = new Map<string, (payload: Record<string, unknown>) => string>()

  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: AccessTokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.ttlSeconds
  }

  async issue(user: { id: string; username: string }): Promise<{ token: string; expiresIn: number }> {
    const { kid, privateKey } = await this.keys.signingKey()
    const sign = this.signerFor(kid, privateKey)
    const token = sign({ sub: user.id, username: user.username, jti: randomUUID() })
    return { token, expiresIn: this.settings.ttlSeconds }
  }

  private signerFor(kid: string, key: KeyObject) {
    let signer = this.signers.get(kid)
    if (!signer) {
      signer = createSigner({
        key: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
        algorithm: 'RS256',
        kid,
        iss: this.settings.issuer,
        aud: this.settings.audience,
        expiresIn: this.settings.ttlSeconds * 1000,
      })
      this.signers.set(kid, signer)
    }
    return signer
  }
}
