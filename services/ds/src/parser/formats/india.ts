import type { InstitutionFormat } from './types.js'

// Indian senders are DLT headers ("VM-HDFCBK"); the normaliser strips the operator prefix/suffix.
export const INDIA: readonly InstitutionFormat[] = [
  {
    id: 'in.hdfc',
    name: 'HDFC Bank',
    country: 'IN',
    senders: /^HDFC(?:BK|BN|CC|SMS)$/,
    names: /\bHDFC\s?Bank\b/i,
    patterns: [
      {
        id: 'in.hdfc.upi_sent',
        type: 'debit',
        channel: 'upi',
        re: /^Sent (?:Rs\.?|INR|₹) ?(?<amount>[\d,]{1,15}(?:\.\d{1,2})?)\s+From HDFC Bank A\/C [*xX]{0,6}(?<account>\d{3,6})\s+To (?<merchant>[^\n]{1,60}?)\s+On (?<date>\d{2}\/\d{2}\/\d{2,4})\s+Ref (?<ref>\d{6,20})/i,
      },
      {
        id: 'in.hdfc.card_spent',
        type: 'debit',
        channel: 'card',
        re: /^Spent (?:Rs\.?|INR|₹) ?(?<amount>[\d,]{1,15}(?:\.\d{1,2})?)\s+On HDFC Bank (?:Credit |Debit )?Card [*xX]{0,6}(?<account>\d{4})\s+At (?<merchant>[^\n]{1,60}?)\s+On (?<date>\d{4}-\d{2}-\d{2})/i,
      },
    ],
  },
  {
    id: 'in.icici',
    name: 'ICICI Bank',
    country: 'IN',
    senders: /^ICICI[A-Z]{0,2}$|^ICICIB$/,
    names: /\bICICI\s?Bank\b/i,
    patterns: [
      {
        id: 'in.icici.upi_debit',
        type: 'debit',
        channel: 'upi',
        re: /ICICI Bank Acc(?:oun)?t X{1,6}(?<account>\d{3,6}) debited (?:for|with) (?:Rs\.?|INR) ?(?<amount>[\d,]{1,15}(?:\.\d{1,2})?) on (?<date>\d{1,2}-[A-Za-z]{3}-\d{2,4}); (?<merchant>[^\n;]{1,60}?) credited\. UPI:(?<ref>\d{6,20})/i,
      },
    ],
  },
  { id: 'in.sbi', name: 'State Bank of India', country: 'IN', senders: /^(?:SBI[A-Z]{0,4}|CBSSBI|ATMSBI|SBIPSG)$/, names: /\bSBI\b|State Bank of India/i },
  { id: 'in.sbicard', name: 'SBI Card', country: 'IN', senders: /^SBI(?:CRD|CARD)$|^SBMCRD$/, names: /\bSBI Card\b/i },
  {
    id: 'in.axis',
    name: 'Axis Bank',
    country: 'IN',
    senders: /^AXIS(?:BK|BN|MF)$/,
    names: /\bAxis\s?Bank\b/i,
    patterns: [
      {
        // Multi-line card alert: Spent / Card no. XX1234 / INR 1500 / 12-03-24 10:11:12 / MERCHANT / Avl Lmt ...
        id: 'in.axis.card_spent_lines',
        type: 'debit',
        channel: 'card',
        re: /^Spent\nCard no\. ?[xX*]{0,6}(?<account>\d{4})\n(?:INR|Rs\.?) ?(?<amount>[\d,]{1,15}(?:\.\d{1,2})?)\n(?<date>\d{2}-\d{2}-\d{2,4})[^\n]{0,12}\n(?<merchant>[^\n]{1,60})\n/,
      },
    ],
  },
  { id: 'in.kotak', name: 'Kotak Mahindra Bank', country: 'IN', senders: /^KOTAK[A-Z]?$|^KOTAKB$/, names: /\bKotak\b/i },
  { id: 'in.pnb', name: 'Punjab National Bank', country: 'IN', senders: /^PNB(?:SMS|BNK|ONE)$/, names: /\bPNB\b|Punjab National Bank/i },
  { id: 'in.bob', name: 'Bank of Baroda', country: 'IN', senders: /^BOB(?:TXN|SMS|BNK)$|^BARODA$/, names: /\bBank of Baroda\b|-BOB\b/ },
  { id: 'in.canara', name: 'Canara Bank', country: 'IN', senders: /^CANBNK$|^CANARA$/, names: /\bCanara Bank\b/i },
  { id: 'in.union', name: 'Union Bank of India', country: 'IN', senders: /^UNIONB$|^UBOI[A-Z]{0,2}$/, names: /\bUnion Bank\b/i },
  { id: 'in.indusind', name: 'IndusInd Bank', country: 'IN', senders: /^INDUS[A-Z]{0,2}$/, names: /\bIndusInd\b/i },
  { id: 'in.yes', name: 'Yes Bank', country: 'IN', senders: /^YESBNK$|^YESBK$/, names: /\bYES\s?BANK\b/i },
  { id: 'in.idfc', name: 'IDFC First Bank', country: 'IN', senders: /^IDFCFB$|^IDFCBK$/, names: /\bIDFC\s?FIRST\b/i },
  { id: 'in.federal', name: 'Federal Bank', country: 'IN', senders: /^FEDBNK$|^FEDFIB$/, names: /\bFederal Bank\b/i },
  { id: 'in.au', name: 'AU Small Finance Bank', country: 'IN', senders: /^AUBANK$|^AUSFBL$/, names: /\bAU (?:Small Finance )?Bank\b/i },
  { id: 'in.idbi', name: 'IDBI Bank', country: 'IN', senders: /^IDBIBK$/, names: /\bIDBI Bank\b/i },
  { id: 'in.boi', name: 'Bank of India', country: 'IN', senders: /^BOIIND$|^BOISMS$/, names: /\bBank of India\b/i },
  { id: 'in.indianbank', name: 'Indian Bank', country: 'IN', senders: /^INDBNK$/, names: /\bIndian Bank\b/i },
  { id: 'in.rbl', name: 'RBL Bank', country: 'IN', senders: /^RBLBNK$|^RBLCRD$/, names: /\bRBL Bank\b/i },
  { id: 'in.amexin', name: 'American Express India', country: 'IN', senders: /^AMEXIN$/, names: /\bAmex(?:IN)?\b/i },
  { id: 'in.onecard', name: 'OneCard', country: 'IN', senders: /^ONECRD$|^ONECARD$/, names: /\bOneCard\b/i },
  { id: 'in.paytm', name: 'Paytm', country: 'IN', senders: /^(?:I?PAYTM[A-Z]?|PYTMBK|PAYTMB)$/, names: /\bPaytm\b/i },
  { id: 'in.phonepe', name: 'PhonePe', country: 'IN', senders: /^PHONPE$|^PHONEPE$/, names: /\bPhonePe\b/i, channel: 'upi' },
  { id: 'in.gpay', name: 'Google Pay', country: 'IN', senders: /^GPAY(?:IN)?$|^GOOGLEPAY$|^GOOGLE PAY$/, names: /\bGoogle Pay\b|\bGPay\b/i, channel: 'upi' },
  { id: 'in.amazonpay', name: 'Amazon Pay', country: 'IN', senders: /^AMZNPY$|^AMAZONPAY$|^AMAZON PAY$|^APAY[A-Z]{0,2}$/, names: /\bAmazon Pay\b/i },
  { id: 'in.mobikwik', name: 'MobiKwik', country: 'IN', senders: /^MOBIKW$|^MOBIKWIK$/, names: /\bMobiKwik\b/i, channel: 'wallet' },
]
