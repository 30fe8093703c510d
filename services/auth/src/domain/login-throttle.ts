import type { Db } from '../db.js'

export interface ThrottleSettings {
  /** Failed logins allowed per username within the window. */
  perUsername: number
  /** Failed logins allowed per client address within the window. */
  perAddress: number
  windowMs: number
}

/**
 * Brute-force protection inside auth-service (the gateway limits request rates on top). Failures are
 * counted in the database so every replica sees the same counts. Once a username or a client address
 * has too many recent failures, further attempts are refused with 429 until the oldest failure leaves
 * the window - even with the right password, so guessing gains nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly settings: ThrottleSettings,
  ) {}

  /** Seconds until a login may be tried again, or 0 when it may be tried now. */
  async retryAfterSeconds(username: string, address: string): Promise<number> {
    const since = new Date(Date.now() - this.settings.windowMs)
    const [byUser, byAddress] = await Promise.all([
      this.db.loginAttempt.findMany({
        where: { username, createdAt: { gt: since } },
        orderBy: { createdAt: 'desc' },
        take: this.settings.perUsername,
        select: { createdAt: true },
      }),
      this.db.loginAttempt.findMany({
        where: { ip: address, createdAt: { gt: since } },
        orderBy: { createdAt: 'desc' },
        take: this.settings.perAddress,
        select: { createdAt: true },
      }),
    ])
    const waits: number[] = []
    // The window frees up when the oldest of the last N failures expires.
    if (byUser.length >= this.settings.perUsername) waits.push(this.secondsUntilExpiry(byUser.at(-1)!.createdAt))
    if (byAddress.length >= this.settings.perAddress) waits.push(this.secondsUntilExpiry(byAddress.at(-1)!.createdAt))
    return waits.length ? Math.max(...waits) : 0
  }

  async recordFailure(username: string, address: string): Promise<void> {
    await this.db.loginAttempt.create({ data: { username, ip: address } })
  }

  /** A successful login forgives that username's failures (not the address's). */
  async recordSuccess(username: string): Promise<void> {
    await this.db.loginAttempt.deleteMany({ where: { username } })
  }

  /** Housekeeping: drop failures older than the window. */
  async prune(): Promise<number> {
    const { count } = await this.db.loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - this.settings.windowMs) } } })
    return count
  }

  private secondsUntilExpiry(createdAt: Date): number {
    return Math.max(1, Math.ceil((createdAt.getTime() + this.settings.windowMs - Date.now()) / 1000))
  }
}
