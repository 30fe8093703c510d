import { createPublicKey, type JsonWebKey } from 'node:crypto'

export interface JwksKeyStoreOptions {
  jwksUrl: string
  /** Key set age after which it is re-read on the next lookup (drops revoked keys). Default 10 min. */
  maxAgeMs?: number
  /** A kid that was still unknown after a refetch triggers no new fetch for this long. Default 10 s. */
  unknownKidRetryMs?: number
  /** Floor between any two refetches triggered by unknown kids, however many distinct kids arrive. Default 1 s. */
  minRefetchIntervalMs?: number
  /** Per-request timeout for the JWKS fetch. Default 5 s. */
  timeoutMs?: number
  /** Called after each attempt, for logs/metrics. */
  onFetch?: (result: { ok: boolean; keys?: number; error?: string }) => void
}

/** The JWKS endpoint could not be read and no keys are cached: callers answer 503, not 401. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'JwksUnavailableError'
  }
}

/**
 * Public keys by kid, read from a JWKS URL. The whole set is cached; an unknown kid (the issuer rotated
 * keys) refetches once, but attackers sending garbage kids must not turn every request into a request to
 * auth-service: a kid that was missing after a refetch is not retried for `unknownKidRetryMs`, and refetches
 * for unknown kids are at least `minRefetchIntervalMs` apart. Concurrent lookups share one fetch.
 */
export class JwksKeyStore {
  private readonly options: Required<Omit<JwksKeyStoreOptions, 'onFetch'>> & Pick<JwksKeyStoreOptions, 'onFetch'>
  private keys: Map<string, string> | undefined
  private fetchedAt = 0
  private lastUnknownKidRefetchAt = Number.NEGATIVE_INFINITY
  private readonly missingKids = new Map<string, number>()
  private inflight: Promise<void> | undefined
  private lastFailureAt = Number.NEGATIVE_INFINITY
  private lastFailure = ''

  constructor(options: JwksKeyStoreOptions) {
    this.options = {
      maxAgeMs: 10 * 60_000,
      unknownKidRetryMs: 10_000,
      minRefetchIntervalMs: 1_000,
      timeoutMs: 5_000,
      ...options,
    }
  }

  /** PEM public key for `kid`, or undefined if the issuer does not publish it. */
  async getKey(kid: string): Promise<string | undefined> {
    const now = Date.now()
    let refreshedNow = false
    // With nothing cached and the endpoint failing, do not turn every request into another attempt.
    if (!this.keys && !this.inflight && now - this.lastFailureAt < this.options.minRefetchIntervalMs) {
      throw new JwksUnavailableError(`cannot load signing keys from ${this.options.jwksUrl}: ${this.lastFailure}`)
    }
    if (!this.keys || now - this.fetchedAt > this.options.maxAgeMs) {
      await this.refresh()
      refreshedNow = true
    }
    const known = this.keys?.get(kid)
    if (known) return known
    if (refreshedNow) {
      this.rememberMissing(kid, Date.now())
      return undefined
    }

    const missingSince = this.missingKids.get(kid)
    if (missingSince !== undefined && now - missingSince < this.options.unknownKidRetryMs) return undefined
    if (now - this.lastUnknownKidRefetchAt < this.options.minRefetchIntervalMs && !this.inflight) return undefined

    if (!this.inflight) this.lastUnknownKidRefetchAt = now
    await this.refresh()
    const found = this.keys?.get(kid)
    if (!found) this.rememberMissing(kid, Date.now())
    return found
  }

  private rememberMissing(kid: string, at: number) {
    if (this.missingKids.size >= 10_000) {
      for (const [k, since] of this.missingKids) {
        if (at - since >= this.options.unknownKidRetryMs) this.missingKids.delete(k)
      }
      if (this.missingKids.size >= 10_000) this.missingKids.clear()
    }
    this.missingKids.set(kid, at)
  }

  /** Re-reads the key set (shared by concurrent callers). Keeps the previous keys if the fetch fails. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  private async fetchKeys(): Promise<void> {
    try {
      const response = await fetch(this.options.jwksUrl, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: { accept: 'application/json' },
      })
      if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`)
      const body = (await response.json()) as { keys?: unknown }
      if (!Array.isArray(body.keys)) throw new Error('JWKS response has no "keys" array')
      this.keys = parseKeys(body.keys)
      this.fetchedAt = Date.now()
      this.options.onFetch?.({ ok: true, keys: this.keys.size })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.lastFailureAt = Date.now()
      this.lastFailure = message
      this.options.onFetch?.({ ok: false, error: message })
      if (!this.keys) throw new JwksUnavailableError(`cannot load signing keys from ${this.options.jwksUrl}: ${message}`, { cause: err })
      // Stale keys beat no keys: auth-service being briefly down must not log every user out.
      this.fetchedAt = Date.now()
    }
  }
}

/** JWKs -> kid => PEM. Skips encryption keys and keys Node cannot import (logged by the caller via counts). */
export function parseKeys(jwks: unknown[]): Map<string, string> {
  const keys = new Map<string, string>()
  for (const jwk of jwks) {
    if (typeof jwk !== 'object' || jwk === null) continue
    const { kid, use } = jwk as { kid?: unknown; use?: unknown }
    if (typeof kid !== 'string' || kid === '' || use === 'enc') continue
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
      keys.set(kid, key.export({ type: 'spki', format: 'pem' }).toString())
    } catch {
      // not a public key we can use; ignore it rather than failing the whole set
    }
  }
  return keys
}
