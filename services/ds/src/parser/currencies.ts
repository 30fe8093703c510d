// Currency vocabulary: how currencies are written in messages. Minor units come from the event kit's
// ISO 4217 table (shared with expense-service).
import { minorUnits as isoMinorUnits } from '@expenses/events/contracts'

/** Marker for a bare "$" whose currency depends on the country (USD, CAD, AUD, SGD...). */
export const DOLLAR = '$'

/**
 * Written forms -> ISO code. Order does not matter: the scanner sorts by length so "US$" wins over "$"
 * and "R$" over "R". Tokens in CASE_SENSITIVE only count when written exactly (a lone "R" or "P" in
 * lower case is a word, not a currency).
 */
export const CURRENCY_TOKENS: ReadonlyArray<readonly [string, string]> = [
  ['₹', 'INR'],
  ['Rs.', 'INR'],
  ['Rs', 'INR'],
  ['INR', 'INR'],
  ['Re.', 'INR'],
  ['Rupees', 'INR'],
  ['US$', 'USD'],
  ['USD', 'USD'],
  ['$', DOLLAR],
  ['A$', 'AUD'],
  ['AU$', 'AUD'],
  ['AUD', 'AUD'],
  ['C$', 'CAD'],
  ['CA$', 'CAD'],
  ['CAD', 'CAD'],
  ['S$', 'SGD'],
  ['SGD', 'SGD'],
  ['NZ$', 'NZD'],
  ['NZD', 'NZD'],
  ['HK$', 'HKD'],
  ['HKD', 'HKD'],
  ['R$', 'BRL'],
  ['BRL', 'BRL'],
  ['MX$', 'MXN'],
  ['MXN', 'MXN'],
  ['£', 'GBP'],
  ['GBP', 'GBP'],
  ['€', 'EUR'],
  ['EUR', 'EUR'],
  ['EURO', 'EUR'],
  ['EUROS', 'EUR'],
  ['AED', 'AED'],
  ['Dhs', 'AED'],
  ['Dhs.', 'AED'],
  ['د.إ', 'AED'],
  ['SAR', 'SAR'],
  ['SR', 'SAR'],
  ['ر.س', 'SAR'],
  ['ريال', 'SAR'],
  ['KES', 'KES'],
  ['Ksh', 'KES'],
  ['Ksh.', 'KES'],
  ['Kshs', 'KES'],
  ['Kshs.', 'KES'],
  ['KShs', 'KES'],
  ['NGN', 'NGN'],
  ['₦', 'NGN'],
  ['ZAR', 'ZAR'],
  ['R', 'ZAR'],
  ['PHP', 'PHP'],
  ['Php', 'PHP'],
  ['₱', 'PHP'],
  ['P', 'PHP'],
  ['RM', 'MYR'],
  ['MYR', 'MYR'],
  ['Rp', 'IDR'],
  ['Rp.', 'IDR'],
  ['IDR', 'IDR'],
  ['JPY', 'JPY'],
  ['¥', 'JPY'],
  ['円', 'JPY'],
  ['KRW', 'KRW'],
  ['₩', 'KRW'],
  ['원', 'KRW'],
  ['CNY', 'CNY'],
  ['RMB', 'CNY'],
  ['KWD', 'KWD'],
  ['BHD', 'BHD'],
  ['OMR', 'OMR'],
  ['QAR', 'QAR'],
  ['QR', 'QAR'],
  ['JOD', 'JOD'],
  ['EGP', 'EGP'],
  ['PKR', 'PKR'],
  ['LKR', 'LKR'],
  ['BDT', 'BDT'],
  ['Tk', 'BDT'],
  ['৳', 'BDT'],
  ['NPR', 'NPR'],
  ['CHF', 'CHF'],
  ['SEK', 'SEK'],
  ['kr', 'SEK'],
  ['kr.', 'SEK'],
  ['NOK', 'NOK'],
  ['DKK', 'DKK'],
  ['PLN', 'PLN'],
  ['zł', 'PLN'],
  ['CZK', 'CZK'],
  ['HUF', 'HUF'],
  ['TRY', 'TRY'],
  ['₺', 'TRY'],
  ['THB', 'THB'],
  ['฿', 'THB'],
  ['VND', 'VND'],
  ['₫', 'VND'],
  ['GHS', 'GHS'],
  ['GH₵', 'GHS'],
  ['UGX', 'UGX'],
  ['TZS', 'TZS'],
  ['ZMW', 'ZMW'],
  ['RWF', 'RWF'],
  ['MAD', 'MAD'],
  ['XOF', 'XOF'],
  ['XAF', 'XAF'],
  ['ETB', 'ETB'],
  ['ILS', 'ILS'],
  ['₪', 'ILS'],
  ['RUB', 'RUB'],
  ['₽', 'RUB'],
  ['UAH', 'UAH'],
  ['₴', 'UAH'],
  ['TWD', 'TWD'],
  ['NT$', 'TWD'],
  ['CLP', 'CLP'],
  ['COP', 'COP'],
  ['ARS', 'ARS'],
  ['PEN', 'PEN'],
  ['S/', 'PEN'],
]

/** Tokens that must match case exactly (short ones that collide with ordinary words). */
export const CASE_SENSITIVE = new Set(['P', 'kr', 'kr.', 'R', 'SR', 'RM', 'Rp', 'Rp.', 'Tk', 'QR', 'S/', 'Re.', 'Dhs', 'Dhs.', 'Php'])

/** ISO 4217 minor-unit exponent (the event kit's table; 2 when the currency is not known yet). */
export function minorUnits(currency: string | null): number {
  return currency === null ? 2 : isoMinorUnits(currency)
}

export function isThreeDecimal(currency: string | null): boolean {
  return currency !== null && isoMinorUnits(currency) === 3
}

/**
 * Currencies whose locales write "1.234" for one thousand. Used to break the tie on a single "." followed
 * by exactly three digits.
 */
export const DOT_GROUPING = new Set([
  'IDR',
  'EUR',
  'BRL',
  'VND',
  'CLP',
  'COP',
  'ARS',
  'TRY',
  'DKK',
  'NOK',
  'IDR',
  'CHF',
  'PYG',
  'ISK',
  'HUF',
  'CZK',
  'PLN',
  'SEK',
])
