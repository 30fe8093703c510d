/**
 * Rule-based categoriser: merchant name (+ direction and payment channel) -> category. Pure: no I/O.
 * A user's learned rules (merchant key -> category) are looked up by the caller and win over this.
 */
import type { Category } from './categories.js'
import { MERCHANT_KEYWORDS } from './merchant-keywords.js'

export interface CategoriseInput {
  merchant: string | null
  type: 'debit' | 'credit'
  /** Payment channel from the parser (upi, card, neft, imps, ...), when known. */
  channel?: string | null | undefined
  /**
   * Typed in by the user rather than parsed from a bank message. Then a two-word payee is no evidence
   * of a person (a bank names people in full; users type shop names like "Blue Door"), so the
   * person-name guess is skipped.
   */
  manual?: boolean | undefined
}

/** Company-form words that say nothing about the merchant ("Swiggy Pvt Ltd" is "swiggy"). */
const LEGAL_SUFFIXES = new Set(['pvt', 'private', 'ltd', 'limited', 'llc', 'inc', 'plc', 'gmbh', 'corp', 'co', 'bv', 'sa', 'sarl', 'pte', 'bhd', 'sdn'])
/** Card descriptors from payment processors put the merchant after the prefix: "SQ *BLUE BOTTLE". */
const PROCESSOR_PREFIX = /^(?:sq|tst|pp|paypal|sp|pos|ecom|upi|vps)\s?\*\s*/
const DOMAIN_SUFFIX = /\.(?:com|net|org|co|io|in|uk|ca|de|fr|nl|au|br|sg|ae|my|ph|id|ke|ng|za)(?=$|[\s/*.])/g

/** A VPA / handle like "swiggy73@okhdfcbank" or "kavya.418@paytm". */
const VPA = /^([a-z0-9._-]+)@[a-z0-9.-]+$/

/**
 * The key that identifies a merchant across spellings: lower case, no accents, no punctuation, store
 * numbers, legal suffixes, domain endings or VPA bank handles. "SWIGGY", "Swiggy Pvt. Ltd." and
 * "swiggy73@okhdfcbank" all become "swiggy". Person VPAs keep their digits ("kavya.418@paytm" ->
 * "kavya 418") so two different people called Kavya stay apart.
 * Returns null when nothing meaningful is left.
 */
export function normaliseMerchant(merchant: string | null | undefined): string | null {
  if (!merchant) return null
  let text = merchant.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim()
  const vpa = VPA.exec(text)
  if (vpa) {
    const local = vpa[1] ?? ''
    // "starbucksind10" -> "starbucksind"; a separator before the digits marks a person's handle.
    text = /^[a-z]{3,}\d+$/.test(local) ? local.replace(/\d+$/, '') : local
  }
  text = text.replace(PROCESSOR_PREFIX, '').replace(DOMAIN_SUFFIX, '')
  // "AMAZON MKTP*2K4L1" / "UBER *TRIP": what follows a star is an order or trip code, except when the
  // star starts the name (handled above).
  if (!vpa) text = text.replace(/\*.*$/, '')
  const tokens = text
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0)
  const kept = tokens.filter((token, i) => {
    if (vpa) return true
    if (/^\d+$/.test(token)) return false // store and terminal numbers
    if (/\d/.test(token) && /[a-z]/.test(token) && token.length >= 6 && !/^\d*[a-z]+\d*$/.test(token)) return false // "2k4l1x" order codes
    if (token.length === 1 && i > 0 && /^\d+$/.test(tokens[i + 1] ?? '')) return false // "TARGET T-1234"
    return !LEGAL_SUFFIXES.has(token) || i === 0
  })
  const key = kept.join(' ').slice(0, 200).trim()
  return key.length > 0 ? key : null
}

interface KeywordEntry {
  keyword: string
  tokens: string[]
  category: Exclude<Category, 'other'>
}

// Keywords go through the same normalisation as merchants, so "pick n pay" and "h&m" compare alike.
const KEYWORDS: KeywordEntry[] = Object.entries(MERCHANT_KEYWORDS).flatMap(([category, keywords]) =>
  keywords.map((raw) => {
    const keyword = normaliseMerchant(raw) ?? raw
    return { keyword, tokens: keyword.split(' '), category: category as Exclude<Category, 'other'> }
  }),
)

/** Does the keyword occur in the token list (see MERCHANT_KEYWORDS for the matching rules)? */
function matches(entry: KeywordEntry, tokens: string[]): boolean {
  const n = entry.tokens.length
  for (let i = 0; i + n <= tokens.length; i++) {
    let whole = true
    for (let j = 0; j < n; j++) if (tokens[i + j] !== entry.tokens[j]) whole = false
    if (whole) return true
  }
  if (n !== 1) return false
  const keyword = entry.keyword
  if (keyword.length >= 4 && /^[a-z]/.test(keyword) && tokens.some((t) => t.startsWith(keyword))) return true
  return keyword.length >= 7 && tokens.some((t) => t.includes(keyword))
}

/** The category of the longest matching keyword (ties: the earlier category in the table). */
export function keywordCategory(merchantKey: string, allow: (category: Category) => boolean = () => true): Category | null {
  const tokens = merchantKey.split(' ')
  let best: KeywordEntry | null = null
  for (const entry of KEYWORDS) {
    if (!allow(entry.category)) continue
    if (best && entry.keyword.length <= best.keyword.length) continue
    if (matches(entry, tokens)) best = entry
  }
  return best?.category ?? null
}

/** Channels that move money between people or accounts rather than paying a shop. */
const PERSON_TO_PERSON_CHANNELS = new Set(['neft', 'imps', 'rtgs', 'mobile_money'])
/** Channels on which an unknown payee is more likely a person than a shop. */
const ACCOUNT_CHANNELS = new Set(['upi', 'neft', 'imps', 'rtgs', 'netbanking', 'mobile_money', 'wallet'])

/**
 * "RAHUL SHARMA", "Juan dela Cruz", "kavya.418@paytm": two to four alphabetic words, or a VPA whose
 * handle is a name plus digits. Only consulted after no merchant keyword matched.
 */
function looksLikePerson(merchant: string): boolean {
  const trimmed = merchant.trim()
  const vpa = VPA.exec(trimmed.toLowerCase())
  if (vpa) return /^[a-z]+[._-]?[a-z]*[._-]\d+$|^[a-z]+[._-][a-z]+$|^\d{10}$/.test(vpa[1] ?? '')
  const words = trimmed.split(/\s+/)
  return words.length >= 2 && words.length <= 4 && words.every((w) => /^[\p{L}][\p{L}'’.-]*$/u.test(w))
}

/**
 * The built-in category for an expense. Order of evidence:
 * 1. credits naming salary/interest/refund... are income; debits never are;
 * 2. the longest merchant keyword (any category but income);
 * 3. ATM withdrawals and payments to people (P2P channels, person-like names or VPAs) are transfers;
 * 4. anything else: credits are income (a refund or payment from a known shop), debits other.
 */
export function categorise(input: CategoriseInput): Category {
  const key = normaliseMerchant(input.merchant)
  const channel = input.channel ?? null
  if (key && input.type === 'credit' && keywordCategory(key, (c) => c === 'income')) return 'income'
  const byKeyword = key ? keywordCategory(key, (c) => c !== 'income') : null
  if (channel === 'atm') return 'transfers'
  if (byKeyword) return input.type === 'credit' && byKeyword !== 'transfers' ? 'income' : byKeyword
  if (!input.manual && input.merchant && looksLikePerson(input.merchant) && (channel === null || ACCOUNT_CHANNELS.has(channel))) return 'transfers'
  if (channel !== null && PERSON_TO_PERSON_CHANNELS.has(channel)) return 'transfers'
  return input.type === 'credit' ? 'income' : 'other'
}
