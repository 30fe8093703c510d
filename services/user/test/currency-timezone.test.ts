import t from 'tap'
import { callingCodeCurrencies, currencyForPhoneNumber, defaultCurrencyFor, isCurrencyCode } from '../src/domain/currency.js'
import { normaliseTimeZone } from '../src/domain/timezone.js'

t.test("the default currency follows the phone number's country calling code", async (t) => {
  t.equal(defaultCurrencyFor('+919876543210'), 'INR')
  t.equal(defaultCurrencyFor('+1 (415) 555-0100'), 'USD')
  t.equal(defaultCurrencyFor('+44 20 7946 0958'), 'GBP')
  t.equal(defaultCurrencyFor('+971501234567'), 'AED')
  t.equal(defaultCurrencyFor('+4915123456789'), 'EUR')
  t.equal(defaultCurrencyFor('00919876543210'), 'INR', '00 is the international prefix too')
})

t.test('without a recognisable country code the default currency is USD', async (t) => {
  t.equal(defaultCurrencyFor(null), 'USD', 'no phone number')
  t.equal(defaultCurrencyFor('9876543210'), 'USD', 'national number: the country is unknown')
  t.equal(currencyForPhoneNumber('+999123456'), undefined, 'unassigned calling code')
  t.equal(defaultCurrencyFor('+999123456'), 'USD')
})

t.test('every currency in the calling-code table is a real ISO 4217 code', async (t) => {
  for (const [code, currency] of callingCodeCurrencies) t.ok(isCurrencyCode(currency), `+${code} -> ${currency}`)
})

t.test('calling codes in the table are prefix-free, so a number matches at most one', async (t) => {
  const codes = [...callingCodeCurrencies.keys()]
  const clashes = codes.filter((a) => codes.some((b) => a !== b && b.startsWith(a)))
  t.same(clashes, [])
})

t.test('only real, upper-case ISO 4217 codes are currencies', async (t) => {
  for (const code of ['INR', 'USD', 'EUR', 'KWD', 'JPY']) t.ok(isCurrencyCode(code), code)
  for (const code of ['XYZ', 'inr', 'US', 'USDT', '']) t.notOk(isCurrencyCode(code), code)
})

t.test('time zones: IANA names are accepted in their usual spelling, anything else is not', async (t) => {
  t.equal(normaliseTimeZone('Asia/Kolkata'), 'Asia/Kolkata')
  t.equal(normaliseTimeZone('America/New_York'), 'America/New_York')
  t.equal(normaliseTimeZone('UTC'), 'UTC')
  t.equal(normaliseTimeZone('utc'), 'UTC', 'case is normalised')
  t.equal(normaliseTimeZone('europe/london'), 'Europe/London', 'case is normalised')
  for (const bad of ['Mars/Phobos', '+05:30', 'Asia/', '', 'Not a zone', `Europe/${'x'.repeat(80)}`]) {
    t.equal(normaliseTimeZone(bad), undefined, JSON.stringify(bad))
  }
})
