// Debit or credit, from the verbs around the amount. The verb nearest to the amount wins, weighted by how
// decisive it is: "refund"/"reversed"/"cashback"/"sent you" beat a plain "debited" elsewhere in the text
// ("refund of your debit card txn credited").
import type { TxnType } from '../types.js'
import { execAll } from '../regex.js'

interface Cue {
  re: RegExp
  type: TxnType
  weight: number
}

const cue = (re: RegExp, type: TxnType, weight: number): Cue => ({ re, type, weight })

// Patterns run on the lower-cased text in which "credit card", "debit card", "credit limit" etc. were blanked.
const CUES: readonly Cue[] = [
  // Decisive credits.
  cue(
    /\b(?:refund(?:ed)?|reversed|reversal|cash\s?back|chargeback|estorno|reembolso|remboursement|rückerstattung|terugbetaling|pengembalian|استرداد)\b/g,
    'credit',
    4,
  ),
  cue(
    /\b(?:paid|deposited|credited)\s(?:in|into)\b|\b(?:received|receipt of)\s(?:your\s|a\s)?payment\b|\bpayment (?:of [^\n]{0,25})?received\b|\bthank you for (?:your )?payment\b|\b(?:sent|paid|gave|transferred)\s+you\b|\byou(?:'ve| have)?\s+(?:just\s+)?(?:received|got)\b|\bhas sent you\b|\bsent you\b|\b(?:you(?:'ve| have))?\s?been paid\b|\bpayment (?:of [^\n]{0,25})?(?:to|towards) your [^\n]{0,25}\bcard\b(?! (?:at|for)\b)/g,
    'credit',
    4,
  ),
  cue(
    /\b(?:credited|received|deposited|deposit|recebido|recebeu|recebida|recibido|recibiste|reçu|erhalten|ontvangen|diterima|menerima|gutschrift|bijschrijving|abono|accreditat[oa]|accredito|in entrata|fått|paycheck|payroll|lodged|gehaltseingang|zahlungseingang|eingang|eingegangen|uznanie|bijgeschreven|dépôt|ricevut[oa]|has arrived|arrived in)\b|\brembours|\bwpływ|입금|入金|\bmasuk\b|\bdirect deposit\b|\bincoming\b|\binward\b|\badded to\b|\bhas been added\b|واردة|إيداع|ايداع|دائن|استلام/g,
    'credit',
    3,
  ),
  cue(/\b(?:trf|transfer|transferred)\s+(?:from|dari|masuk)\b|\bfrom\s+(?:vpa|upi)\b|\bcredit\b|\bcr\b\.?|\bcrédito\b|\bkredit\b/g, 'credit', 2),
  // Debits.
  cue(
    /\b(?:debited|deducted|spent|withdrawn|charged|paid|purchase[d]?|withdrawal|bought|sent|transferred|debit|payment|purchase)\b(?!\s+you\b)|\bhas left\b|\bused (?:for|at)\b|\breserved for\b|\btxn of\b|\btransaction (?:of|at|with)\b|\btransaction (?:was|has been) (?:made|approved|authori[sz]ed)\b|\bwithdrew\b|\btrf to\b|\bpaid to\b/g,
    'debit',
    3,
  ),
  cue(
    /\b(?:compra|pago|pagamento|pagou|enviou|enviado|enviada|débito|debito|cargo|retiro|paiement|retrait|prélèvement|débit|zahlung|kartenzahlung|lastschrift|abbuchung|abgebucht|belastet|abhebung|betaling|betaald|afschrijving|afgeschreven|overgemaakt|opname|pembayaran|pembelian|penarikan|dibayar|bayar|tarik tunai|potongan|pembelanjaan|kirim|saque|levantamento|retirada|transferiu|pagaste|achat|pagato|pagamento|addebito|prelievo|platnosc|betalat|t\/fer|obciążenie|gesendet|überwiesen|inviat[oa])\b|\bpłatność|\benvoy[ée]|überweisung|withdraw\b|승인|결제|출금|ご利用|お支払|شراء|خصم|سحب|صادرة|مدين|دفع/g,
    'debit',
    3,
  ),
  cue(
    /\bdr\b\.?|\bpos\b|\bpur\b|\bto\s+(?:vpa|upi)\b|\bwithdraw\b|\be-?transfer\b[^\n]{0,30}\bto\b|\btransfer ke\b|\btransfer\s[^\n]{0,25}\bke\b|\btransfer\b[^\n]{0,12}\n[^\n]{0,20}\n?ke\s|\btransferencia\b|\btransferência|\b(?:transfer|imps|neft|rtgs|duitnow|paynow|instapay)\b[^\n]{0,40}\bto\b|\bpin\s?betaling\b|\bpinbetaling\b/g,
    'debit',
    2,
  ),
]

/** Blanks out noun phrases whose "credit"/"debit" is not a direction (same length, so positions hold). */
export function maskNonDirectional(lower: string): string {
  return lower.replace(
    /\b(?:credit|debit|cr\.?|dr\.?)\s?(?:card|limit|lmt|score|facility|line|interest)\b|\bavl\.?\s?cr\.?\s?(?:limit|lmt)\b|\bcredit\/debit\b|\bdebit\/credit\b|\bcartão de crédito\b|\bcartão de débito\b|\bcarte de crédit\b|\btarjeta de (?:crédito|débito)\b|\bkartu kredit\b|\bkartu debit\b|\bbalance\s?cr\b|\bcash ?back (?:up ?to|offer)\b|\bnot you\b|\bnot done by you\b/g,
    (m) => ' '.repeat(m.length),
  )
}

export interface TypeEvidence {
  type: TxnType | null
  /** strongest cue weight found (0 = no cue at all) */
  strength: number
}

/**
 * @param masked lower-cased text after maskNonDirectional
 * @param anchor position of the amount (cues are scored by distance to it)
 */
// Sentence ends: a line break, ";", or ./!/? followed by a space, unless it closes an abbreviation
// ("Rs. 500", "A/c no. XX12", "Mr. X").
const SENTENCE_END = /\n|;|(?<!\b(?:rs|no|mr|mrs|ms|dr|re|a\/c|ac|acct|st|vs|ref|txn|amt|bal|avl|inr|[a-z]))[.!?](?=\s)/g

function sentenceAround(text: string, pos: number): [number, number] {
  let start = 0
  let end = text.length
  SENTENCE_END.lastIndex = 0
  for (const m of execAll(SENTENCE_END, text)) {
    const i = m.index ?? 0
    if (i < pos) start = i + 1
    else {
      end = i
      break
    }
  }
  return [start, end]
}

export function detectType(masked: string, anchor: number): TypeEvidence {
  let best: { type: TxnType; score: number; weight: number } | null = null
  // A cue in the amount's own sentence beats any cue elsewhere: "Rs 4,999 debited ... (Cashback Rs 250 to
  // be credited)" and "Cash back of $5 has been applied. A purchase of $100 ..." are debits.
  const [sStart, sEnd] = sentenceAround(masked, anchor)
  for (const c of CUES) {
    c.re.lastIndex = 0
    for (const m of execAll(c.re, masked)) {
      const pos = m.index ?? 0
      const distance = Math.abs(pos - anchor)
      // Weight dominates; distance breaks ties among equally strong cues (120 chars ~ one weight step).
      const score = c.weight * 120 - Math.min(distance, 119) + (pos >= sStart && pos < sEnd ? 600 : 0)
      if (best === null || score > best.score) best = { type: c.type, score, weight: c.weight }
    }
  }
  return best === null ? { type: null, strength: 0 } : { type: best.type, strength: best.weight }
}
