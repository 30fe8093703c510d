import { Type } from '@expenses/platform'

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })

export const SignupBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Letters, digits, _ . -; case-insensitive' }),
    // The policy (length, variety) is checked in code for a precise message; the cap keeps hashing bounded.
    password: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    firstName: Name,
    lastName: Name,
    phoneNumber: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 ()-]{5,19}$', description: 'E.164 preferred, e.g. +919876543210' })),
  },
  { additionalProperties: false },
)

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
)

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })

export const TokenPairSchema = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  tokenType: Type.Literal('Bearer'),
})

export const MeSchema = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  username: Type.String(),
  email: Type.String(),
})

export const JwksSchema = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.String(),
        n: Type.String(),
        e: Type.String(),
      },
      { additionalProperties: true },
    ),
  ),
})
