// Non-transaction detection. Each reason has "decisive" patterns (the message is about that, whatever else it
// says) and the classifier also knows what a completed transaction looks like, so a real debit that ends with
// "Never share your OTP" or "Get 5% cashback" is not thrown away.
import type { RejectReason } from './types.js'

/** Past-tense money movement: the strongest sign that something actually happened. */
export const COMPLETED_TXN =
  /\b(?:debited|credited|spent|withdrawn|deposited|received|transferred|deducted|charged|purchased|reversed|refunded|paid (?:to|at|for|from|via|using|you)|sent (?:to|you|from)|you paid|you sent|you spent|you received|has left|was used|used (?:for|at)|dr\.? from|cr\.? to|payment of [^.]{0,40} (?:was |has been )?(?:made|successful|received|processed|completed)|purchase (?:of|at)|transaction (?:of|at|with)|txn of|confirmed\.|compra aprovada|pix (?:recebido|enviado)|você (?:recebeu|enviou|pagou)|betaling|kartenzahlung|paiement|pembayaran|berhasil|transaksi|شراء|خصم|حوالة|إيداع|reserved for purchase|deposit of|a deposit|was made|were made|pinbetaling|transfer ke|has been paid into|withdrawal of|thank you for using|t\/fer|been paid|levantamento|saque de|retirada de|retrait|achat|prelievo|addebito|accredit(?:o|ato)|bonifico|hai pagato|overgemaakt|afgeschreven|ontvangen|überweisung|ausgeführt|abgebucht|gutschrift|platnosc|rembours|płatność|du har fått|har betalat|kirim uang|dana masuk|tarik tunai|withdrew|lodged)\b|überweisung|\bamt\s?:|\btxn\s?:\s?(?:debit|credit)|\b(?:debit|credit) (?:alert|transaction)\b|\d\s?(?:dr|cr)\b|\bpur\b|\bdr amt\b|\bcr amt\b/

interface Rule {
  reason: RejectReason
  decisive: RegExp
  /** unless: evidence that overrides the rule (e.g. a reversal for a failed payment is a real credit) */
  unless?: RegExp
  /** when true the rule only applies if no completed-transaction evidence is present */
  onlyWithoutTxn?: boolean
}

const RULES: readonly Rule[] = [
  {
    reason: 'otp',
    // A code next to OTP/verification wording; a bare "do not share OTP" footer is not enough.
    decisive:
      /(?:\b(?:otp|one[\s-]time[\s-]?(?:password|passcode|pin|code)|verification code|security code|authentication code|login code|passcode|código de verifica[cç][aã]o|código de seguran[cç]a|código de verificación|code de (?:vérification|sécurité)|bestätigungscode|verificatiecode|kode (?:otp|verifikasi|rahasia)|tac|cvv2? code|codice(?: (?:di verifica|per autorizzare|otp))?|photo-?tan|sms-?tan|mobile-?tan)\b|رمز (?:التحقق|التفعيل)|كلمة المرور)[^\n]{0,120}?(?<![\d.,])\d{4,8}(?![\d.,]\d)|(?<![\d.,])\d{4,8}\s(?:is|as)\s(?:your|the)\s(?:otp|one[\s-]time|verification|security|login|secret|authori[sz]ation|auth|confirmation|access)|\b(?:use|enter)\s(?:code\s)?\d{4,8}\sto\s(?:verify|complete|confirm|log\s?in|sign\s?in|authori[sz]e)/i,
    unless: /\b(?:debited|credited|spent|withdrawn|deposited)\b(?![^.]{0,30}\bif\b)/,
  },
  {
    reason: 'not_a_transaction',
    // Collect / money requests: nothing has moved yet.
    decisive:
      /\b(?:has requested|requested (?:money|payment|₹|rs|inr|\$|£|€)|requests? (?:₹|rs\.?|inr|\$|£|€|php|kes)\s?\d|is requesting|collect request|money request|payment request|request(?:ed)? (?:for|of) (?:₹|rs\.?|inr|\$|£|€)|sent you a request|requesting (?:₹|rs|inr|\$)|solicitou|solicitação de pagamento|betaalverzoek|zahlungsanforderung|geldanforderung|demande de paiement|solicitud de (?:pago|dinero)|richiesta di (?:pagamento|denaro))\b/i,
    unless: /\b(?:you paid|you have paid|paid successfully|completed .{0,20}request|request (?:was|has been) (?:paid|completed))\b/i,
  },
  {
    reason: 'not_a_transaction',
    // Authorisation holds ("Rs 2,000 is on hold ... will be released") have not moved money yet.
    // So are pending authorisations and payments still being processed ("... is pending", "pending authorization").
    decisive:
      /\b(?:(?:is|are|kept|placed) on hold|hold of|pre-?authori[sz]ation|blocked amount|amount (?:is )?blocked|pending (?:authori[sz]ation|transaction|payment|charge)|(?:is|are|remains?) (?:still )?pending|(?:is|are) being processed)\b/i,
    unless: /(?<!will be |to be )\b(?:debited|deducted)\b|\bha(?:s|ve) (?:now )?(?:been )?(?:posted|settled)\b/i,
  },
  {
    reason: 'not_a_transaction',
    // Account/card settings and moves between the user's own pots/vaults: no money left or arrived.
    decisive:
      /\b(?:(?:has been|have been|is now|was|successfully) (?:enabled|disabled|activated|deactivated|blocked|unblocked|hotlisted|updated|changed|revoked|cancelled)|new payee|payee\b[^\n]{0,30}\badded|you exchanged|pot transfer|moved to (?:your |the )?[^\n]{0,20}\b(?:pot|vault|space|goal)|to (?:your )?savings vault)\b/i,
    onlyWithoutTxn: true,
  },
  {
    reason: 'declined',
    decisive:
      /\b(?:declined|failed|failure|unsuccessful|not (?:been )?successful|could not be (?:processed|completed)|was not (?:processed|completed)|insufficient (?:funds|balance|bal)|rejected|denied|blocked due|recusad[ao]|n[aã]o autorizad[ao]|rechazad[ao]|denegad[ao]|gagal|ditolak|refus[ée]e?|abgelehnt|geweigerd|negad[ao]|rifiutat[ao]|مرفوضة|رفض)\b|\bdid you (?:attempt|make|authori[sz]e|try)\b|\breply (?:yes|y)\b[^\n]{0,20}\b(?:no|n)\b/i,
    // A completed reversal of a failed payment is a real credit; a promised one ("will be refunded") is not.
    unless:
      /(?<!will be |would be |shall be |to be )\b(?:reversed|refunded|credited back)\b|\b(?:reversal of|refund of)\b[^\n]{0,60}\b(?:credited|processed)\b|\b(?:estornad[oa]|reembolsad[oa]|rembours[ée]|dikembalikan)\b/i,
  },
  {
    reason: 'mandate_setup',
    decisive:
      /(?:\b(?:e-?mandate|mandate|autopay|auto-?pay|auto-?debit|e-?nach|nach|standing instruction|\bsi\b|recurring payment|subscription|direct debit|debit order)\b[^\n]{0,80}\b(?:set ?up|created|registered|registration|activated|successfully (?:set|created|registered|activated)|has been (?:set|created|registered|approved|activated)|approved|authori[sz]ed|is now active|enabled)\b|\b(?:set ?up|created|registered|activated|approved)\b[^\n]{0,40}\b(?:e-?mandate|mandate|autopay|auto-?pay|e-?nach|standing instruction|recurring payment|direct debit)\b|\bnew direct debit\b)/i,
    // An executed autopay debit is a transaction; "will be debited" is still only the set-up notice.
    unless: /(?<!will be |to be |would be |shall be )\b(?:debited|deducted)\b|\b(?:executed|has been paid|was paid|successfully paid)\b/i,
  },
  {
    reason: 'loan_offer',
    decisive:
      /\b(?:pre-?approved|pre-?qualified|loan (?:offer|of up ?to|up ?to|upto)|instant (?:personal )?loan|personal loan (?:of|up ?to|offer)|eligible for (?:a |an )?(?:personal |instant |home |car )?(?:loan|credit card|credit limit)|(?:get|avail) (?:a |an )?(?:personal |instant )?loan|loan (?:is )?(?:ready|waiting|sanctioned for you)|lifetime free credit card|limit (?:increase|enhancement) offer|apply (?:now )?for (?:a |an )?(?:loan|credit card)|empr[ée]stimo pr[ée]-?aprovado|pinjaman)\b/i,
    unless: /\b(?:disbursed to your|has been disbursed|credited to your (?:a\/?c|account))\b/i,
  },
  {
    reason: 'payment_due_reminder',
    // Announced future debits ("Rs 499 will be debited on 15-Mar for Netflix") - the verb is there, the money is not.
    decisive:
      /\b(?:will be (?:auto[\s-]?)?(?:debited|deducted|charged|taken|collected)|(?:is|are) scheduled (?:for|on|to be)|upcoming (?:payment|debit|bill|auto-?debit)|vence(?:rá)? (?:el|em|le)|wird (?:am [^\n]{0,12})?abgebucht)\b/i,
  },
  {
    reason: 'payment_due_reminder',
    decisive:
      /\b(?:(?:total|min(?:imum)?|minimum amount|min\.?|amount|amt|payment|bill) (?:amt |amount |payment )?due|due (?:on|by|date)|is due|are due|overdue|past due|statement (?:is |has been )?(?:generated|ready|available)|statement\b[^\n.]{0,40}\b(?:is ready|is available|has been generated)|bill (?:is |has been )?(?:generated|due)|(?:please|kindly) (?:pay|make (?:the )?payment)|pay (?:now|by|before)|reminder|fatura (?:fechada|vence)|vencimento|jatuh tempo)\b/i,
    unless:
      /\b(?:thank you for (?:your )?payment|payment (?:of [^.]{0,30})?(?:received|is successful|was successful|credited)|we have received|has been (?:debited|credited|paid)|was (?:debited|credited)|received (?:a |your )?payment|is debited|is credited)\b/i,
    onlyWithoutTxn: true,
  },
  {
    reason: 'delivery',
    decisive:
      /\b(?:out for delivery|has been delivered|was delivered|delivered (?:today|to)|shipped|dispatched|courier|awb|tracking (?:id|no|number|link)|track your (?:order|package|parcel|shipment)|your (?:order|package|parcel|shipment)\b[^\n]{0,40}\b(?:arriv|deliver|ship|dispatch|pick)|cash on delivery|\bcod\b|delivery (?:agent|partner|executive|boy)|will be delivered)\b/i,
    unless: /\b(?:debited|credited from|deducted|spent on (?:your )?card|withdrawn)\b/i,
  },
  {
    reason: 'balance_enquiry',
    decisive:
      /(?:\b(?:avl|available|avail|current|ledger|clear|total|closing|account|a\/c|acct)\.?\s?bal(?:ance)?\.?\b[^\n]{0,60}\b(?:is|as on|as of|:)|\bbalance (?:in|of|for) (?:your )?(?:a\/?c|account|acct|wallet)|\bmini statement\b|\bbalance enquiry\b|\bbalance inquiry\b|\bsaldo (?:dispon[ií]vel|actual|anda)\b.{0,40}\b(?:é|es|adalah)\b)/i,
    onlyWithoutTxn: true,
  },
  {
    reason: 'promotion',
    // Unmistakable marketing: rejected even though it talks about cashback being "credited".
    decisive:
      /\b(?:t&c|t&cs|tncs?|shop now|buy now|use (?:promo )?code|promo code|offer valid|limited period|hurry|click here|\d{1,2}% off|apply now|download now|book now)\b|t&c\b/i,
    unless: /\b(?:has been (?:credited|debited)|was (?:credited|debited)|debited from your|is debited|is credited)\b/i,
  },
  {
    reason: 'promotion',
    decisive:
      /\b(?:offer|offers|discount|% off|flat \d+|sale|shop now|buy now|click|hurry|limited period|exclusive|voucher|coupon|use code|promo|win (?:a|up ?to|exciting|cash)|get up ?to|upgrade|congratulations|download (?:the )?app|t&c|t&cs|tnc|visit|invite|refer|earn (?:up ?to|rewards|points)|cashback up ?to|festive|special price|lowest price|apply now|insurance (?:cover|plan)|premium (?:of|starting)|starting at|free (?:delivery|trial))\b/i,
    onlyWithoutTxn: true,
  },
]

export interface Classification {
  reason: RejectReason | null
  /** how sure the rejection is (0 when not rejected) */
  confidence: number
}

/**
 * @param lower lower-cased normalised text
 * @param hasAmount whether any money amount was found
 * @param hasTxnAmount whether a sum that is not a balance/fee/due figure was found: a message with one is
 *   not a balance enquiry even when it also prints the balance ("... at MORE RETAIL. Avl bal: Rs 9,120")
 */
export function classify(lower: string, hasAmount: boolean, hasTxnAmount = hasAmount): Classification {
  const completed = COMPLETED_TXN.test(lower)
  for (const rule of RULES) {
    if (rule.onlyWithoutTxn && completed) continue
    if (rule.reason === 'balance_enquiry' && hasTxnAmount) continue
    if (!rule.decisive.test(lower)) continue
    if (rule.unless?.test(lower)) continue
    return { reason: rule.reason, confidence: completed ? 0.75 : 0.9 }
  }
  if (!hasAmount) return { reason: 'not_a_transaction', confidence: 0 }
  return { reason: null, confidence: 0 }
}
