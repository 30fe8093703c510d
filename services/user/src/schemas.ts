import { Type } from '@expenses/platform'

/** Same rules as auth-service's signup, so a name that was accepted there is accepted here. */
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })
const PhoneNumber = Type.String({ pattern: '^\\+?[0-9][0-9 ()-]{5,19}$', description: 'E.164 preferred, e.g. +919876543210' })

export const ProfileSchema = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    username: Type.String(),
    email: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    phoneNumber: Type.Union([Type.String(), Type.Null()]),
    defaultCurrency: Type.String({ description: 'ISO 4217 code' }),
    timezone: Type.String({ description: 'IANA time zone name' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)

/** Fields auth-service owns: sending them in a PATCH is an error with its own message. */
export const NOT_PATCHABLE = ['username', 'email'] as const

export const ProfilePatchBody = Type.Object(
  {
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    phoneNumber: Type.Optional(Type.Union([PhoneNumber, Type.Null()], { description: 'null removes the number' })),
    // The pattern is the cheap first check; the code checks the code is a real ISO 4217 currency.
    defaultCurrency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. INR' })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone name, e.g. Asia/Kolkata' })),
  },
  { additionalProperties: false, minProperties: 1 },
)
