// Payment channel from keywords, most specific first. An institution's own channel (M-PESA, wallets)
// is used only when the text names none.
import type { Channel } from '../types.js'

const RULES: ReadonlyArray<readonly [RegExp, Channel]> = [
  [/\bm-?pesa\b|\bairtel money\b|\bmtn mo(?:mo|bile money)\b|\bmobile money\b|\bt-kash\b/, 'mobile_money'],
  [/\bupi\b|\bvpa\b|\bbhim\b|[\w.-]@(?:ok)?(?:sbi|icici|hdfcbank|axis|ybl|paytm|upi|ibl|axl|apl|kotak|yapl|jupiteraxis|fbl|pnb|barodampay|aubank|idfcbank|icici|waaxis|wahdfcbank|wasbi)\b|\bp2[am]\b|\bphonepe\b|\bgoogle pay\b|\bgpay\b/, 'upi'],
  [/\batm\b|\bcash withdrawal\b|\bwithdrawn at\b|\bcash wdl\b|\bcaixa eletr[oô]nico\b|\bcajero\b|\bgeldautomaat\b|\bgeldautomat\b|\bdistributeur\b|\btarik tunai\b|\bsaque\b|\bwithdrawal at\b/, 'atm'],
  [/\bneft\b/, 'neft'],
  [/\bimps\b|\bmmt\b/, 'imps'],
  [/\brtgs\b/, 'rtgs'],
  [/\bach\b|\be?-?nach\b|\becs\b|\bdirect debit\b|\bdirect deposit\b|\blastschrift\b|\bprélèvement\b|\bincasso\b|\bautopay\b|\bauto-?debit\b|\bstanding instruction\b|\bstanding order\b|\bdebit order\b/, 'ach'],
  [/\bwallet\b|\bpaytm balance\b|\bamazon pay balance\b|\bmobikwik\b|\bgcash\b|\bpaymaya\b|\bmaya\b|\bgopay\b|\bovo\b|\bdana\b|\bshopeepay\b|\bvenmo\b|\bcash app\b|\bpaypal\b|\bapple cash\b|\bopay\b|\bpalmpay\b|\bstc ?pay\b|\btouch ?'?n ?go\b|\bewallet\b|\be-wallet\b|\bcarteira\b|\bdompet\b/, 'wallet'],
  [/\bcard\b|\bpos\b|\bpurchase\b|\bspent\b|\bswipe|\bcontactless\b|\btap to pay\b|\bvisa\b|\bmastercard\b|\brupay\b|\bcart[aã]o\b|\btarjeta\b|\bkarte\b|\bkartenzahlung\b|\bpinpas\b|\bkaart\b|\bcarte\b|\bcb\b|\bkartu\b|\bbetaalpas\b|\bmet pas\b|\bpinbetaling\b|\bmada\b|بطاقة|مدى|نقاط البيع|\bpur\b|\bauthori[sz]ation\b|\breserved for purchase\b|\bcompra aprovada\b/, 'card'],
  [/\bnet\s?banking\b|\binternet banking\b|\bonline banking\b|\bmobile banking\b|\bmob bk\b|\bib\b|\binb\b|\be-?transfer\b|\binterac\b|\bzelle\b|\bpix\b|\bpaynow\b|\bduitnow\b|\bfast transfer\b|\bfaster payment\b|\binstapay\b|\bpesonet\b|\bbank transfer\b|\bonline transfer\b|\beft\b|\bnip\b|\bsepa\b|\bieft\b|\bbi-?fast\b|\bmobile app\b|\bapp transfer\b/, 'netbanking'],
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
