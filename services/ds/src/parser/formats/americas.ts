import type { InstitutionFormat } from './types.js'

// US alerts come from short codes or app notifications; the sender is often the brand name.
export const UNITED_STATES: readonly InstitutionFormat[] = [
  { id: 'us.chase', name: 'Chase', country: 'US', senders: /^(?:CHASE|JPMORGAN CHASE|24273)$/, names: /\bChase\b/i },
  { id: 'us.bofa', name: 'Bank of America', country: 'US', senders: /^(?:BOFA|BANK OF AMERICA|73981)$/, names: /\bBofA\b|\bBank of America\b/i },
  { id: 'us.wellsfargo', name: 'Wells Fargo', country: 'US', senders: /^(?:WELLS FARGO|WELLSFARGO|93557)$/, names: /\bWells Fargo\b/i },
  { id: 'us.citi', name: 'Citi', country: 'US', senders: /^(?:CITI|CITIBANK|692484)$/, names: /\bCiti(?:bank)?\b/i },
  { id: 'us.capitalone', name: 'Capital One', country: 'US', senders: /^(?:CAPITAL ?ONE|227898)$/, names: /\bCapital One\b/i },
  { id: 'us.amex', name: 'American Express', country: 'US', senders: /^(?:AMEX|AMERICAN EXPRESS|25397)$/, names: /\bAmerican Express\b|\bAmex\b/i },
  { id: 'us.discover', name: 'Discover', country: 'US', senders: /^(?:DISCOVER|347268)$/, names: /\bDiscover\b/ },
  { id: 'us.usbank', name: 'U.S. Bank', country: 'US', senders: /^(?:US ?BANK|U\.S\. BANK|USBANK)$/, names: /\bU\.?S\.? Bank\b/i },
  { id: 'us.pnc', name: 'PNC', country: 'US', senders: /^(?:PNC|PNC BANK)$/, names: /\bPNC\b/ },
  { id: 'us.truist', name: 'Truist', country: 'US', senders: /^TRUIST$/, names: /\bTruist\b/i },
  { id: 'us.venmo', name: 'Venmo', country: 'US', senders: /^VENMO$|^86753$/, names: /\bVenmo\b/i, channel: 'wallet' },
  { id: 'us.zelle', name: 'Zelle', country: 'US', senders: /^ZELLE$/, names: /\bZelle\b/i, channel: 'netbanking' },
  { id: 'us.cashapp', name: 'Cash App', country: 'US', senders: /^(?:CASH ?APP|SQUARE CASH)$/, names: /\bCash App\b/i, channel: 'wallet' },
  { id: 'us.ally', name: 'Ally Bank', country: 'US', senders: /^ALLY(?: BANK)?$/, names: /\bAlly Bank\b/i },
  { id: 'us.navyfederal', name: 'Navy Federal', country: 'US', senders: /^(?:NAVY ?FEDERAL|NFCU)$/, names: /\bNavy Federal\b/i },
  { id: 'us.chime', name: 'Chime', country: 'US', senders: /^CHIME$/, names: /\bChime\b/ },
  { id: 'us.sofi', name: 'SoFi', country: 'US', senders: /^SOFI$/, names: /\bSoFi\b/ },
  { id: 'us.schwab', name: 'Charles Schwab', country: 'US', senders: /^SCHWAB$/, names: /\bSchwab\b/i },
  { id: 'us.applecard', name: 'Apple Card', country: 'US', senders: /^APPLE ?CARD$/, names: /\bApple Card\b/ },
  { id: 'us.paypal', name: 'PayPal', country: 'US', senders: /^PAYPAL$|^729725$/, names: /\bPayPal\b/i, channel: 'wallet' },
]

export const CANADA: readonly InstitutionFormat[] = [
  { id: 'ca.rbc', name: 'RBC Royal Bank', country: 'CA', senders: /^(?:RBC|RBC ROYAL BANK|722722)$/, names: /\bRBC\b|Royal Bank/i },
  { id: 'ca.td', name: 'TD Canada Trust', country: 'CA', senders: /^(?:TD|TD BANK|TD CANADA TRUST)$/, names: /\bTD (?:Canada Trust|Bank)\b|^TD\b/ },
  { id: 'ca.scotiabank', name: 'Scotiabank', country: 'CA', senders: /^SCOTIA(?:BANK)?$/, names: /\bScotia(?:bank)?\b/i },
  { id: 'ca.bmo', name: 'BMO', country: 'CA', senders: /^BMO$/, names: /\bBMO\b/ },
  { id: 'ca.cibc', name: 'CIBC', country: 'CA', senders: /^CIBC$/, names: /\bCIBC\b/ },
  { id: 'ca.desjardins', name: 'Desjardins', country: 'CA', senders: /^DESJARDINS$/, names: /\bDesjardins\b/i },
  { id: 'ca.tangerine', name: 'Tangerine', country: 'CA', senders: /^TANGERINE$/, names: /\bTangerine\b/ },
  {
    id: 'ca.nationalbank',
    name: 'National Bank of Canada',
    country: 'CA',
    senders: /^(?:BNC|NATIONAL ?BANK|BANQUE ?NATIONALE)$/,
    names: /\bBanque Nationale\b|\bNational Bank of Canada\b/i,
  },
  {
    id: 'ca.interac',
    name: 'Interac e-Transfer',
    country: 'CA',
    senders: /^INTERAC$|^NOTIFY@PAYMENTS\.INTERAC\.CA$/,
    names: /\bInterac\b/i,
    channel: 'netbanking',
  },
]

export const BRAZIL: readonly InstitutionFormat[] = [
  { id: 'br.nubank', name: 'Nubank', country: 'BR', senders: /^NUBANK$|^NU$/, names: /\bNubank\b/i },
  {
    id: 'br.itau',
    name: 'Itaú',
    country: 'BR',
    senders: /^ITAU$|^ITAÚ$/,
    names: /\bIta[uú]\b/i,
    patterns: [
      {
        // "Compra aprovada no cartão final 1234 de R$ 45,67 em 12/03 às 10:11, PADARIA."
        id: 'br.itau.compra',
        type: 'debit',
        channel: 'card',
        re: /Compra aprovada no cart[aã]o final (?<account>\d{4}) de R\$ ?(?<amount>[\d.]{1,15},\d{2}) em (?<date>\d{2}\/\d{2}(?:\/\d{2,4})?) [àa]s \d{1,2}[:h]\d{2}, (?<merchant>[^\n.]{1,60})/i,
      },
    ],
  },
  { id: 'br.bradesco', name: 'Bradesco', country: 'BR', senders: /^BRADESCO$|^27888$/, names: /\bBradesco\b/i },
  { id: 'br.bb', name: 'Banco do Brasil', country: 'BR', senders: /^(?:BB|BANCO DO BRASIL)$/, names: /\bBanco do Brasil\b/i },
  { id: 'br.caixa', name: 'Caixa', country: 'BR', senders: /^CAIXA$/, names: /\bCAIXA\b/i },
  { id: 'br.santander', name: 'Santander Brasil', country: 'BR', senders: /^SANTANDER BR$/, names: /\bSantander\b.*\bR\$/i },
  { id: 'br.inter', name: 'Banco Inter', country: 'BR', senders: /^(?:INTER|BANCO ?INTER)$/, names: /\bBanco Inter\b/i },
  { id: 'br.c6', name: 'C6 Bank', country: 'BR', senders: /^C6 ?BANK$/, names: /\bC6 Bank\b/i },
  { id: 'br.picpay', name: 'PicPay', country: 'BR', senders: /^PICPAY$/, names: /\bPicPay\b/i, channel: 'wallet' },
  { id: 'br.mercadopago', name: 'Mercado Pago', country: 'BR', senders: /^MERCADO ?PAGO$/, names: /\bMercado Pago\b/i, channel: 'wallet' },
  { id: 'br.pix', name: 'Pix', country: 'BR', names: /\bPix\b/i, channel: 'netbanking' },
]
