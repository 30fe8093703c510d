import type { Prisma } from '../generated/prisma/client.js'

/**
 * Our own records (a ParseResult, a UserTemplate: strings, numbers, booleans, null and nested objects of
 * them) as the input of a Prisma Json column. Prisma's InputJsonObject asks for an index signature that
 * these interfaces do not declare, so they need a cast; this is the one place it is made.
 */
export function jsonInput(value: object): Prisma.InputJsonObject {
  return value as Prisma.InputJsonObject
}
