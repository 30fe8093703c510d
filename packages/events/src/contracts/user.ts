import Type from 'typebox'
import { topics } from '../topics.js'
import { defineEvent } from './define.js'
import { CurrencyCode, EventMeta, Nullable, Uuid } from './fields.js'

/** Published by auth-service when an account is created. user-service builds the profile from it. */
export const userRegistered = defineEvent({
  type: 'user.registered',
  version: 1,
  topic: topics.userRegistered,
  schema: Type.Object({
    ...EventMeta,
    userId: Uuid,
    username: Type.String({ minLength: 1, maxLength: 64 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    firstName: Type.String({ minLength: 1, maxLength: 100 }),
    lastName: Type.String({ minLength: 1, maxLength: 100 }),
    phoneNumber: Nullable(Type.String({ maxLength: 32 })),
  }),
  key: (e) => e.userId,
})

/** Published by user-service when a profile changes; carries the full profile after the change. */
export const userProfileUpdated = defineEvent({
  type: 'user.profile-updated',
  version: 1,
  topic: topics.userProfileUpdated,
  schema: Type.Object({
    ...EventMeta,
    userId: Uuid,
    changedFields: Type.Array(Type.String(), { maxItems: 32 }),
    firstName: Type.String({ maxLength: 100 }),
    lastName: Type.String({ maxLength: 100 }),
    phoneNumber: Nullable(Type.String({ maxLength: 32 })),
    defaultCurrency: CurrencyCode,
    timezone: Type.String({ maxLength: 64 }),
  }),
  key: (e) => e.userId,
})
