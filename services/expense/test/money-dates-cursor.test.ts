import t from 'tap'
import { Prisma } from '../src/db.js'
import { decodeCursor, encodeCursor } from '../src/domain/cursor.js'
import { parseInstant, parseUpperBound } from '../src/domain/dates.js'
import { formatAmount, isKnownCurrency, minorUnits, parseAmount } from '../src/domain/money.js'

t.test('minor units follow ISO 4217', async (t) => {
  t.same(['USD', 'INR', 'EUR', 'JPY', 'KRW', 'KWD', 'BHD', 'OMR', 'JOD', 'TND', 'CLP'].map(minorUnits), [2, 2, 2, 0, 0, 3, 3, 3, 3, 3, 0])
  t.ok(isKnownCurrency('INR'))
  t.notOk(isKnownCurrency('XYZ'))
  t.notOk(isKnownCurrency('usd'), 'codes are upper case')
})

t.test('parseAmount accepts exact positive decimals and canonicalises them', async (t) => {
  t.same(parseAmount('1250', 'USD'), { ok: true, value: '1250.00' })
  t.same(parseAmount('1250.5', 'USD'), { ok: true, value: '1250.50' })
  t.same(parseAmount('007.25', 'EUR'), { ok: true, value: '7.25' })
  t.same(parseAmount('1250', 'JPY'), { ok: true, value: '1250' })
  t.same(parseAmount('1.25', 'KWD'), { ok: true, value: '1.250' })
  t.same(parseAmount('999999999999999.99', 'USD'), { ok: true, value: '999999999999999.99' })
})

t.test('parseAmount rejects what would need rounding or is not a positive decimal', async (t) => {
  const code = (raw: string, currency: string) => {
    const r = parseAmount(raw, currency)
    return r.ok ? 'ok' : r.problem.code
  }
  t.equal(code('10.001', 'USD'), 'too_many_decimals')
  t.equal(code('100.5', 'JPY'), 'too_many_decimals')
  t.equal(code('100.00', 'JPY'), 'too_many_decimals', 'strict: JPY has no decimal places at all')
  t.equal(code('1.2345', 'KWD'), 'too_many_decimals')
  t.equal(code('0', 'USD'), 'not_positive')
  t.equal(code('0.00', 'USD'), 'not_positive')
  t.equal(code('-5', 'USD'), 'not_decimal')
  t.equal(code('1e3', 'USD'), 'not_decimal')
  t.equal(code('1,000.00', 'USD'), 'not_decimal')
  t.equal(code(' 5', 'USD'), 'not_decimal')
  t.equal(code('.5', 'USD'), 'not_decimal')
  t.equal(code('1000000000000000', 'USD'), 'too_large')
})

t.test('formatAmount uses the currency minor units and never rounds a stored value', async (t) => {
  t.equal(formatAmount(new Prisma.Decimal('1250.5'), 'USD'), '1250.50')
  t.equal(formatAmount(new Prisma.Decimal('1250'), 'JPY'), '1250')
  t.equal(formatAmount(new Prisma.Decimal('1.25'), 'KWD'), '1.250')
  t.equal(formatAmount(new Prisma.Decimal('100.5'), 'JPY'), '100.5', 'an odd stored value keeps its digits')
  t.equal(formatAmount(new Prisma.Decimal('-12.3'), 'INR'), '-12.30')
  t.equal(formatAmount(new Prisma.Decimal('0.1').plus('0.2'), 'USD'), '0.30', 'decimal arithmetic, not float')
})

t.test('parseInstant reads ISO dates and date-times, in UTC or the given zone', async (t) => {
  const iso = (raw: string, tz?: string) => {
    const r = parseInstant(raw, tz)
    return r.ok ? r.date.toISOString() : r.message
  }
  t.equal(iso('2024-03-05'), '2024-03-05T00:00:00.000Z')
  t.equal(iso('2024-03-05T14:30:00Z'), '2024-03-05T14:30:00.000Z')
  t.equal(iso('2024-03-05T20:00:00+05:30'), '2024-03-05T14:30:00.000Z')
  t.equal(iso('2024-03-05T14:30:00.123456Z'), '2024-03-05T14:30:00.123Z')
  t.equal(iso('2024-03-05T14:30'), '2024-03-05T14:30:00.000Z', 'no offset: read in UTC')
  t.equal(iso('2024-03-05', 'Asia/Kolkata'), '2024-03-04T18:30:00.000Z', 'a date starts at midnight in tz')
  t.equal(iso('2024-07-01', 'America/New_York'), '2024-07-01T04:00:00.000Z', 'daylight saving time')
  t.equal(iso('2024-01-01', 'America/New_York'), '2024-01-01T05:00:00.000Z')
  for (const bad of [
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-03-05T25:00:00Z',
    '05/03/2024',
    'yesterday',
    '2024-3-5',
    '1850-01-01',
    '2024-03-05T10:00:00+25:00',
  ]) {
    t.notOk(parseInstant(bad).ok, `${bad} is rejected`)
  }
})

t.test('a date as upper bound means the end of that day', async (t) => {
  const r = parseUpperBound('2024-03-05')
  t.equal(r.ok && r.date.toISOString(), '2024-03-05T23:59:59.999Z')
  const k = parseUpperBound('2024-03-05', 'Asia/Kolkata')
  t.equal(k.ok && k.date.toISOString(), '2024-03-05T18:29:59.999Z')
  const dt = parseUpperBound('2024-03-05T10:00:00Z')
  t.equal(dt.ok && dt.date.toISOString(), '2024-03-05T10:00:00.000Z', 'a date-time is itself')
  const dec = parseUpperBound('2024-12-31')
  t.equal(dec.ok && dec.date.toISOString(), '2024-12-31T23:59:59.999Z', 'year end rolls over correctly')
})

t.test('cursors round-trip, and any edit makes them invalid', async (t) => {
  const position = { occurredAt: new Date('2024-03-05T14:30:00.123Z'), id: '0f8fad5b-d9cb-469f-a165-70867728950e' }
  const cursor = encodeCursor(position)
  t.match(cursor, /^[A-Za-z0-9_-]+$/, 'base64url')
  t.same(decodeCursor(cursor), position)
  for (let i = 0; i < cursor.length; i++) {
    const c = cursor[i] === 'A' ? 'B' : 'A'
    const edited = cursor.slice(0, i) + c + cursor.slice(i + 1)
    if (decodeCursor(edited) !== null) t.fail(`editing character ${i} went unnoticed`)
  }
  t.equal(decodeCursor(cursor.slice(0, -2)), null, 'truncated')
  t.equal(decodeCursor(`${cursor}AA`), null, 'extended')
  t.equal(
    decodeCursor(Buffer.from('2024-03-05T14:30:00.123Z|0f8fad5b-d9cb-469f-a165-70867728950e|xxxxxxxxxx').toString('base64url')),
    null,
    'forged without checksum',
  )
  t.equal(decodeCursor('not a cursor!'), null)
  t.equal(decodeCursor(''), null)
})
