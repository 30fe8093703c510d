import t from 'tap'
import { parseMessage } from '../../src/parser/index.js'
import { formatAmount, parseNumber, sameAmount, scanMoney } from '../../src/parser/money.js'

t.test('reads Indian, Western, European and space-grouped numbers', async (t) => {
  t.equal(parseNumber('1,23,456.78', 'INR'), '123456.78')
  t.equal(parseNumber('1,234,567.89', 'USD'), '1234567.89')
  t.equal(parseNumber('1.234,56', 'EUR'), '1234.56')
  t.equal(parseNumber('1 234,56', 'EUR'), '1234.56')
  t.equal(parseNumber('12,50', 'EUR'), '12.50')
  t.equal(parseNumber('150.000', 'IDR'), '150000')
  t.equal(parseNumber('12.345', 'KWD'), '12.345')
  t.equal(parseNumber('1,000', 'USD'), '1000')
  t.equal(parseNumber('007', 'USD'), '7')
  t.equal(parseNumber('abc', 'USD'), null)
})

t.test('formats amounts in the currency minor units', async (t) => {
  t.equal(formatAmount('1234.5', 'INR'), '1234.50')
  t.equal(formatAmount('1500', 'JPY'), '1500')
  t.equal(formatAmount('1500.00', 'JPY'), '1500')
  t.equal(formatAmount('12.345', 'KWD'), '12.345')
  t.equal(formatAmount('7', 'BHD'), '7.000')
})

t.test('amount before or after the currency, with or without decimals', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['Rs 500 debited from a/c XX1234', '500.00', 'INR'],
    ['INR5,000 debited from a/c XX1234', '5000.00', 'INR'],
    ['₹1,23,456.78 debited from a/c XX1234', '123456.78', 'INR'],
    ['45.00 SAR debited from card 1234', '45.00', 'SAR'],
    ['Kartenzahlung über 1.234,56 EUR bei REWE', '1234.56', 'EUR'],
    ['You spent ¥1,500 at LAWSON', '1500', 'JPY'],
    ['KWD 12.345 debited from your account 1234', '12.345', 'KWD'],
  ]
  for (const [text, amount, currency] of cases) {
    const r = parseMessage({ text })
    t.same([r.amount, r.currency], [amount, currency], text)
  }
})

t.test('a balance mentioned before the amount is not taken as the amount', async (t) => {
  const r = parseMessage({ text: 'Avl Bal Rs 12,345.00 after debit of Rs 500.00 from A/c XX1234 on 12-03-24 at SWIGGY', sender: 'VM-HDFCBK' })
  t.equal(r.amount, '500.00')
  t.equal(r.balance, '12345.00')
  const r2 = parseMessage({
    text: 'Your available balance is INR 9,000.00. INR 250.00 was debited from A/c XX1234 for UPI txn to swiggy@icici',
    sender: 'AD-ICICIB',
  })
  t.equal(r2.amount, '250.00')
  t.equal(r2.balance, '9000.00')
})

t.test('a bare dollar sign resolves by the sender country', async (t) => {
  t.equal(parseMessage({ text: 'A purchase of $20.00 was made at COLES with your card ending 1234', sender: 'ANZ' }).currency, 'AUD')
  t.equal(parseMessage({ text: 'A purchase of $20.00 was made at LOBLAWS with your card ending 1234', sender: 'RBC' }).currency, 'CAD')
  t.equal(parseMessage({ text: 'A purchase of $20.00 was made at TARGET with your card ending 1234', sender: 'Chase' }).currency, 'USD')
  t.equal(parseMessage({ text: 'A purchase of $20.00 was made at GRAB with your card ending 1234', sender: 'DBS' }).currency, 'SGD')
})

t.test('Devanagari and Arabic-Indic digits are normalised', async (t) => {
  const r = parseMessage({ text: 'Rs ५००.०० debited from A/c XX१२३४ on १२-०३-२४', sender: 'VM-HDFCBK', receivedAt: '2024-03-13T00:00:00Z' })
  t.same([r.amount, r.accountLast4, r.occurredAt], ['500.00', '1234', '2024-03-12'])
  const a = parseMessage({ text: 'شراء مبلغ SAR ٤٥٫٥٠ بطاقة 1234', sender: 'AlRajhiBank' })
  t.equal(a.amount, '45.50')
})

t.test('an ISO code written after a dollar sum names the currency; without one the sender country decides', async (t) => {
  t.equal(parseMessage({ text: 'Compra por $1,020.50 MXN en SORIANA con tu tarjeta *1122', sender: 'BBVA' }).currency, 'MXN')
  t.equal(parseMessage({ text: 'JANE DOE sent you $20.00 (CAD) via e-Transfer' }).currency, 'CAD')
  t.equal(parseMessage({ text: 'Compra por $1,020.50 en SORIANA con tu tarjeta *1122', sender: 'Chase' }).currency, 'USD')
  // A CR/DR marker after the sum is a direction, not a currency code.
  const marked = scanMoney('Acct *1234 $55.00 CR on 03/12')
  t.same(
    marked.map((m) => [m.currency, m.marker]),
    [['$', 'credit']],
  )
})

t.test('currency symbols written after the number (yen, won, dong) count; a lone letter after it does not', async (t) => {
  const yen = parseMessage({ text: 'Card use 3,400円 at FAMILYMART' })
  t.same([yen.amount, yen.currency], ['3400', 'JPY'])
  t.same(
    scanMoney('45,000원 일시불').map((m) => [m.raw, m.currency]),
    [['45,000', 'KRW']],
  )
  t.same(
    scanMoney('Thanh toan 250.000₫ tai CIRCLE K').map((m) => m.currency),
    ['VND'],
  )
  t.same(scanMoney('Order 12 R ready, seat 4 P'), [])
})

t.test('a Korean or Japanese balance label marks the balance, not the amount', async (t) => {
  const r = parseMessage({
    text: '[Web발신]\n우리카드(4321)승인\n잔액 120,000원\n8,000원 일시불\n03/12 08:10 파리바게뜨',
    sender: '15885000',
    receivedAt: '2024-03-13T00:00:00Z',
  })
  t.same([r.amount, r.balance, r.currency], ['8000', '120000', 'KRW'])
})

t.test('sameAmount compares decimal strings as digits, never as floats', async (t) => {
  t.ok(sameAmount('1250', '1250.00'))
  t.ok(sameAmount('01250.0', '1250'))
  t.ok(sameAmount('0.30', '0.3'))
  t.ok(sameAmount('0', '0.000'))
  t.notOk(sameAmount('1250.01', '1250.1'))
  // Float comparison would call these equal: both round to the same double.
  t.notOk(sameAmount('9007199254740993', '9007199254740992'))
  t.notOk(sameAmount('123456789012345.6781', '123456789012345.6782'))
  for (const junk of ['', '1,250.00', '1e3', '-5', 'NaN', 'Infinity', '.5']) t.notOk(sameAmount(junk, junk), `${JSON.stringify(junk)} equals nothing`)
})
