import { BRAZIL, CANADA, UNITED_STATES } from './americas.js'
import { ASIA_PACIFIC } from './asia-pacific.js'
import { EUROPEAN_UNION, UNITED_KINGDOM } from './europe.js'
import { INDIA } from './india.js'
import { AFRICA, GULF } from './mea.js'
import type { InstitutionFormat } from './types.js'

export type { FormatPattern, InstitutionFormat } from './types.js'

export const FORMATS: readonly InstitutionFormat[] = [
  ...INDIA,
  ...UNITED_STATES,
  ...CANADA,
  ...BRAZIL,
  ...UNITED_KINGDOM,
  ...EUROPEAN_UNION,
  ...GULF,
  ...AFRICA,
  ...ASIA_PACIFIC,
]

// Senders repeat (a user's messages come from a handful of them), so the sender -> format look-up is
// memoised; the cache is bounded so hostile input cannot grow it without limit.
const SENDER_CACHE = new Map<string, InstitutionFormat | null>()
const SENDER_CACHE_MAX = 2000

function bySender(sender: string): InstitutionFormat | null {
  const hit = SENDER_CACHE.get(sender)
  if (hit !== undefined) return hit
  let found: InstitutionFormat | null = null
  for (const f of FORMATS) {
    if (f.senders?.test(sender)) {
      found = f
      break
    }
  }
  if (SENDER_CACHE.size >= SENDER_CACHE_MAX) SENDER_CACHE.clear()
  SENDER_CACHE.set(sender, found)
  return found
}

// All name patterns in one case-insensitive alternation (format i is capture group i+1; the patterns have no
// groups of their own and no g/m/y flags - checked below). One pass finds the leftmost candidate, which is
// then confirmed with the format's own pattern; anything unexpected falls back to the format-by-format scan.
const NAMED = FORMATS.filter((f): f is InstitutionFormat & { names: RegExp } => f.names !== undefined)
const SIMPLE_NAMES = NAMED.every((f) => !/[gmy]/.test(f.names.flags) && new RegExp(`${f.names.source}|`).exec('')?.length === 1)
const ALL_NAMES = new RegExp(NAMED.map((f) => `(${f.names.source})`).join('|'), 'i')

function byNameScan(head: string): InstitutionFormat | null {
  let best: InstitutionFormat | null = null
  let bestPos = Infinity
  for (const f of NAMED) {
    const m = f.names.exec(head)
    // Prefer the name that appears first; wallets named in passing ("via Pix") are weaker than banks.
    if (m && m.index < bestPos) {
      best = f
      bestPos = m.index
    }
  }
  return best
}

function byName(head: string): InstitutionFormat | null {
  if (!SIMPLE_NAMES) return byNameScan(head)
  const m = ALL_NAMES.exec(head)
  if (m === null) return null
  let g = 1
  while (g < m.length && m[g] === undefined) g++
  const f = NAMED[g - 1]
  if (f === undefined || f.names.exec(head)?.index !== m.index) return byNameScan(head)
  return f
}

/**
 * The institution behind a message: the sender ID is authoritative; otherwise the first institution whose
 * name appears in the (first 400 characters of the) text - bank names sit at the start or the end.
 */
export function identifyInstitution(sender: string | null, text: string): InstitutionFormat | null {
  if (sender !== null) {
    const f = bySender(sender)
    if (f) return f
  }
  const head = text.length > 400 ? `${text.slice(0, 200)}\n${text.slice(-200)}` : text
  return byName(head)
}

/** Reference implementation of the name look-up (format by format), for the equivalence test. */
export function identifyByNameScan(text: string): InstitutionFormat | null {
  return byNameScan(text.length > 400 ? `${text.slice(0, 200)}\n${text.slice(-200)}` : text)
}
