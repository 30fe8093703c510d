import type { TxnType } from '../types.js'
import { execAll, L } from '../regex.js'

// Account/card digits: "A/c XX1234", "a/c **1234", "AC X1234", "card ending in 1234", "cheq a/c..1234",
// "0123****89", "1234XXXXXX1234", "cartão final 1234", "kartu akhiran 1234". The first masked mention wins
// (it is the user's own account; a counterparty's appears later, if at all).

const ACCOUNT_WORD = String.raw`(?:a\/?c|acct|account|acc|ac|card|cards|konto|rekening|rek|rach|cuenta|compte|conta|cart[aã]o|tarjeta|kartu|carte|karte|kaart|بطاقة|حساب|cheq|savings|chq|checking|chequing)`

const MASKED = new RegExp(
  String.raw`(?<![${L}])${ACCOUNT_WORD}(?:(?![${L}])|(?=[xX]{1,12}\d))[^\n\d]{0,25}?(?<![${L}][${L}])(?:[xX*#•]{1,14}|\.{2,4})[\s-]?(\d{2,12})(?![\d])`,
  'gi',
)
const ENDING = new RegExp(
  String.raw`(?:\bending(?:\s(?:in|with|on))?|\bended|\blast\s(?:4\s)?digits|\bfinal|\bfinal\s(?:do|de)|\bakhiran|\bberakhir|\bterminada en|\bterminant par|\bse terminant par|\beindigend op|\bendend (?:auf|mit)|\bendet auf|\bno\.? akhir|\bterminaci[oó]n|\btermina(?:da)? en|المنتهية\s?(?:بـ?)?|تنتهي\s?(?:بـ?)?)\s?[:#]?\s?[xX*.•]{0,12}\s?(\d{2,6})(?!\d)`,
  'gi',
)
// Account numbers written in groups ("acct 4-1234-5678", "account 123-4-56789"): the last group's digits.
const GROUPED = new RegExp(
  String.raw`(?<![${L}])(?:a\/?c|acct|account)(?![${L}])\s?(?:no\.?|number)?\s?[:.]?\s?\d{1,6}(?:-\d{1,6}){0,2}-(\d{4,6})(?![\d-])`,
  'gi',
)
// Absa/FNB style account labels glued to the digits: "CHEQ5678,", "SAVE2211,".
const GLUED = /\b(?:CHEQ|SAVE|SAVINGS|CRED|CHQ)(\d{4})\b/g
const DIGITS_MASK = /(?<![\w])\d{1,6}[*xX•]{2,12}(\d{2,6})(?![\d])/g
const STANDALONE_MASK = new RegExp(String.raw`(?<![${L}\d])(?:[xX]{2,12}|[*•]{1,12}|\.{2,4})(\d{3,6})(?![\d])`, 'g')
const PLAIN = new RegExp(String.raw`(?<![${L}])${ACCOUNT_WORD}(?![${L}])\s?(?:no\.?|number|num|#)?\s?[:.\-]?\s?(\d{4,18})(?![\d/:.-]\d)`, 'gi')

// Korean/Japanese card alerts glue the digits to the word: "신한카드(1234)승인", "KB국민카드5678승인".
const CJK_CARD = /(?:카드|カード)\(?(\d{4})\)?/g
// An IBAN after an account word ("van rekening NL91RABO0123456789"): its last four digits.
const IBAN = new RegExp(String.raw`(?<![${L}])(?:${ACCOUNT_WORD}|iban)(?![${L}])\s?:?\s?[A-Z]{2}\d{2}[A-Z]{4}\d{0,26}?(\d{4})(?!\d)`, 'g')
const HAS_IBAN = /[A-Z]{2}\d{2}[A-Z]{4}\d/

interface Hit {
  digits: string
  index: number
}

function allMatches(text: string, res: readonly RegExp[]): Hit[] {
  const out: Hit[] = []
  for (const re of res) {
    for (const m of execAll(re, text)) {
      if (m[1]) out.push({ digits: m[1], index: m.index ?? 0 })
      if (out.length > 40) break
    }
  }
  return out.sort((a, b) => a.index - b.index)
}

// The counterparty's account, not the user's: a debit's "to/for <...> A/c XX12", a credit's "from/by <...> A/c XX12".
// "posted/charged/debited to acct x4408", "to your account", "to card ending" name the user's own account.
const PAYEE_BEFORE = new RegExp(
  String.raw`(?<!\b(?:posted|charged|debited|billed|applied|made|credited)\s)\b(?:to|into|for|beneficiary|payee)\s(?:the\s)?(?:(?!(?:to|into|posted|charged|debited|credited)\s)[${L}.]+\s){0,4}$`,
  'i',
)
const PAYER_BEFORE = new RegExp(String.raw`\b(?:from|by)\s(?:the\s)?(?:[${L}.]+\s){0,4}$`, 'i')
const OWN = /\b(?:your|my|card|cart[aã]o|tarjeta|carte|karte|in|into|from|checking|chequing|savings)\b/i

function isCounterparty(text: string, at: number, type: TxnType | null): boolean {
  if (type === null) return false
  // Judge the whole masked token ("0918***4567"), not just where one pattern's match starts.
  let index = at
  while (index > 0 && /[\dxX*•.]/.test(text[index - 1] ?? '')) index--
  const before = text.slice(Math.max(0, index - 40), index)
  const re = type === 'debit' ? PAYEE_BEFORE : PAYER_BEFORE
  const m = re.exec(before)
  return m !== null && !OWN.test(m[0])
}

/**
 * The user's own account/card digits. The first masked mention wins (it is the user's own account; a
 * counterparty's appears later, if at all) unless its wording marks it as the counterparty's.
 */
// Cheap gates: each pattern needs one of these to be present at all.
const HAS_GROUPED = /\d-\d/
const HAS_GLUED = /CHEQ|SAVE|CRED|CHQ/
const HAS_MASK = /[xX*#•][\s-]?\d|\.\./
const HAS_ENDING = /end|final|last|akhir|termin|eindig|المنتهية|تنتهي/i

export function extractAccount(text: string, type: TxnType | null = null): string | null {
  const res: RegExp[] = []
  if (HAS_MASK.test(text)) res.push(MASKED, DIGITS_MASK, STANDALONE_MASK)
  if (HAS_ENDING.test(text)) res.push(ENDING)
  if (HAS_GROUPED.test(text)) res.push(GROUPED)
  if (HAS_GLUED.test(text)) res.push(GLUED)
  if (text.includes('카드') || text.includes('カード')) res.push(CJK_CARD)
  const masked = allMatches(text, res)
  const own = masked.find((h) => !isCounterparty(text, h.index, type))
  // accountLast4 is at most the last four digits, however many the bank printed ("XX123456" -> "3456").
  if (own) return own.digits.slice(-4)
  if (masked.length > 0) return null
  const plain = allMatches(text, HAS_IBAN.test(text) ? [IBAN, PLAIN] : [PLAIN]).find((h) => !isCounterparty(text, h.index, type))
  return plain ? plain.digits.slice(-4) : null
}
