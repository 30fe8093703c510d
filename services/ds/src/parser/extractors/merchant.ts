// Merchant / counterparty. Sources, most reliable first: a UPI VPA in the right direction; layouts that
// name the counterparty explicitly ("; SWIGGY credited", "JOHN sent you"); narration fields ("Info: NEFT
// Cr-ICIC0000001-JOHN DOE-...", "UPI/P2M/4123.../SWIGGY", "Desc: POS/WEB PURCHASE/AMAZON"); then the
// phrase after a direction preposition ("at", "to", "from", and their equivalents in other languages).
import type { TxnType } from '../types.js'
import { execAll, L } from '../regex.js'

const VPA_RE = /(?<![\w.@-])([a-zA-Z0-9][\w.-]{0,63}@[a-zA-Z][a-zA-Z0-9]{1,24})(?![\w@]|\.[a-zA-Z])/g

// Words that end a counterparty phrase ("SWIGGY On 12/03/24", "JOHN DOE 0712345678 on", "AMAZON. Avl bal").
const TERMINATOR = new RegExp(
  String.raw`\s(?:on|at|via|using|with|for|ref(?:erence|no|num|rn)?|refund\w*|upi|from|avl|avail\w*|bal\w*|dated?|not|if|is|was|has|have|had|thru|through|txn|trx|transaction|info|by|in|card|acct|a\/c|your|new|value|time|em|às|el|le|am|um|pada|tgl|dengan|total|auth\w*|rrn|utr|imps|neft|rtgs|sms|call|reply|id|mode|towards|successful\w*|approved|amount|amt|rs\.?|inr|to|and you|kes|ksh|usd|php|sar|aed|ngn|zar|gbp|eur|sgd|myr|rp|idr|sgt|ist|et|pst|est|wib|hrs|de R\$|no\.|met|op|mit|am|avec|con|com|sebesar|pada|tanggal|into|erhalten|ontvangen|berhasil|menggunakan|sukses|no valor|no dia|na data|foi|were|ha sido|effectué|received|posted|paid|credited|debited|completed|genehmigt|wurde|ist|sur|auf|ke|il|accreditato|bill payment|successfully|success|is successful|avec|le|du|des|على|في|بتاريخ|pd|dgn|tgl|dari|dnia|dans|realizad[ao]|efectuad[ao]|enviad[ao]|recibid[ao]|ausgeführt|durchgeführt|erfolgt|gesendet|überwiesen|(?:a|en|na|no|para) (?:o |a )?(?:tu|su|sua|seu|votre|vos)|(?:para|no|na|com|con|avec) (?:o |a |el |la |tu |su |sua |seu |votre )?(?:cart[aã]o|cartao|conta|tarjeta|cuenta|carte))(?![\p{L}])` +
    String.raw`|\s@\s?(?:smart ?app|app|online banking|internet banking|cellphone banking|banking app)(?![\p{L}])|\s?[;,|\n]|\s?\((?![^()\n]{1,12}\)\s\p{Lu})|(?<!(?:^|\s)(?:\p{Lu}|sp|co|pte|pty|sdn))[.!]\s|[.!]$|\s?\p{Extended_Pictographic}|\s[-–]\s|-(?:transfer|trf|payment)\b|\s(?:\+|0)\d{8,}|\s\d{9,}|\s\d{2,4}[xX*]{3,}|\s\d{1,2}[-/.:]\d{1,2}|\s\d{1,2}\s?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\s(?:[$€£₹]|R\$|Rs\.?\s?)\d`,
  'iu',
)

const STOP_START = new RegExp(
  String.raw`^(?:(?:your|you|yours|my|me|self|the|a\/?c|acct|account|ac|card|vpa|upi|bank|mobile|wallet|ending|xx|inr|usd|ref|a|an|on|it|this|that|us|our|beneficiary|payee|merchant|linked|block|customer|dear|sms|number|transfer|trf|amount|amt|rs|reference|mandate|date|imps|neft|rtgs|ach|nach|ecs|atm|pos|cash|cheque|chq|net\s?banking|internet|online|https?|info|ref|utr|rrn|txn|tu|su|votre|ihrem|ihr|dein|deinem|je|uw|sua|seu|kamu|anda|interest|branch|emi|annual|fee|fees|charges|salary|loan|chk|checking|chequing|savings|cheq|online banking|mobile banking|app|direct debit|debit order|standing order|purchase|compra|carte|carta|cart[aã]o|cartao|sgd|myr|php|eur|gbp|aed|sar|kes|ngn|zar|idr|brl|cad|aud|chf|sek)(?![${L}])|\*|\d(?!\d{0,3}[\s-]?[${L}]{3,})|\d{1,2}\s?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|[$€£₹]\s?\d|R\$|rs\.?\s?\d|no\.?\s?\d)`,
  'i',
)
const HONORIFIC = /^(?:mr|mrs|ms|miss|dr|shri|smt|sri)\.?\s+/i
// Lead-ins that are not part of the name: "de la part de X", "POS*APPLE STORE", "POS - MAMA PUT",
// "Auto Pay - MSEDCL", a payee's phone number before the name ("0733123456 PETER OTIENO").
const LEAD_IN = new RegExp(
  String.raw`^(?:(?:de )?la part de|the account of|pos|ecom|web|auto ?pay|autodebit|si|bill ?pay(?:ment)?)(?:\s?[*:/-]\s?|\s+)(?=\S)|^\+?\d{9,13}\s+(?=[${L}])|^\+?\d{2,6}[*xX•]{2,6}\d{2,6}\s+(?=[${L}])`,
  'i',
)
// The user's own account or card named where a counterparty would be ("from Cheq a/c..1234", "en tu cuenta ***7788").
const OWN_ACCOUNT =
  /(?:^|\s)(?:a\/?c|acct|account|card|cuenta|compte|conta|konto|rekening|chk|cheq)\b[^\n]{0,12}(?:[xX*•.]{2,}|\s)\d{2,}|[xX*•]{2,}\d{2,}|\.{2,}\d{2,}/i

const INITIALISM_END = /(?:^|[\s.])\p{L}\.\p{L}\.?[\s,;]*$/u

/** Trims a raw captured phrase to the counterparty name, or null when it is not a name. */
export function cleanName(raw: string): string | null {
  let s = raw.replace(/^[\s:.\-–*"']+/, '')
  s = s.replace(LEAD_IN, '').replace(HONORIFIC, '')
  const t = TERMINATOR.exec(s)
  if (t) s = s.slice(0, t.index)
  // (The capture windows come from non-unicode patterns: never end a name on half of a surrogate pair.)
  // A company form written as an initialism keeps its last dot ("AMAZON EU S.A.R.L.", "SP. Z O.O.").
  const initialism = INITIALISM_END.test(s)
  s = s
    .replace(/[\s:.,;\-–*"']+$/, '')
    .replace(/[\ud800-\udbff]$/, '')
    .replace(/\s{2,}/g, ' ')
    .trim()
  if (initialism) s += '.'
  if (s.length < 2 || s.length > 60) return null
  if (OWN_ACCOUNT.test(s)) return null
  // "THE SULTAN CENTER" is a name; "the merchant" is not.
  const stop = STOP_START.test(s) && !(/^the\s/i.test(s) && s === s.toUpperCase())
  if (stop && !/^\$[a-z]/i.test(s)) return null
  if (!/\p{L}{2}/u.test(s)) return null
  return s
}

// Tokens of narration strings that are channel/bank codes rather than names.
const NARRATION_NOISE = new Set([
  'UPI',
  'IMPS',
  'NEFT',
  'RTGS',
  'ACH',
  'NACH',
  'ECS',
  'P2A',
  'P2M',
  'CR',
  'DR',
  'D',
  'C',
  'TP',
  'POS',
  'ATM',
  'WEB',
  'PURCHASE',
  'TRF',
  'TRANSFER',
  'FROM',
  'TO',
  'PAYMENT',
  'PMT',
  'MB',
  'IB',
  'MOB',
  'INB',
  'BIL',
  'BILL',
  'ONL',
  'REF',
  'ECOM',
  'FT',
  'NIP',
  'MMT',
  'INWARD',
  'OUTWARD',
  'CHQ',
  'BY',
  'SI',
  'EMI',
  'ONLINE',
  'IFT',
  'NFS',
  'CASH',
  'INTL',
  'DEBIT',
  'CREDIT',
  'PAY',
  'TXN',
  'TRAN',
  'TRANS',
  'VPS',
  'REV',
  'AUTOPAY',
  'MANDATE',
  'COLL',
  'PAID',
  'SENT',
  'SALARY',
  'SAL',
  'WDL',
  'WITHDRAWAL',
  'CHG',
  'CHARGES',
  'INT',
  'INTEREST',
  'AIRTIME',
  'DATA',
  'BILLS',
  'FRM',
  // A month in a narration is a period ("SALARY MARCH"), not a name.
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'SEPT',
  'OCT',
  'NOV',
  'DEC',
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
])
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/

function isNameWord(w: string): boolean {
  return (
    w.length > 0 &&
    !NARRATION_NOISE.has(w.toUpperCase().replace(/[.:]$/, '')) &&
    !IFSC.test(w) &&
    !/^[xX*]{3,}\w*$/.test(w) &&
    !/^[A-Z]?\d[\dA-Z]*$/.test(w) &&
    !(/\d/.test(w) && /[A-Za-z]/.test(w))
  )
}
// A short number right after the name at the end of a segment is a store number ("POS HOME DEPOT 0412"),
// not a reference (those are long, or sit in a segment of their own).
const STORE_NUMBER = /^#?\d{2,5}$/

function narrationName(narration: string): string | null {
  for (const segment of narration.split(/[/|]|-(?!\w*@)|\s-\s/)) {
    const tokens = segment.trim().split(/\s+/)
    const words = tokens.filter((w, i) => isNameWord(w) || (i === tokens.length - 1 && i > 0 && STORE_NUMBER.test(w) && isNameWord(tokens[i - 1] ?? '')))
    const name = words.join(' ')
    if (/\p{L}{3}/u.test(name) && name.length <= 60) {
      const cleaned = cleanName(name)
      if (cleaned) return cleaned
    }
  }
  return null
}

const NARRATION_RE = new RegExp(
  String.raw`(?:(?<![${L}])(?:info|desc|description|narration|remarks|details|particulars|des)\s?[:\-.]\s?|(?<![${L}])(?=(?:UPI|IMPS|NEFT|RTGS|ACH|NACH|POS|MMT)(?:\s(?:Cr|Dr|CR|DR))?[/-]))([^\n]{2,90})`,
  'gi',
)
const HAS_YOU = /you/i
// Same keywords as NARRATION_RE without the unicode lookbehinds: a cheap gate for the expensive pattern.
const HAS_NARRATION =
  /(?:info|desc|description|narration|remarks|details|particulars|des)\s?[:\-.]|(?:UPI|IMPS|NEFT|RTGS|ACH|NACH|POS|MMT)(?:\s(?:Cr|Dr|CR|DR))?[/-]/i
const ICICI_CREDITED = /;\s?([^;\n]{2,50}?)\s(?:credited|debited)\b/i
const SENT_YOU = new RegExp(
  String.raw`(?:^[^${L}\n]{0,6}|[.!:]\s|\n)([${L}][${L}\d&'. ]{1,40}?)\s(?:has\s|have\s)?(?:just\s)?(?:(?:sent|paid|gave|transferred)\s(?:you\b|money to you)|refunded\s[^\n]{0,30}?\bto you\b)`,
  'i',
)
const YOU_PAID_NAME = new RegExp(String.raw`\byou (?:paid|sent|owe|charged)\s([${L}][${L}\d&'. ]{1,40}?)\s(?:[$€£₹]|R\$|[A-Z]{3}\s?)\s?\d`, 'i')

// Prepositions that are ordinary words in other languages ("an", "a", "per", "w") count only right after a
// sum: "23,50 € an REWE", "15,00 € a CARLOS", "15,99 EUR per NETFLIX", "45,99 PLN w BIEDRONKA".
const AFTER_SUM = String.raw`(?<=(?:\d|€|\$|£|eur|pln|chf|usd|gbp|brl|kr)\s)(?:an|a|à|per|w)`
const DEBIT_PREP = new RegExp(
  String.raw`(?:(?<![${L}])(?:at|@|to|towards|in favou?r of|paid to|sent to|trf to|chez|bei|bij|en|em|aan|naar|di|ke|kepada|para|presso|referente a|par|merchant|payee|beneficiary|location|to:|at:|voor|ご利用場所|ご利用先|가맹점|comercio|establecimiento|estabelecimento|lieu|händler)|${AFTER_SUM}|(?:transaction|purchase|payment|charge|compra)\s(?:(?:was|has been) made\s)?(?:with|at|em|en|no)|لدى|إلى|الى)(?![${L}])\s?:?\s?(?=([^\n]{2,70}))`,
  'gi',
)
const CREDIT_PREP = new RegExp(
  String.raw`(?:(?<![${L}])(?:from|frm|by|de|von|van|da|dari|sender|remitter|payer|par|od)|من)(?![${L}])\s?:?\s?(?=([^\n]{2,70}))`,
  'gi',
)
// A direct debit names its creditor with "from/von/de/par": "Lastschrift über 39,99 € von Vodafone".
const DIRECT_DEBIT = /\b(?:direct debit|debit order|lastschrift|prélèvement|cargo|incasso|domiciliaci[oó]n|addebito|d[eé]bito autom[aá]tico|ach debit)\b/i
// Last resort: "for <name>" ("taken by Direct Debit for SPOTIFY", "for ETISALAT bill payment").
const FOR_PREP = new RegExp(String.raw`(?<![${L}])(?:for|towards)(?![${L}])\s?:?\s?(?=([^\n]{2,70}))`, 'gi')

// "for <X>" is too loose a cue on its own ("for dispute", "for Jan-Mar 24"); only an all-caps name counts.
const isShouted = (name: string): boolean => name === name.toUpperCase() && /\p{Lu}{3}/u.test(name)

function fromPrepositions(text: string, re: RegExp, accept?: (name: string) => boolean): string | null {
  // A manual exec loop: the first acceptable name ends the scan.
  re.lastIndex = 0
  let m: RegExpExecArray | null
  let guard = 0
  while ((m = re.exec(text)) !== null && guard++ < 64) {
    if (m[0].length === 0) re.lastIndex++
    const name = cleanName(m[1] ?? '')
    if (name && !/^(?:vpa|upi)\b/i.test(name) && (!accept || accept(name))) {
      re.lastIndex = 0
      return name
    }
  }
  re.lastIndex = 0
  return null
}

function pickVpa(text: string, type: TxnType | null): string | null {
  if (!text.includes('@')) return null
  const vpas = execAll(VPA_RE, text)
  if (vpas.length === 0) return null
  const wanted =
    type === 'credit'
      ? /(?:from|by|linked to|sender)\s?(?:vpa|upi(?: id)?)?\s?:?\s?$/i
      : /(?:to|towards|cr\.? to|paid|payee|at)\s?(?:vpa|upi(?: id)?)?\s?:?\s?$/i
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
  const icici = text.includes(';') ? ICICI_CREDITED.exec(text) : null
  if (icici) {
    const n = cleanName(icici[1] ?? '')
    if (n) return n
  }
  if (type !== 'debit') {
    const sy = HAS_YOU.test(text) ? SENT_YOU.exec(text) : null
    if (sy) {
      const n = cleanName(sy[1] ?? '')
      if (n && !/^(?:you|we|i)$/i.test(n)) return n
    }
  }
  if (type !== 'credit') {
    const yp = HAS_YOU.test(text) ? YOU_PAID_NAME.exec(text) : null
    if (yp) {
      const n = cleanName(yp[1] ?? '')
      if (n) return n
    }
  }
  for (const m of HAS_NARRATION.test(text) ? execAll(NARRATION_RE, text) : []) {
    const n = narrationName((m[1] ?? '').split(/\.\s|\.$/)[0] ?? '')
    if (n) return n
  }
  const [first, second] = type === 'credit' ? [CREDIT_PREP, DEBIT_PREP] : [DEBIT_PREP, CREDIT_PREP]
  // A debit's "from" is the user's own account, so only credits (refunds "at AMAZON") and direct debits
  // (which name the creditor with "from") fall back.
  return (
    fromPrepositions(text, first) ??
    (type !== 'debit' || DIRECT_DEBIT.test(text) ? fromPrepositions(text, second) : null) ??
    (type === 'debit' ? fromPrepositions(text, FOR_PREP, isShouted) : null) ??
    lineName(text) ??
    commaField(text)
  )
}

// Comma-separated alerts with no preposition name the merchant as a field of its own, in capitals:
// "Kontobewegung: -35,90 EUR, AMAZON EU S.A.R.L., 21.10.2025, …", "… em 19/09/2025 às 10:11, DROGASIL."
const COMMA_FIELD = /(?:^|,\s)([A-Z][A-Z0-9&*'./\- ]{2,40}?)\.?(?=,\s|$)/gm
function commaField(text: string): string | null {
  if (!text.includes(', ')) return null
  for (const m of execAll(COMMA_FIELD, text)) {
    const raw = m[1] ?? ''
    if (m.index === 0 || !/[A-Z]{3}/.test(raw) || NOT_NAME_LINE.test(raw)) continue
    const name = cleanName(raw)
    if (name) return INITIALISM_END.test(raw) && !name.endsWith('.') ? `${name}.` : name
  }
  return null
}

// A line that is only a name, in multi-line alerts that print the merchant on a line of its own
// ("Spent INR 3,450\nAxis Bank Card no. XX2211\n06-04-24 19:12:04 IST\nDMART AVENUE SUPERMAR\n...").
const NAME_LINE = /^[A-Z][A-Z0-9&*'.\- ]{2,40}$/
const NOT_NAME_LINE =
  /\b(?:BANK|CARD|A\/C|ACCT|ACCOUNT|AVL|AVAIL|BAL|BALANCE|LIMIT|NOT YOU|SMS|BLOCK|CALL|REF|UPI|IST|INR|DEBIT|CREDIT|SPENT|DEBITED|CREDITED|ALERT|DEAR|CUSTOMER|OTP|TXN|TRANSACTION)\b/
// Card approvals in Korea/Japan print "10/21 14:22 STARBUCKS" or the time stamp and then the merchant on the
// next line. The time must be HH:MM so a date-only line ("06-04-24") or a money line is never read as one.
const STAMP_THEN_NAME = /^(?:\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s+(.{2,40}))?$/
const NOT_STAMP_NAME = /^(?:[AP]M|IST|SGT|WIB|ET|KST|JST|HRS?|UTC|GMT)\b|\d[\d,.]*\s?\p{Sc}|[\d,.]{3,}\s?(?:원|円)|누적|잔액|残高/iu

function lineName(text: string): string | null {
  const lines = text.split('\n')
  if (lines.length < 3) return null
  for (const line of lines.slice(1)) {
    const l = line.trim()
    if (NAME_LINE.test(l) && /[A-Z]{3}/.test(l) && !NOT_NAME_LINE.test(l)) return cleanName(l)
  }
  for (let i = 1; i < lines.length; i++) {
    const m = STAMP_THEN_NAME.exec((lines[i] ?? '').trim())
    if (m === null) continue
    const raw = m[1] ?? (lines[i + 1] ?? '').trim()
    if (raw.length < 2 || NOT_STAMP_NAME.test(raw)) continue
    const name = cleanName(raw)
    if (name) return name
  }
  return null
}
