import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto'
import { createHash } from 'node:crypto'

/**
 * Access-token signing keys (RS256), kept in auth-service's own database so every replica signs with
 * the same key and publishes the same JWKS. The newest key without `rotatedAt` signs; keys stay in the
 * JWKS until `retiredAt`, which a rotation sets past the longest-lived token signed with them.
 */
export interface SigningKeyRow {
  kid: string
  algorithm: string
  privateKeyPem: string
  publicJwk: unknown
  createdAt: Date
  rotatedAt: Date | null
  retiredAt: Date | null
}

export interface SigningKeyRepository {
  list(): Promise<SigningKeyRow[]>
  /** Inserts a new signing key and marks the previous active one rotated, atomically and at most once concurrently. */
  rotate(newKey: Omit<SigningKeyRow, 'createdAt' | 'rotatedAt' | 'retiredAt'>, retireOldAt: Date): Promise<void>
  /** Inserts a first key unless some active key exists (race-safe). */
  insertIfNoActive(newKey: Omit<SigningKeyRow, 'createdAt' | 'rotatedAt' | 'retiredAt'>): Promise<void>
}

/** An RSA public key as published in the JWKS. */
export interface PublicJwk {
  kty: string
  n: string
  e: string
  kid: string
  alg: string
  use: string
}

export interface ActiveKey {
  kid: string
  privateKey: KeyObject
}

/** RFC 7638 thumbprint: a kid derived from the key itself, stable across replicas. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })
  return createHash('sha256').update(canonical).digest('base64url')
}

export function generateSigningKey(): Omit<SigningKeyRow, 'createdAt' | 'rotatedAt' | 'retiredAt'> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' })
  const kid = thumbprint(jwk)
  return {
    kid,
    algorithm: 'RS256',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
  }
}

export class SigningKeys {
  private rows: SigningKeyRow[] = []
  private loadedAt = 0
  private readonly privateKeys = new Map<string, KeyObject>()
  private readonly publicKeys = new Map<string, KeyObject>()

  constructor(
    private readonly repo: SigningKeyRepository,
    /** How long a replica trusts its cached key list before reading it again (rotation by another replica). */
    private readonly cacheMs = 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates the first key when the database has none. Called at start-up. */
  async ensureActiveKey(): Promise<void> {
    await this.reload()
    if (!this.active()) {
      await this.repo.insertIfNoActive(generateSigningKey())
      await this.reload()
    }
  }

  /** Starts signing with a fresh key; the old one stays published until `retireOldAfterMs` from now. */
  async rotate(retireOldAfterMs: number): Promise<string> {
    const key = generateSigningKey()
    await this.repo.rotate(key, new Date(this.now().getTime() + retireOldAfterMs))
    await this.reload()
    return key.kid
  }

  async signingKey(): Promise<ActiveKey> {
    await this.reloadIfStale()
    const row = this.active()
    if (!row) throw new Error('no active signing key; call ensureActiveKey() at start-up')
    let privateKey = this.privateKeys.get(row.kid)
    if (!privateKey) {
      privateKey = createPrivateKey(row.privateKeyPem)
      this.privateKeys.set(row.kid, privateKey)
    }
    return { kid: row.kid, privateKey }
  }

  /** The JWKS: every key not yet retired. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    await this.reloadIfStale()
    return { keys: this.published().map((r) => r.publicJwk as PublicJwk) }
  }

  /** Public key for a kid, for verifying our own tokens; a kid we don't know forces one reload. */
  async publicKey(kid: string): Promise<KeyObject | undefined> {
    await this.reloadIfStale()
    let row = this.published().find((r) => r.kid === kid)
    if (!row) {
      await this.reload()
      row = this.published().find((r) => r.kid === kid)
    }
    if (!row) return undefined
    let key = this.publicKeys.get(kid)
    if (!key) {
      key = createPublicKey({ key: row.publicJwk as JsonWebKey, format: 'jwk' })
      this.publicKeys.set(kid, key)
    }
    return key
  }

  private active(): SigningKeyRow | undefined {
    return this.rows.filter((r) => r.rotatedAt === null).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]
  }

  private published(): SigningKeyRow[] {
    const now = this.now().getTime()
    return this.rows.filter((r) => r.retiredAt === null || r.retiredAt.getTime() > now)
  }

  private async reloadIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt > this.cacheMs) await this.reload()
  }

  private async reload(): Promise<void> {
    this.rows = await this.repo.list()
    this.loadedAt = Date.now()
  }
}

/** Slack past a token's lifetime for clocks and in-flight requests before its key leaves the JWKS. */
export const ROTATION_MARGIN_SECONDS = 300

/**
 * How long a rotated key stays published: what was asked (RETAIN_OLD_KEY_SECONDS), but never less than a
 * token's lifetime plus the margin - retiring a key sooner would reject tokens that are still valid.
 */
export function retentionSeconds(config: { ACCESS_TOKEN_TTL_SECONDS: number; RETAIN_OLD_KEY_SECONDS?: number | undefined }): number {
  return Math.max(config.ACCESS_TOKEN_TTL_SECONDS + ROTATION_MARGIN_SECONDS, config.RETAIN_OLD_KEY_SECONDS ?? 0)
}
