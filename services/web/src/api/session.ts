/**
 * The signed-in session: the token pair from auth-service, kept in localStorage so a reload (or a new
 * tab) stays signed in. Refresh tokens are single use and a reused one revokes the whole session, so
 * refreshing is serialised across tabs with the Web Locks API and the pair is re-read inside the lock:
 * a tab that finds a pair rotated by another tab uses it instead of spending the old one again.
 */
export interface TokenPair {
  userId: string
  accessToken: string
  refreshToken: string
  /** Epoch ms when the access token expires. */
  expiresAt: number
}

export interface SignedOut {
  /** A sentence for the sign-in screen, or null after an ordinary logout. */
  reason: string | null
}

const STORAGE_KEY = 'expenses.session'
/** Refresh this long before the access token expires, so a request never goes out with a stale one. */
const REFRESH_MARGIN_MS = 30_000

type Listener = (pair: TokenPair | null, signedOut?: SignedOut) => void

function readStored(): TokenPair | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    if (!raw) return null
    const pair = JSON.parse(raw) as TokenPair
    return typeof pair.refreshToken === 'string' && typeof pair.accessToken === 'string' ? pair : null
  } catch {
    return null
  }
}

export class Session {
  private pair: TokenPair | null = readStored()
  private listeners = new Set<Listener>()
  private refreshing: Promise<TokenPair | null> | null = null
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly refreshCall: (refreshToken: string) => Promise<{ ok: true; pair: TokenPair } | { ok: false; reason: string | null; final: boolean }>,
  ) {
    // Another tab signed in, rotated the pair or signed out.
    window.addEventListener('storage', (event) => {
      if (event.key !== STORAGE_KEY) return
      this.pair = readStored()
      this.schedule()
      this.emit()
    })
    this.schedule()
  }

  get current(): TokenPair | null {
    return this.pair
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** After signup or login. */
  start(pair: TokenPair): void {
    this.store(pair)
    this.emit()
  }

  /** Forgets the pair here and in every tab; `reason` is shown on the sign-in screen. */
  end(reason: string | null = null): void {
    clearTimeout(this.timer)
    // Already signed out (a late request failing after the session ended): keep the first reason shown.
    if (!this.pair) return
    this.pair = null
    localStorage.removeItem(STORAGE_KEY)
    this.emit({ reason })
  }

  /** A usable access token, refreshing first when it is about to expire. Null when signed out. */
  async accessToken(): Promise<string | null> {
    const pair = this.pair
    if (!pair) return null
    if (pair.expiresAt - Date.now() > REFRESH_MARGIN_MS) return pair.accessToken
    return (await this.refresh(pair.refreshToken))?.accessToken ?? null
  }

  /** Exchanges the refresh token once, however many callers ask at the same time. */
  refresh(spent = this.pair?.refreshToken): Promise<TokenPair | null> {
    this.refreshing ??= this.lockedRefresh(spent).finally(() => (this.refreshing = null))
    return this.refreshing
  }

  private async lockedRefresh(spent: string | undefined): Promise<TokenPair | null> {
    const run = async (): Promise<TokenPair | null> => {
      const latest = readStored()
      if (!latest) {
        this.end('Your session has ended. Please sign in again.')
        return null
      }
      // Another tab already rotated it: use theirs, never spend a refresh token twice.
      if (latest.refreshToken !== spent && latest.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
        this.pair = latest
        this.schedule()
        return latest
      }
      const outcome = await this.refreshCall(latest.refreshToken)
      if (outcome.ok) {
        this.store(outcome.pair)
        this.emit()
        return outcome.pair
      }
      if (outcome.final) this.end(outcome.reason)
      return null
    }
    return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('expenses-session-refresh', run) : run()
  }

  private store(pair: TokenPair): void {
    this.pair = pair
    localStorage.setItem(STORAGE_KEY, JSON.stringify(pair))
    this.schedule()
  }

  /** Silent refresh shortly before expiry, so an idle open page stays signed in. */
  private schedule(): void {
    clearTimeout(this.timer)
    const pair = this.pair
    if (!pair) return
    const wait = Math.max(1_000, pair.expiresAt - Date.now() - REFRESH_MARGIN_MS)
    this.timer = setTimeout(() => void this.refresh(pair.refreshToken), Math.min(wait, 2 ** 31 - 1))
  }

  private emit(signedOut?: SignedOut): void {
    for (const listener of this.listeners) listener(this.pair, signedOut)
  }
}
