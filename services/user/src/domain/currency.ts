/** ISO 4217 currencies: which codes are real, and which one a new profile defaults to. */

export const FALLBACK_CURRENCY = 'USD'

/** Codes the runtime's ICU knows (ISO 4217), e.g. INR, USD; made-up codes such as XYZ are not among them. */
const knownCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code)
}

/**
 * ITU-T E.164 country calling code -> the country's currency, for the markets we expect users from.
 * Calling codes are a prefix code (no code is a prefix of another), so the first match while reading
 * digits left to right is the only match. Shared codes map to the dominant currency (+1 -> USD).
 */
const currencyByCallingCode: ReadonlyMap<string, string> = new Map([
  ['1', 'USD'],
  ['7', 'RUB'],
  ['20', 'EGP'],
  ['27', 'ZAR'],
  ['30', 'EUR'],
  ['31', 'EUR'],
  ['32', 'EUR'],
  ['33', 'EUR'],
  ['34', 'EUR'],
  ['39', 'EUR'],
  ['41', 'CHF'],
  ['43', 'EUR'],
  ['44', 'GBP'],
  ['45', 'DKK'],
  ['46', 'SEK'],
  ['47', 'NOK'],
  ['48', 'PLN'],
  ['49', 'EUR'],
  ['52', 'MXN'],
  ['55', 'BRL'],
  ['60', 'MYR'],
  ['61', 'AUD'],
  ['62', 'IDR'],
  ['63', 'PHP'],
  ['64', 'NZD'],
  ['65', 'SGD'],
  ['66', 'THB'],
  ['81', 'JPY'],
  ['82', 'KRW'],
  ['84', 'VND'],
  ['86', 'CNY'],
  ['90', 'TRY'],
  ['91', 'INR'],
  ['92', 'PKR'],
  ['94', 'LKR'],
  ['234', 'NGN'],
  ['254', 'KES'],
  ['351', 'EUR'],
  ['353', 'EUR'],
  ['358', 'EUR'],
  ['852', 'HKD'],
  ['880', 'BDT'],
  ['965', 'KWD'],
  ['966', 'SAR'],
  ['968', 'OMR'],
  ['971', 'AED'],
  ['972', 'ILS'],
  ['973', 'BHD'],
  ['974', 'QAR'],
  ['977', 'NPR'],
])

/** The table itself, for the test that checks every entry is a real currency. */
export const callingCodeCurrencies: ReadonlyMap<string, string> = currencyByCallingCode

/**
 * The currency of the country a phone number belongs to, when the number is written internationally
 * (+<country code>... or 00<country code>...); undefined for national numbers and unknown codes.
 */
export function currencyForPhoneNumber(phoneNumber: string | null | undefined): string | undefined {
  const compact = phoneNumber?.replace(/[\s().-]/g, '') ?? ''
  const international = /^(?:\+|00)(\d+)$/.exec(compact)?.[1]
  if (!international) return undefined
  for (let length = 1; length <= 3; length++) {
    const currency = currencyByCallingCode.get(international.slice(0, length))
    if (currency) return currency
  }
  return undefined
}

/** A new profile's currency: inferred from the phone number's country when possible, otherwise USD. */
export function defaultCurrencyFor(phoneNumber: string | null | undefined): string {
  return currencyForPhoneNumber(phoneNumber) ?? FALLBACK_CURRENCY
}
