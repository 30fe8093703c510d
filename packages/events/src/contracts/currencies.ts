/**
 * ISO 4217: which codes are currencies and how many minor-unit digits each has. The one table, shared by
 * the parser (ds-service, which reads amounts out of messages) and expense-service (which stores them),
 * so that both agree on what "JPY 1250" or "KWD 1.250" means. Amounts carried by events are decimal
 * strings in these units.
 */

/** Codes the runtime's ICU knows as currencies in use (no test or metal codes such as XXX, XTS, XAU). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))

/**
 * ISO 4217 minor units that are not 2. An explicit table, not read from Intl: CLDR's display digits
 * differ from ISO for several currencies (IQD, IDR, HUF, PKR ...; test/currencies.test.ts lists them),
 * and stored data must not change meaning with the ICU version.
 */
const ZERO_DECIMAL: ReadonlySet<string> = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
])
const THREE_DECIMAL: ReadonlySet<string> = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'])
const FOUR_DECIMAL: ReadonlySet<string> = new Set(['CLF', 'UYW'])

/** True for an ISO 4217 code of a currency in use. */
export function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code)
}

/** Number of fractional digits of the currency's minor unit (2 for most, 0 for JPY, 3 for KWD, 4 for CLF). */
export function minorUnits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0
  if (THREE_DECIMAL.has(currency)) return 3
  if (FOUR_DECIMAL.has(currency)) return 4
  return 2
}
