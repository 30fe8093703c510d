// Payment channel from keywords, most specific first. An institution's own channel (M-PESA, wallets)
// is used only when the text names none.
import type { Channel } from '../types.js'

// Every rule is a plain alternation of literal-ish words (no nested quantifiers) run on the lower-cased text.
const RULES: ReadonlyArray<readonly [RegExp, Channel]> = [
  [/\bm-?pesa\b|\bairtel money\b|\bmtn mo(?:mo|bile money)\b|\bmobile money\b|\bt-kash\b|\bmomo\b/, 'mobile_money'],
  // An explicit UPI marker beats a wallet mention ("paid via UPI from your Paytm wallet" is UPI).
  [
    /\bupi\b|\bvpa\b|\bbhim\b|[\w.-]@(?:ok)?(?:sbi|icici|hdfcbank|axis|ybl|paytm|upi|ibl|axl|apl|kotak|yapl|jupiteraxis|fbl|pnb|barodampay|aubank|idfcbank|icici|waaxis|wahdfcbank|wasbi)\b/,
    'upi',
  ],
  // "ATM fee rebate" is a fee, not a withdrawal.
  [
    /\batm\b(?! (?:fee|charge|rebate|card))|\babm\b|\bcash withdrawal\b|\bwithdrawn at\b|\bcash wdl\b|\bcaixa eletr[oô]nico\b|\bcajero\b|\bgeldautomaat\b|\bgeldautomat\b|\bdistributeur\b|\bguichet\b|\bdab\b|\bmultibanco\b|\blevantamento\b|\bprelievo\b|\btarik tunai\b|\bsaque\b|\bwithdrawal at\b|صراف|🏧/,
    'atm',
  ],
  [/\bneft\b/, 'neft'],
  [/\bimps\b|\bmmt\b/, 'imps'],
  [/\brtgs\b/, 'rtgs'],
  // Named instant-payment rails are bank transfers even inside a wallet brand's message ("Mercado Pago ... via Pix").
  [
    /\bpix\b|\bzelle\b|\binterac\b|\be-?transfer\b|\bpaynow\b|\bduitnow\b|\binstapay\b|\bpesonet\b|\bpayid\b|\bosko\b|\bfaster payments?\b|\bsepa\b|\bbi-?fast\b|\bpayshap\b|\bspei\b|\bblik\b|\bvia ideal\b/,
    'netbanking',
  ],
  [
    /\bach\b|\be?-?nach\b|\becs\b|\bdirect debit\b|\bdirect deposit\b|\bdir dep\b|\bpayroll deposit\b|\bpaycheck\b|\bpre-?authori[sz]ed (?:debit|payment)\b|\blastschrift\b|\bprélèvement\b|\bincasso\b|\bautopay\b|\bauto-?debit\b|\bd[eé]bito autom[aá]tico\b|\bstanding instruction\b|\bstanding order\b|\bdebit order\b/,
    'ach',
  ],
  [
    /\bwallet\b|\bpaytm balance\b|\bamazon pay balance\b|\bmobikwik\b|\bgcash\b|\bpaymaya\b|\bmaya\b|\bgopay\b|\bovo\b|\bshopeepay\b|\bvenmo\b|\bcash app\b|\bpaypal\b|\bapple cash\b|\bopay\b|\bpalmpay\b|\bstc ?pay\b|\btouch ?'?n ?go\b|\bewallet\b|\be-wallet\b|\bcarteira\b|\bdompet\b|\bpaylah\b|\bgrabpay\b|\bpicpay\b|\bsatispay\b|\blydia\b|\bmercado pago\b|\bline pay\b|\balipay(?:hk)?\b|\bwechat pay\b|\bpaypay\b|\bkakao ?pay\b|\btruemoney\b/,
    'wallet',
  ],
  // After wallets: "cashback in your PhonePe wallet" is the wallet; "paid via PhonePe" is UPI.
  [/\bp2[am]\b|\bphonepe\b|\bgoogle pay\b|\bgpay\b/, 'upi'],
  // "Annual Debit Card Fee" is a charge on the account, not a card payment.
  [
    /\bcard\b(?! (?:fee|charges?|annual|amc|issuance|replacement))|\bpos\b|\bpurchase\b|\bspent\b|\bswipe|\bcontactless\b|\btap to pay\b|\bvisa\b|\bmastercard\b|\brupay\b|\bcart[aã]o\b|\bcartao\b|\btarjeta\b|\bkarte\b|\bkartenzahlung\b|\bpinpas\b|\bkaart\b|\bcarte\b|\bcarta\b|\bcb\b|\bkartu\b|\bbetaalpas\b|\bmet pas\b|\bpinbetaling\b|\bkarta\b|\bmada\b|بطاقة|بطاقت|مدى|نقاط البيع|\bpur\b|\bauthori[sz]ation\b|\breserved for purchase\b|\bcompra aprovada\b|\bachat\b|\btransaction (?:was made )?with\b|\bcharge of\b|\bkartą|💳|카드|カード/,
    'card',
  ],
  [
    /\bnet\s?banking\b|\binternet banking\b|\bonline banking\b|\bmobile banking\b|\bmob bk\b|\bib\b|\binb\b|\be-?transfer\b|\binterac\b|\bzelle\b|\bpix\b|\bpaynow\b|\bduitnow\b|\bfast transfer\b|\bfaster payment\b|\binstapay\b|\bpesonet\b|\bbank transfer\b|\bonline transfer\b|\beft\b|\bnip\b|\bsepa\b|\bieft\b|\bbi-?fast\b|\bmobile app\b|\bapp transfer\b|\bpayid\b|\bosko\b|\bpayshap\b|\bsmart ?app\b|\bbanking app\b|\bcellphone banking\b|\bm-?transfer\b|\bm-?banking\b/,
    'netbanking',
  ],
]

export function detectChannel(lower: string, institutionChannel: Channel | null): Channel | null {
  for (const [re, channel] of RULES) {
    if (re.test(lower)) {
      // A wallet/mobile-money institution's messages mention "card"/"transfer" loosely; its own channel wins
      // over the generic card/netbanking guesses.
      if (institutionChannel && (channel === 'card' || channel === 'netbanking')) return institutionChannel
      return channel
    }
  }
  return institutionChannel
}
