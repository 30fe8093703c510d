import type { InstitutionFormat } from './types.js'

// Middle East and Africa.
export const GULF: readonly InstitutionFormat[] = [
  { id: 'ae.enbd', name: 'Emirates NBD', country: 'AE', senders: /^(?:EMIRATESNBD|EMIRATES NBD|ENBD)$/, names: /\bEmirates ?NBD\b/i },
  { id: 'ae.adcb', name: 'ADCB', country: 'AE', senders: /^ADCB(?:BANK)?$/, names: /\bADCB\b/ },
  { id: 'ae.fab', name: 'First Abu Dhabi Bank', country: 'AE', senders: /^(?:FAB|FABBANK|BANKFAB)$/, names: /\bFAB\b|First Abu Dhabi/i },
  { id: 'ae.mashreq', name: 'Mashreq', country: 'AE', senders: /^MASHREQ(?:BANK)?$/, names: /\bMashreq\b/i },
  { id: 'ae.dib', name: 'Dubai Islamic Bank', country: 'AE', senders: /^DIB$/, names: /\bDubai Islamic\b/i },
  { id: 'sa.alrajhi', name: 'Al Rajhi Bank', country: 'SA', senders: /^(?:ALRAJHIBANK|AL RAJHI|ALRAJHI)$/, names: /\bAl ?Rajhi\b|الراجحي/i },
  { id: 'sa.snb', name: 'Saudi National Bank', country: 'SA', senders: /^(?:SNB|SNB-ALAHLI|ALAHLI|NCB)$/, names: /\bSNB\b|AlAhli|الأهلي/i },
  { id: 'sa.riyad', name: 'Riyad Bank', country: 'SA', senders: /^RIYAD ?BANK$/, names: /\bRiyad Bank\b|بنك الرياض/i },
  { id: 'ae.cbd', name: 'Commercial Bank of Dubai', country: 'AE', senders: /^CBD$/, names: /\bCommercial Bank of Dubai\b/i },
  { id: 'ae.adib', name: 'Abu Dhabi Islamic Bank', country: 'AE', senders: /^ADIB$/, names: /\bADIB\b/ },
  { id: 'sa.alinma', name: 'Alinma Bank', country: 'SA', senders: /^ALINMA(?: ?BANK)?$/, names: /\bAlinma\b|الإنماء/i },
  { id: 'sa.stcpay', name: 'STC Pay', country: 'SA', senders: /^STC ?PAY$/, names: /\bSTC ?Pay\b/i, channel: 'wallet' },
]

export const AFRICA: readonly InstitutionFormat[] = [
  {
    id: 'ke.mpesa',
    name: 'M-PESA (Safaricom)',
    country: 'KE',
    senders: /^M-?PESA$/,
    names: /\bM-?PESA\b/i,
    channel: 'mobile_money',
    patterns: [
      // "QCL1ABC2DE Confirmed." - the leading transaction code is the reference.
      { id: 'ke.mpesa.confirmed', re: /^(?<ref>[A-Z0-9]{10})\s+Confirmed\b/ },
    ],
  },
  { id: 'ke.equity', name: 'Equity Bank', country: 'KE', senders: /^EQUITY ?BANK$|^EQUITY$/, names: /\bEquity\b/i },
  { id: 'ke.kcb', name: 'KCB Bank', country: 'KE', senders: /^KCB$|^KCB BANK$/, names: /\bKCB\b/ },
  { id: 'ke.airtelmoney', name: 'Airtel Money', country: 'KE', senders: /^AIRTELMONEY$/, names: /\bAirtel Money\b/i, channel: 'mobile_money' },
  { id: 'ng.gtbank', name: 'GTBank', country: 'NG', senders: /^GTBANK$|^GTB$|^GTWORLD$/, names: /\bGTBank\b|\bGTB\b/i },
  { id: 'ng.access', name: 'Access Bank', country: 'NG', senders: /^ACCESSBANK$|^ACCESS$/, names: /\bAccess ?Bank\b/i },
  { id: 'ng.zenith', name: 'Zenith Bank', country: 'NG', senders: /^ZENITHBANK$|^ZENITH$/, names: /\bZenith\b/i },
  { id: 'ng.firstbank', name: 'First Bank of Nigeria', country: 'NG', senders: /^FIRSTBANK$|^FIRST BANK$/, names: /\bFirstBank\b|\bFirst Bank\b/i },
  { id: 'ng.uba', name: 'UBA', country: 'NG', senders: /^UBA$/, names: /\bUBA\b/ },
  { id: 'ng.opay', name: 'OPay', country: 'NG', senders: /^OPAY$/, names: /\bOPay\b/i, channel: 'wallet' },
  { id: 'ng.moniepoint', name: 'Moniepoint', country: 'NG', senders: /^MONIEPOINT$/, names: /\bMoniepoint\b/i },
  { id: 'ng.palmpay', name: 'PalmPay', country: 'NG', senders: /^PALMPAY$/, names: /\bPalmPay\b/i, channel: 'wallet' },
  { id: 'ng.kuda', name: 'Kuda', country: 'NG', senders: /^KUDA$/, names: /\bKuda\b/i },
  { id: 'za.fnb', name: 'FNB', country: 'ZA', senders: /^FNB$/, names: /\bFNB\b/ },
  { id: 'za.standardbank', name: 'Standard Bank', country: 'ZA', senders: /^STANDARD ?BANK$|^SBSA$/, names: /\bStandard Bank\b/i },
  { id: 'za.capitec', name: 'Capitec', country: 'ZA', senders: /^CAPITEC$/, names: /\bCapitec\b/i },
  {
    id: 'za.absa',
    name: 'Absa',
    country: 'ZA',
    senders: /^ABSA$/,
    names: /\bAbsa\b/i,
    patterns: [
      {
        // "Absa: CHEQ1234, Pur, 12/03/24 PICK N PAY, R-500.00, Available R12,345.67"
        id: 'za.absa.pur',
        type: 'debit',
        channel: 'card',
        re: /Absa: [A-Z]{2,8}(?<account>\d{4}), (?:Pur|Purchase|POS Pur), (?<date>\d{2}\/\d{2}\/\d{2,4}) (?<merchant>[^,\n]{1,60}), R-?(?<amount>[\d,]{1,15}\.\d{2})/,
      },
    ],
  },
  { id: 'za.tymebank', name: 'TymeBank', country: 'ZA', senders: /^TYME ?BANK$/, names: /\bTymeBank\b/i },
  { id: 'za.discovery', name: 'Discovery Bank', country: 'ZA', senders: /^DISCOVERY(?: BANK)?$/, names: /\bDiscovery Bank\b/i },
  { id: 'za.nedbank', name: 'Nedbank', country: 'ZA', senders: /^NEDBANK$/, names: /\bNedbank\b/i },
]
