// Merchant / counterparty. Sources, most reliable first: a UPI VPA in the right direction; layouts that
// name the counterparty explicitly ("; SWIGGY credited", "JOHN sent you"); narration fields ("Info: NEFT
// Cr-ICIC0000001-JOHN DOE-...", "UPI/P2M/4123.../SWIGGY", "Desc: POS/WEB PURCHASE/AMAZON"); then the
// phrase after a direction preposition ("at", "to", "from", and their equivalents in other languages).
import type { TxnType } from '../types.js'

const VPA_RE = /(?<![\w.@-])([a-zA-Z0-9][\w.-]{0,63}@[a-zA-Z][a-zA-Z0-9]{1,24})(?![\w@]|\.[a-zA-Z])/g

// Words that end a counterparty phrase ("SWIGGY On 12/03/24", "JOHN DOE 0712345678 on", "AMAZON. Avl bal").
const TERMINATOR = new RegExp(
  String.raw`\s(?:on|at|via|using|with|for|ref\w*|upi|from|avl|avail\w*|bal\w*|dated?|not|if|is|was|has|have|had|thru|through|txn|trx|transaction|info|by|in|card|acct|a\/c|your|new|value|time|em|às|el|le|am|um|pada|tgl|dengan|total|auth\w*|rrn|utr|imps|neft|rtgs|sms|call|reply|id|mode|towards|successful\w*|approved|amount|amt|rs\.?|inr|to|and you|kes|ksh|usd|php|sar|aed|ngn|zar|gbp|eur|sgd|myr|rp|idr|sgt|ist|et|pst|est|wib|hrs|de R\$|no\.|met|op|mit|am|avec|con|com|sebesar|pada|tanggal|into|erhalten|ontvangen|berhasil|menggunakan|sukses|no valor|no dia|na data|foi|were|ha sido|effectué|received|على|في|بتاريخ)(?![\p{L}])` +
    String.raw`|\s?[;,(|\n]|[.!]\s|[.!]$|\s?\p{Extended_Pictographic}|\s[-–]\s|\s\+?\d{6,}|\s\d{1,2}[-/.:]\d{1,2}|\s\d{1,2}\s?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\s(?:[$€£₹]|R\$|Rs\.?\s?)\d`,
  'iu',
)

const STOP_START = /^(?:(?:your|you|yours|my|me|self|the|a\/?c|acct|account|ac|card|vpa|upi|bank|mobile|wallet|ending|xx|inr|usd|ref|a|an|on|it|this|that|us|our|beneficiary|payee|merchant|linked|block|customer|dear|sms|number|transfer|trf|amount|amt|rs|reference|mandate|date|imps|neft|rtgs|ach|nach|ecs|atm|pos|cash|cheque|chq|net\s?banking|internet|online|https?|www|info|ref|utr|rrn|txn)(?![\p{L}])|\*|\d(?!\d{0,3}[\s-]?\p{L}{3,})|\d{1,2}\s?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|[$€£₹]\s?\d|R\$|rs\.?\s?\d|no\.?\s?\d)/iu
const HONORIFIC = /^(?:mr|mrs|ms|miss|dr|shri|smt|sri)\.?\s+/i

/** Trims a raw captured phrase to the counterparty name, or null when it is not a name. */
export function cleanName(raw: string): string | null {
  let s = raw.replace(/^[\s:.\-–*"']+/, '')
  s = s.replace(HONORIFIC, '')
  const t = TERMINATOR.exec(s)
  if (t) s = s.slice(0, t.index)
  s = s.replace(/[\s:.,;\-–*"']+$/, '').replace(/\s{2,}/g, ' ').trim()
  if (s.length < 2 || s.length > 60) return null
  if (STOP_START.test(s) && !/^\$[a-z]/i.test(s)) return null
  if (!/\p{L}{2}/u.test(s)) return null
  return s
}

// Tokens of narration strings that are channel/bank codes rather than names.
const NARRATION_NOISE = new Set([
  'UPI', 'IMPS', 'NEFT', 'RTGS', 'ACH', 'NACH', 'ECS', 'P2A', 'P2M', 'CR', 'DR', 'D', 'C', 'TP', 'POS', 'ATM', 'WEB',
  'PURCHASE', 'TRF', 'TRANSFER', 'FROM', 'TO', 'PAYMENT', 'PMT', 'MB', 'IB', 'MOB', 'INB', 'BIL', 'BILL', 'ONL', 'REF',
  'ECOM', 'FT', 'NIP', 'MMT', 'INWARD', 'OUTWARD', 'CHQ', 'BY', 'SI', 'EMI', 'ONLINE', 'IFT', 'NFS', 'CASH', 'INTL',
  'DEBIT', 'CREDIT', 'PAY', 'TXN', 'TRAN', 'TRANS', 'VPS', 'REV', 'AUTOPAY', 'MANDATE', 'COLL', 'PAID', 'SENT',
  'SALARY', 'SAL', 'WDL', 'WITHDRAWAL', 'CHG', 'CHARGES', 'INT', 'INTEREST',
])
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/

function narrationName(narration: string): string | null {
  for (const segment of narration.split(/[/|]|-(?!\w*@)|\s-\s/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0 && !NARRATION_NOISE.has(w.toUpperCase().replace(/[.:]$/, '')) && !IFSC.test(w) && !/^[xX*]{3,}\w*$/.test(w) && !/^[A-Z]?\d[\dA-Z]*$/.test(w) && !(/\d/.test(w) && /[A-Za-z]/.test(w)))
    const name = words.join(' ')
    if (/\p{L}{3}/u.test(name) && name.length <= 60) {
      const cleaned = cleanName(name)
      if (cleaned) return cleaned
    }
  }
  return null
}

const NARRATION_RE = /(?:(?<![\p{L}])(?:info|desc|description|narration|remarks|details|particulars|des)\s?[:\-.]\s?|(?<![\p{L}])(?=(?:UPI|IMPS|NEFT|RTGS|ACH|NACH|POS|MMT)(?:\s(?:Cr|Dr|CR|DR))?[/-]))([^\n]{2,90})/giu
const ICICI_CREDITED = /;\s?([^;\n]{2,50}?)\s(?:credited|debited)\b/i
const SENT_YOU = /(?:^|[.!:]\s|\n)([\p{L}][\p{L}\d&'. ]{1,40}?)\s(?:has\s|have\s)?(?:just\s)?(?:(?:sent|paid|gave|transferred)\s(?:you\b|money to you)|refunded\s[^\n]{0,30}?\bto you\b)/iu
const YOU_PAID_NAME = /\byou (?:paid|sent|owe|charged)\s([\p{L}][\p{L}\d&'. ]{1,40}?)\s(?:[$€£₹]|R\$|[A-Z]{3}\s?)\s?\d/iu

const DEBIT_PREP = /(?:(?<![\p{L}])(?:at|@|to|towards|in favou?r of|paid to|sent to|trf to|chez|bei|bij|en|em|aan|naar|di|ke|kepada|para|merchant|payee|beneficiary|location|to:|at:)|(?:transaction|purchase|payment|charge|compra)\s(?:with|at|em|en|no)|لدى|إلى|الى)(?![\p{L}])\s?:?\s?(?=([^\n]{2,70}))/giu
const CREDIT_PREP = /(?:(?<![\p{L}])(?:from|by|de|von|van|dari|sender|remitter|payer)|من)(?![\p{L}])\s?:?\s?(?=([^\n]{2,70}))/giu

function fromPrepositions(text: string, re: RegExp): string | null {
  for (const m of text.matchAll(re)) {
    const name = cleanName(m[1] ?? '')
    if (name && !/^(?:vpa|upi)\b/i.test(name)) return name
  }
  return null
}

function pickVpa(text: string, type: TxnType | null): string | null {
  const vpas = [...text.matchAll(VPA_RE)]
  if (vpas.length === 0) return null
  const wanted = type === 'credit' ? /(?:from|by|linked to|sender)\s?(?:vpa|upi(?: id)?)?\s?:?\s?$/i : /(?:to|towards|cr\.? to|paid|payee|at)\s?(?:vpa|upi(?: id)?)?\s?:?\s?$/i
  for (const m of vpas) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 25), m.index ?? 0)
    if (wanted.test(before)) return m[1] ?? null
  }
  const own = /(?:your|my)\s(?:vpa|upi id)\s?:?\s?$/i
  const others = vpas.filter((m) => !own.test(text.slice(Math.max(0, (m.index ?? 0) - 20), m.index ?? 0)))
  return others[0]?.[1] ?? null
}

export function extractMerchant(text: string, type: TxnType | null): string | null {
  const vpa = pickVpa(text, type)
  if (vpa) return vpa
  const icici = ICICI_CREDITED.exec(text)
  if (icici) {
    const n = cleanName(icici[1] ?? '')
    if (n) return n
  }
  if (type !== 'debit') {
    const sy = SENT_YOU.exec(text)
    if (sy) {
      const n = cleanName(sy[1] ?? '')
      if (n && !/^(?:you|we|i)$/i.test(n)) return n
    }
  }
  if (type !== 'credit') {
    const yp = YOU_PAID_NAME.exec(text)
    if (yp) {
      const n = cleanName(yp[1] ?? '')
      if (n) return n
    }
  }
  for (const m of text.matchAll(NARRATION_RE)) {
    const n = narrationName((m[1] ?? '').split(/\.\s|\.$/)[0] ?? '')
    if (n) return n
  }
  const [first, second] = type === 'credit' ? [CREDIT_PREP, DEBIT_PREP] : [DEBIT_PREP, CREDIT_PREP]
  // A debit's "from" is the user's own account, so only credits (refunds "at AMAZON") fall back.
  return fromPrepositions(text, first) ?? (type !== 'debit' ? fromPrepositions(text, second) : null)
}
