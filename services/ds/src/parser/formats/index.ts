import { BRAZIL, CANADA, UNITED_STATES } from './americas.js'
import { ASIA_PACIFIC } from './asia-pacific.js'
import { EUROPEAN_UNION, UNITED_KINGDOM } from './europe.js'
import { INDIA } from './india.js'
import { AFRICA, GULF } from './mea.js'
import type { InstitutionFormat } from './types.js'

export type { FormatPattern, InstitutionFormat } from './types.js'

export const FORMATS: readonly InstitutionFormat[] = [
  ...INDIA, ...UNITED_STATES, ...CANADA, ...BRAZIL, ...UNITED_KINGDOM, ...EUROPEAN_UNION, ...GULF, ...AFRICA, ...ASIA_PACIFIC,
]

/**
 * The institution behind a message: the sender ID is authoritative; otherwise the first institution whose
 * name appears in the (first 400 characters of the) text - bank names sit at the start or the end.
 */
export function identifyInstitution(sender: string | null, text: string): InstitutionFormat | null {
  if (sender !== null) {
    for (const f of FORMATS) if (f.senders?.test(sender)) return f
  }
  const head = text.length > 400 ? `${text.slice(0, 200)}\n${text.slice(-200)}` : text
  let best: InstitutionFormat | null = null
  let bestPos = Infinity
  for (const f of FORMATS) {
    if (!f.names) continue
    const m = f.names.exec(head)
    // Prefer the name that appears first; wallets named in passing ("via Pix") are weaker than banks.
    if (m && m.index < bestPos) {
      best = f
      bestPos = m.index
    }
  }
  return best
}
