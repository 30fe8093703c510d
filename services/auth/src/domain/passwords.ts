import { hash, verify } from '@node-rs/argon2'

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane). Parameters are stored in
 * the hash string, so they can be raised later without breaking existing accounts.
 */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, options)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// A real hash of a random password: verifying against it when the user does not exist makes a
// "no such user" login take as long as a "wrong password" one, so timing reveals nothing.
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`)
  return dummyHash
}

export interface PasswordProblem {
  path: string
  message: string
}

/**
 * Length-based policy in the spirit of NIST SP 800-63B: 10-128 characters, not only one kind of
 * character, and not containing the username or the email's local part.
 */
export function checkPasswordPolicy(password: string, context: { username: string; email: string }): PasswordProblem | undefined {
  const at = '/password'
  if (password.length < 10) return { path: at, message: 'must be at least 10 characters long' }
  if (password.length > 128) return { path: at, message: 'must be at most 128 characters long' }
  if (!/[A-Za-z]/.test(password) || !/[^A-Za-z]/.test(password)) {
    return { path: at, message: 'must contain at least one letter and one digit or symbol' }
  }
  if (new Set(password).size < 5) return { path: at, message: 'must use at least 5 different characters' }
  const lower = password.toLowerCase()
  const localPart = context.email.split('@')[0]?.toLowerCase() ?? ''
  if (context.username.length >= 3 && lower.includes(context.username.toLowerCase())) {
    return { path: at, message: 'must not contain the username' }
  }
  if (localPart.length >= 3 && lower.includes(localPart)) return { path: at, message: 'must not contain the email address' }
  return undefined
}
