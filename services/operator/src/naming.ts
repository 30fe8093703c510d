import { createHash } from 'node:crypto'

/** Labels on every Secret the operator owns; only Secrets carrying all of them are ever changed or deleted. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY_VALUE = 'expenses-operator'
export const CONSUMER_LABEL = 'operator.expenses-tracker.io/consumer'
export const CREDENTIAL_LABEL = 'konghq.com/credential'
export const KID_ANNOTATION = 'operator.expenses-tracker.io/kid'

export function managedLabels(consumer: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CREDENTIAL_LABEL]: 'jwt', [CONSUMER_LABEL]: consumer }
}

/** The label selector that finds exactly this consumer's managed Secrets. */
export function managedSelector(consumer: string): string {
  return Object.entries(managedLabels(consumer))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')
}

const MAX_NAME = 253

/**
 * Secret name for a kid: `<consumer>-jwt-<kid as DNS-1123>`. When the kid had to be changed to fit
 * (upper case, other characters, length), a hash of the exact kid is appended, so two kids that sanitise
 * alike ("Key_1" and "key-1") still get different Secrets. Names are stable: the same kid always maps to
 * the same Secret, which is what makes reconciling idempotent.
 */
export function secretNameForKid(consumer: string, kid: string): string {
  const prefix = `${consumer}-jwt-`
  const sanitised = kid
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
  const room = MAX_NAME - prefix.length
  if (sanitised === kid && sanitised.length > 0 && sanitised.length <= room) return prefix + sanitised
  const hash = createHash('sha256').update(kid).digest('hex').slice(0, 10)
  const head = sanitised.slice(0, Math.max(0, room - hash.length - 1)).replace(/-+$/g, '')
  return head ? `${prefix}${head}-${hash}` : `${prefix}${hash}`
}
