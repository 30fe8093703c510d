// Per-user, per-sender templates learned from corrections (user_templates). The parser only ever sees the
// templates of the message's own user and normalised sender, so a bad template can affect nothing else.
import { createHash, randomUUID } from 'node:crypto'
import type { Prisma } from '../generated/prisma/client.js'
import type { Db, Tx } from '../db.js'
import { jsonInput } from './json.js'
import { normaliseSender, type ParseResult, type UserTemplate } from '../parser/index.js'

/** The parser tries at most 64 templates per message; loading more would be wasted work. */
const MAX_TEMPLATES = 64
const USER_TEMPLATE_FORMAT = 'user:'

type Reader = Pick<Db | Tx, 'userTemplate'>

/** The user's templates for this sender, most recently learned first (a newer correction wins). */
export async function templatesFor(db: Reader, userId: string, rawSender: string | null): Promise<UserTemplate[]> {
  const rows = await db.userTemplate.findMany({
    where: { userId, sender: normaliseSender(rawSender) },
    orderBy: [{ learnedAt: 'desc' }, { id: 'asc' }],
    take: MAX_TEMPLATES,
    select: { template: true },
  })
  return usableTemplates(rows.map((r) => r.template))
}

/** Key of templatesForMany's map. */
export function templateScope(userId: string, rawSender: string | null): string {
  return `${userId}\u0000${normaliseSender(rawSender) ?? ''}`
}

/**
 * templatesFor for many (user, sender) pairs in one query, keyed by templateScope; pairs without
 * templates are absent. Same order and cap per pair as templatesFor.
 */
export async function templatesForMany(db: Reader, scopes: readonly { userId: string; sender: string | null }[]): Promise<Map<string, UserTemplate[]>> {
  const pairs = new Map(scopes.map((s) => [templateScope(s.userId, s.sender), { userId: s.userId, sender: normaliseSender(s.sender) }]))
  const byScope = new Map<string, UserTemplate[]>()
  if (pairs.size === 0) return byScope
  const rows = await db.userTemplate.findMany({
    where: { OR: [...pairs.values()] },
    orderBy: [{ learnedAt: 'desc' }, { id: 'asc' }],
    select: { userId: true, sender: true, template: true },
  })
  for (const row of rows) {
    const scope = `${row.userId}\u0000${row.sender ?? ''}`
    const list = byScope.get(scope) ?? []
    if (list.length < MAX_TEMPLATES) list.push(...usableTemplates([row.template]))
    byScope.set(scope, list)
  }
  return byScope
}

// Stored JSON is ours, but never trust it to have a shape: the parser skips templates it cannot use.
function usableTemplates(values: Prisma.JsonValue[]): UserTemplate[] {
  return values.flatMap((t) => (isTemplateShaped(t) ? [t] : []))
}

/** The outline of a UserTemplate; the parser checks the rest (fields it does not know are ignored). */
function isTemplateShaped(value: unknown): value is UserTemplate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const t = value as Record<string, unknown>
  return typeof t.pattern === 'string' && (t.sender == null || typeof t.sender === 'string') && typeof t.fields === 'object' && t.fields !== null
}

function keyOf(template: UserTemplate): string {
  return (
    template.id ??
    `tpl_${createHash('sha256')
      .update(`${template.sender ?? ''}\u0000${template.pattern}`)
      .digest('hex')
      .slice(0, 16)}`
  )
}

/** Stores (or refreshes) a learned template; learning the same layout again moves it to the front. */
export async function saveTemplate(tx: Tx, userId: string, template: UserTemplate): Promise<void> {
  const templateKey = keyOf(template)
  const json = jsonInput({ ...template, id: templateKey })
  await tx.userTemplate.upsert({
    where: { userId_templateKey: { userId, templateKey } },
    create: { id: randomUUID(), userId, sender: template.sender, templateKey, template: json },
    update: { template: json, learnedAt: new Date() },
  })
}

/** Counts a use of the template that produced this result, if one did. */
export async function recordTemplateHit(tx: Tx, userId: string, result: ParseResult): Promise<void> {
  await recordTemplateHits(tx, [{ userId, result }])
}

/** recordTemplateHit for many results: one update per template used, by the number of its uses. */
export async function recordTemplateHits(tx: Tx, uses: readonly { userId: string; result: ParseResult }[]): Promise<void> {
  const counts = new Map<string, { userId: string; templateKey: string; n: number }>()
  for (const { userId, result } of uses) {
    if (!result.format?.startsWith(USER_TEMPLATE_FORMAT)) continue
    const templateKey = result.format.slice(USER_TEMPLATE_FORMAT.length)
    const key = `${userId}\u0000${templateKey}`
    const entry = counts.get(key) ?? { userId, templateKey, n: 0 }
    entry.n += 1
    counts.set(key, entry)
  }
  for (const { userId, templateKey, n } of counts.values()) {
    await tx.userTemplate.updateMany({ where: { userId, templateKey }, data: { hits: { increment: n } } })
  }
}
