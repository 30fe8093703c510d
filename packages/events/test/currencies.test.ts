import t from 'tap'
import { isKnownCurrency, minorUnits } from '@expenses/events'

/** What CLDR (through Intl) says a currency's display digits are. */
const cldrDigits = (code: string) => new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits

/**
 * Currencies whose ISO 4217 minor units differ from CLDR's display digits, with ISO's value. CLDR shows
 * these without decimals (or, for IQD, with none instead of 3); ISO, banks' statements and stored
 * amounts keep them. A currency that starts to differ after an ICU update fails the test below and
 * gets checked against ISO 4217 and added here.
 */
const ISO_DIFFERS_FROM_CLDR: Record<string, number> = {
  AFN: 2,
  ALL: 2,
  COP: 2,
  HUF: 2,
  IDR: 2,
  IQD: 3,
  IRR: 2,
  KPW: 2,
  LAK: 2,
  LBP: 2,
  MGA: 2,
  MMK: 2,
  PKR: 2,
  SLL: 2,
  SOS: 2,
  SYP: 2,
  YER: 2,
}

t.test('minor units agree with Intl wherever ISO and CLDR agree, and take ISO where they do not', async (t) => {
  const codes = Intl.supportedValuesOf('currency')
  t.ok(codes.length > 100, `${codes.length} currencies known to this runtime`)
  const disagreements: string[] = []
  for (const code of codes) {
    const expected = ISO_DIFFERS_FROM_CLDR[code] ?? cldrDigits(code)
    if (minorUnits(code) !== expected) disagreements.push(`${code}: table ${minorUnits(code)}, expected ${expected}`)
  }
  t.same(disagreements, [], 'no currency disagrees')
})

t.test('the cases the two services once disagreed on, and the well-known ones', async (t) => {
  for (const [code, digits] of Object.entries({ BIF: 0, DJF: 0, XPF: 0, JPY: 0, KRW: 0, USD: 2, INR: 2, EUR: 2, KWD: 3, BHD: 3, IQD: 3, CLF: 4 })) {
    t.equal(minorUnits(code), digits, `${code} has ${digits}`)
  }
})

t.test('known currencies are ISO codes in use; test and metal codes are not', async (t) => {
  for (const code of ['USD', 'INR', 'EUR', 'JPY', 'KES', 'XOF']) t.ok(isKnownCurrency(code), `${code} is known`)
  for (const code of ['XXX', 'XTS', 'XAU', 'usd', 'US', 'ABC', '']) t.notOk(isKnownCurrency(code), `${JSON.stringify(code)} is not`)
})
