// Seeded property/fuzz tests: random and hostile strings never throw, keep the result shape, and are fast.
import fc from 'fast-check'
import t from 'tap'
import { parseMessage, type ParseResult } from '../../src/parser/index.js'

const CHANNELS = new Set([null, 'upi', 'card', 'neft', 'imps', 'rtgs', 'atm', 'netbanking', 'wallet', 'ach', 'mobile_money'])
// A loose safety bound, not a benchmark: a single parse must never approach this.
const PER_CALL_LIMIT_MS = 50

function assertShape(r: ParseResult): void {
  if (typeof r.isTransaction !== 'boolean') throw new Error('isTransaction')
  if (r.amount !== null && !/^\d+(?:\.\d+)?$/.test(r.amount)) throw new Error(`amount ${r.amount}`)
  if (r.balance !== null && !/^\d+(?:\.\d+)?$/.test(r.balance)) throw new Error(`balance ${r.balance}`)
  if (r.type !== null && r.type !== 'debit' && r.type !== 'credit') throw new Error('type')
  if (r.currency !== null && !/^[A-Z]{3}$/.test(r.currency)) throw new Error(`currency ${r.currency}`)
  if (r.occurredAt !== null && !/^\d{4}-\d{2}-\d{2}$/.test(r.occurredAt)) throw new Error('occurredAt')
  if (!CHANNELS.has(r.channel)) throw new Error('channel')
  if (!(r.confidence >= 0 && r.confidence <= 1)) throw new Error('confidence')
  if (r.isTransaction === (r.rejectReason !== null)) throw new Error('rejectReason must be set exactly when not a transaction')
}

// CPU time of this process, not wall time: the test machine is shared, and a descheduled process is not a
// slow parser. Catastrophic backtracking burns CPU, so it is still caught.
function timeOnce(text: string, sender?: string): [ParseResult, number] {
  const start = process.cpuUsage()
  const r = parseMessage({ text, sender, receivedAt: '2024-03-13T00:00:00Z' })
  const d = process.cpuUsage(start)
  return [r, (d.user + d.system) / 1e3]
}

function timed(text: string, sender?: string): ParseResult {
  let [r, ms] = timeOnce(text, sender)
  // V8 compiles (and later re-compiles to native code) each regex on first use; a slow first call is
  // re-measured once. Catastrophic backtracking would be slow both times.
  if (ms > PER_CALL_LIMIT_MS) [r, ms] = timeOnce(text, sender)
  if (ms > PER_CALL_LIMIT_MS) throw new Error(`took ${ms.toFixed(1)} ms for input of length ${text.length}`)
  return r
}

const fragments = [
  'Rs.',
  'INR ',
  '₹',
  '$',
  '€',
  '£',
  'R',
  'RM',
  'Rp ',
  'Ksh',
  'debited',
  'credited',
  'from A/c XX',
  'to VPA ',
  '@okicici',
  ' on ',
  '12-03-24',
  'Avl Bal ',
  'OTP ',
  'UPI Ref No ',
  'at ',
  'card ending ',
  '1,23,456.78',
  '1.234,56',
  '1 234,56',
  '\n',
  ' ',
  ',',
  '.',
  '-',
  '*',
  'X',
  '९',
  '٣',
  '\u200f',
  '\u200b',
  '🍔',
]

t.test('random strings never throw and keep the result shape', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), fc.option(fc.string({ maxLength: 30 })), (text, sender) => {
      assertShape(timed(text, sender ?? undefined))
    }),
    { seed: 424242, numRuns: 2000 },
  )
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...fragments), fc.integer({ min: 0, max: 999999 }).map(String)), { maxLength: 60 }), (parts) => {
      assertShape(timed(parts.join('')))
    }),
    { seed: 1337, numRuns: 3000 },
  )
  t.pass('5000 random messages parsed')
})

t.test('hostile inputs are bounded and safe', async (t) => {
  const hostile = [
    'Rs ' + '1,'.repeat(50000),
    'a'.repeat(1_000_000),
    'Rs.500 debited '.repeat(70000),
    '\u0000\u0001\u0002\u0007'.repeat(10000) + 'Rs 500 debited',
    '\u202e\u200f₹५००.०० debited from A/c XX१२३४\u200f',
    '🍔'.repeat(100000),
    '1.'.repeat(100000),
    'ending ' + 'X'.repeat(100000) + '1234',
    'to ' + 'a'.repeat(5000) + '@' + 'b'.repeat(5000),
    'OTP ' + ' '.repeat(100000) + '123456',
    '\ud800\udc00\ud800 Rs 5 debited',
    'Info: ' + 'NEFT-'.repeat(20000),
    // every number is looked up for a currency on both sides, and labelled amounts are read backwards
    '1 '.repeat(100000),
    'Rs1'.repeat(50000),
    'amt: 5 '.repeat(30000),
    '-'.repeat(5000) + 'Rs' + '-'.repeat(5000) + '500',
    'bal ' + '9'.repeat(200000),
    // dates with words in place of months, and sentence ends for the type cues
    '12 ' + 'abcdefghij '.repeat(20000),
    'debited. '.repeat(30000) + 'Rs 5',
    '٠١٢٣٤٥٦٧٨٩'.repeat(20000),
  ]
  for (const h of hostile) {
    const r = timed(h)
    assertShape(r)
  }
  t.pass('hostile inputs handled')
  const weird: unknown[] = [undefined, null, 42, {}, []]
  for (const w of weird) assertShape(parseMessage({ text: w as string, sender: w as string, receivedAt: w as string }))
  t.pass('non-string inputs handled')
})
