import { randomUUID } from 'node:crypto'
import { enqueueEvent, userRegistered } from '@expenses/events'
import { httpErrors } from '@expenses/platform'
import { Prisma, type Db } from '../db.js'
import type { AccessTokens } from './access-tokens.js'
import type { LoginThrottle } from './login-throttle.js'
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js'
import { hashRefreshToken, newRefreshToken } from './refresh-tokens.js'

export interface SignupInput {
  username: string
  password: string
  email: string
  firstName: string
  lastName: string
  phoneNumber?: string | undefined
}

export interface TokenPair {
  userId: string
  accessToken: string
  refreshToken: string
  expiresIn: number
  tokenType: 'Bearer'
}

export interface AccountsSettings {
  refreshTokenTtlMs: number
}

const invalidCredentials = () => httpErrors.unauthorized('Invalid username or password', { code: 'invalid_credentials' })
const invalidRefreshToken = () => httpErrors.unauthorized('The refresh token is invalid or expired', { code: 'invalid_refresh_token' })

/** Usernames and emails are matched case-insensitively: stored lower-cased. */
export const normaliseUsername = (u: string) => u.trim().toLowerCase()
export const normaliseEmail = (e: string) => e.trim().toLowerCase()

export class Accounts {
  constructor(
    private readonly db: Db,
    private readonly tokens: AccessTokens,
    private readonly throttle: LoginThrottle,
    private readonly settings: AccountsSettings,
    /** Called after a commit that wrote to the outbox, so the relay publishes at once. */
    private readonly onOutboxWrite: () => void = () => undefined,
  ) {}

  async signup(input: SignupInput, requestId?: string): Promise<TokenPair> {
    const username = normaliseUsername(input.username)
    const email = normaliseEmail(input.email)
    const policy = checkPasswordPolicy(input.password, { username, email })
    if (policy) throw httpErrors.badRequest(`password ${policy.message}`, { code: 'validation_failed', errors: [policy] })

    const userId = randomUUID()
    const passwordHash = await hashPassword(input.password)
    const refresh = newRefreshToken()
    try {
      await this.db.$transaction(async (tx) => {
        await tx.user.create({ data: { id: userId, username, email, passwordHash } })
        await tx.refreshToken.create({ data: this.refreshRow(userId, randomUUID(), refresh.hash) })
        await enqueueEvent(
          tx,
          userRegistered,
          {
            eventId: randomUUID(),
            occurredAt: new Date().toISOString(),
            userId,
            username,
            email,
            firstName: input.firstName.trim(),
            lastName: input.lastName.trim(),
            phoneNumber: input.phoneNumber?.trim() || null,
          },
          requestId ? { 'x-request-id': requestId } : {},
        )
      })
    } catch (error) {
      throw this.translateUniqueViolation(error)
    }
    this.onOutboxWrite()
    const access = await this.tokens.issue({ id: userId, username })
    return { userId, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn, tokenType: 'Bearer' }
  }

  async login(rawUsername: string, password: string, address: string): Promise<TokenPair> {
    const username = normaliseUsername(rawUsername)
    const retryAfter = await this.throttle.retryAfterSeconds(username, address)
    if (retryAfter > 0) {
      throw httpErrors.tooManyRequests('Too many failed login attempts; try again later', {
        code: 'too_many_login_attempts',
        headers: { 'retry-after': String(retryAfter) },
        extra: { retryAfterSeconds: retryAfter },
      })
    }
    const user = await this.db.user.findUnique({ where: { username } })
    // Always run one argon2 verification so response time does not tell whether the user exists.
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password)
    if (!user || !ok) {
      await this.throttle.recordFailure(username, address)
      throw invalidCredentials()
    }
    await this.throttle.recordSuccess(username)
    const refresh = newRefreshToken()
    await this.db.refreshToken.create({ data: this.refreshRow(user.id, randomUUID(), refresh.hash) })
    const access = await this.tokens.issue({ id: user.id, username: user.username })
    return { userId: user.id, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn, tokenType: 'Bearer' }
  }

  /**
   * Spends a refresh token and issues the next one in its family. A token that was already spent (or
   * revoked) means it leaked: the whole family is revoked, logging out both the thief and the user.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const existing = await this.db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(refreshToken) }, include: { user: true } })
    if (!existing) throw invalidRefreshToken()
    if (existing.usedAt || existing.revokedAt) {
      await this.revokeFamily(existing.familyId)
      throw httpErrors.unauthorized('This refresh token was already used; the session has been revoked', { code: 'refresh_token_reused' })
    }
    if (existing.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken()

    const next = newRefreshToken()
    const spent = await this.db.$transaction(async (tx) => {
      // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
      const { count } = await tx.refreshToken.updateMany({ where: { id: existing.id, usedAt: null, revokedAt: null }, data: { usedAt: new Date() } })
      if (count === 0) return false
      await tx.refreshToken.create({ data: this.refreshRow(existing.userId, existing.familyId, next.hash) })
      return true
    })
    if (!spent) {
      await this.revokeFamily(existing.familyId)
      throw httpErrors.unauthorized('This refresh token was already used; the session has been revoked', { code: 'refresh_token_reused' })
    }
    const access = await this.tokens.issue({ id: existing.userId, username: existing.user.username })
    return { userId: existing.userId, accessToken: access.token, refreshToken: next.token, expiresIn: access.expiresIn, tokenType: 'Bearer' }
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const existing = await this.db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(refreshToken) } })
    if (existing) await this.revokeFamily(existing.familyId)
  }

  async profile(userId: string): Promise<{ userId: string; username: string; email: string }> {
    const user = await this.db.user.findUnique({ where: { id: userId } })
    if (!user) throw httpErrors.notFound('No such user', { code: 'user_not_found' })
    return { userId: user.id, username: user.username, email: user.email }
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } })
  }

  private refreshRow(userId: string, familyId: string, tokenHash: string) {
    return { id: randomUUID(), userId, familyId, tokenHash, expiresAt: new Date(Date.now() + this.settings.refreshTokenTtlMs) }
  }

  private translateUniqueViolation(error: unknown): unknown {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      // With driver adapters the violated fields sit in meta in more than one shape; search them all.
      const where = JSON.stringify(error.meta ?? {})
      if (where.includes('email')) return httpErrors.conflict('This email is already registered', { code: 'email_taken' })
      return httpErrors.conflict('This username is taken', { code: 'username_taken' })
    }
    return error
  }
}
