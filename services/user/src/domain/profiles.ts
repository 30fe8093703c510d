import { randomUUID } from 'node:crypto'
import { enqueueEvent, userProfileUpdated, type EventPayload, type userRegistered } from '@expenses/events'
import { httpErrors, type ProblemFieldError } from '@expenses/platform'
import type { Db, Prisma } from '../db.js'
import type { Profile } from '../generated/prisma/client.js'
import { defaultCurrencyFor, isCurrencyCode } from './currency.js'
import { DEFAULT_TIMEZONE, normaliseTimeZone } from './timezone.js'

export type UserRegisteredEvent = EventPayload<typeof userRegistered>

/** A profile as the API returns it. */
export interface ProfileView {
  userId: string
  username: string
  email: string
  firstName: string
  lastName: string
  phoneNumber: string | null
  defaultCurrency: string
  timezone: string
  createdAt: string
  updatedAt: string
}

/** The fields a user may change here; username and email belong to auth-service. */
export interface ProfilePatch {
  firstName?: string
  lastName?: string
  phoneNumber?: string | null
  defaultCurrency?: string
  timezone?: string
}

type EditableField = keyof ProfilePatch
const EDITABLE_FIELDS: readonly EditableField[] = ['firstName', 'lastName', 'phoneNumber', 'defaultCurrency', 'timezone']

export function toView(profile: Profile): ProfileView {
  return {
    userId: profile.userId,
    username: profile.username,
    email: profile.email,
    firstName: profile.firstName,
    lastName: profile.lastName,
    phoneNumber: profile.phoneNumber,
    defaultCurrency: profile.defaultCurrency,
    timezone: profile.timezone,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  }
}

const profileNotFound = () =>
  httpErrors.notFound('No profile for this user yet; it is created shortly after signup, retry in a moment', {
    code: 'profile_not_found',
    headers: { 'retry-after': '1' },
  })

/**
 * Checks what JSON Schema cannot (real ISO 4217 codes, time zones the runtime knows) and normalises the
 * patch (trimmed names, time zone spelling). Throws 400 validation_failed listing every bad field.
 */
export function normalisePatch(patch: ProfilePatch): ProfilePatch {
  const errors: ProblemFieldError[] = []
  const out: ProfilePatch = {}
  if (patch.firstName !== undefined) out.firstName = patch.firstName.trim()
  if (patch.lastName !== undefined) out.lastName = patch.lastName.trim()
  if (patch.phoneNumber !== undefined) out.phoneNumber = patch.phoneNumber === null ? null : patch.phoneNumber.trim()
  if (patch.defaultCurrency !== undefined) {
    if (isCurrencyCode(patch.defaultCurrency)) out.defaultCurrency = patch.defaultCurrency
    else errors.push({ path: 'body.defaultCurrency', message: 'must be an ISO 4217 currency code, e.g. INR or USD' })
  }
  if (patch.timezone !== undefined) {
    const zone = normaliseTimeZone(patch.timezone)
    if (zone) out.timezone = zone
    else errors.push({ path: 'body.timezone', message: 'must be an IANA time zone name, e.g. Asia/Kolkata or UTC' })
  }
  if (errors.length > 0) {
    throw httpErrors.badRequest('The request is invalid: ' + errors.map((e) => `${e.path} ${e.message}`).join(', '), {
      code: 'validation_failed',
      errors,
    })
  }
  return out
}

export class Profiles {
  constructor(
    private readonly db: Db,
    /** Called after a commit that wrote to the outbox, so the relay publishes at once. */
    private readonly onOutboxWrite: () => void = () => undefined,
  ) {}

  /**
   * Creates the profile for a newly registered user, inside the consumer's transaction. Insert-or-
   * nothing by userId: the inbox already skips a redelivered event, and this also makes a replay of the
   * registration under a different eventId a no-op, so it can never overwrite edits made since.
   * Returns whether a profile was created.
   */
  static async createFromRegistration(tx: Prisma.TransactionClient, event: UserRegisteredEvent): Promise<boolean> {
    const { count } = await tx.profile.createMany({
      data: [
        {
          userId: event.userId,
          username: event.username,
          email: event.email,
          firstName: event.firstName,
          lastName: event.lastName,
          phoneNumber: event.phoneNumber,
          defaultCurrency: defaultCurrencyFor(event.phoneNumber),
          timezone: DEFAULT_TIMEZONE,
        },
      ],
      skipDuplicates: true,
    })
    return count === 1
  }

  async get(userId: string): Promise<ProfileView> {
    const profile = await this.db.profile.findUnique({ where: { userId } })
    if (!profile) throw profileNotFound()
    return toView(profile)
  }

  /**
   * Applies a validated patch. The change and its user.profile-updated event commit together (outbox);
   * a patch that changes nothing writes nothing and publishes nothing.
   */
  async update(userId: string, patch: ProfilePatch, requestId?: string): Promise<ProfileView> {
    const wanted = normalisePatch(patch)
    const result = await this.db.$transaction(async (tx) => {
      // Row lock: concurrent patches of one profile run one after the other, so each event's
      // changedFields and snapshot describe exactly the change it made.
      const locked = await tx.$queryRaw<{ user_id: string }[]>`SELECT user_id FROM profiles WHERE user_id = ${userId}::uuid FOR UPDATE`
      if (locked.length === 0) throw profileNotFound()
      const current = await tx.profile.findUniqueOrThrow({ where: { userId } })
      const changes = EDITABLE_FIELDS.filter((field) => wanted[field] !== undefined && wanted[field] !== current[field])
      if (changes.length === 0) return { profile: current, published: false }

      const data: ProfilePatch = {}
      for (const field of changes) Object.assign(data, { [field]: wanted[field] })
      const updated = await tx.profile.update({ where: { userId }, data })
      await enqueueEvent(
        tx,
        userProfileUpdated,
        {
          eventId: randomUUID(),
          occurredAt: updated.updatedAt.toISOString(),
          userId,
          changedFields: changes,
          firstName: updated.firstName,
          lastName: updated.lastName,
          phoneNumber: updated.phoneNumber,
          defaultCurrency: updated.defaultCurrency,
          timezone: updated.timezone,
        },
        requestId ? { 'x-request-id': requestId } : {},
      )
      return { profile: updated, published: true }
    })
    if (result.published) this.onOutboxWrite()
    return toView(result.profile)
  }
}
