// Account/card digits: "A/c XX1234", "a/c **1234", "AC X1234", "card ending in 1234", "cheq a/c..1234",
// "0123****89", "1234XXXXXX1234", "cartão final 1234", "kartu akhiran 1234". The first masked mention wins
// (it is the user's own account; a counterparty's appears later, if at all).

const ACCOUNT_WORD = String.raw`(?:a\/?c|acct|account|ac|card|cards|konto|rekening|cuenta|compte|conta|cart[aã]o|tarjeta|kartu|carte|karte|kaart|بطاقة|حساب|cheq|savings|chq)`

const MASKED = new RegExp(
  String.raw`(?<![\p{L}])${ACCOUNT_WORD}(?:(?![\p{L}])|(?=[xX]{1,12}\d))[^\n\d]{0,25}?(?<!\p{L}\p{L})(?:[xX*#•]{1,14}|\.{2,4})[\s-]?(\d{2,6})(?![\d])`,
  'giu',
)
const ENDING = new RegExp(
  String.raw`(?:\bending(?:\s(?:in|with|on))?|\bended|\blast\s(?:4\s)?digits|\bfinal|\bfinal\s(?:do|de)|\bakhiran|\bberakhir|\bterminada en|\bterminant par|\beindigend op|\bendend (?:auf|mit)|\bendet auf|\bno\.? akhir|المنتهية ب?|تنتهي ب?)\s?[:#]?\s?[xX*.•]{0,12}\s?(\d{2,6})(?!\d)`,
  'gi',
)
const DIGITS_MASK = /(?<![\w])\d{1,6}[*xX•]{2,12}(\d{2,6})(?![\d])/g
const STANDALONE_MASK = /(?<![\p{L}\d])(?:[xX]{2,12}|[*•]{1,12}|\.{2,4})(\d{3,6})(?![\d])/gu
const PLAIN = new RegExp(
  String.raw`(?<![\p{L}])${ACCOUNT_WORD}(?![\p{L}])\s?(?:no\.?|number|num|#)?\s?[:.\-]?\s?(\d{4,18})(?![\d/:.-]\d)`,
  'giu',
)

function firstMatch(text: string, res: readonly RegExp[]): { digits: string; index: number } | null {
  let best: { digits: string; index: number } | null = null
  for (const re of res) {
    for (const m of text.matchAll(re)) {
      const digits = m[1]
      if (!digits) continue
      const index = m.index ?? 0
      if (best === null || index < best.index) best = { digits, index }
      break
    }
  }
  return best
}

export function extractAccount(text: string): string | null {
  const masked = firstMatch(text, [MASKED, ENDING, DIGITS_MASK, STANDALONE_MASK])
  if (masked) return masked.digits
  const plain = firstMatch(text, [PLAIN])
  if (!plain) return null
  // An unmasked number is still "as written"; keep its last four digits (longer ones are full account numbers).
  return plain.digits.length > 6 ? plain.digits.slice(-4) : plain.digits
}
