// Year inference for dates written without a year: receivedAt first, then the caller's clock (options.now),
// and never the machine clock inside the core.
import t from 'tap'
import { parseMessage } from '../../src/parser/index.js'
import { handleLine } from '../../src/parser/jsonl.js'

const TEXT = 'Rs.500 debited from A/c XX1234 on 14 Mar to SWIGGY. Avl Bal Rs 2,000'

t.test('a date without a year takes the year of receivedAt', async (t) => {
  t.equal(parseMessage({ text: TEXT, sender: 'VM-HDFCBK', receivedAt: '2025-03-20T10:00:00Z' }).occurredAt, '2025-03-14')
})

t.test('receivedAt wins over now', async (t) => {
  const r = parseMessage({ text: TEXT, sender: 'VM-HDFCBK', receivedAt: '2023-03-20T10:00:00Z' }, { now: '2026-01-01T00:00:00Z' })
  t.equal(r.occurredAt, '2023-03-14')
})

t.test('without receivedAt the year comes from options.now', async (t) => {
  t.equal(parseMessage({ text: TEXT, sender: 'VM-HDFCBK' }, { now: new Date('2025-06-01T00:00:00Z') }).occurredAt, '2025-03-14')
})

t.test('a day-month still ahead of now belongs to the previous year', async (t) => {
  t.equal(parseMessage({ text: TEXT, sender: 'VM-HDFCBK' }, { now: '2025-02-01T00:00:00Z' }).occurredAt, '2024-03-14')
})

t.test('without receivedAt or now the core does not guess a year', async (t) => {
  const r = parseMessage({ text: TEXT, sender: 'VM-HDFCBK' })
  t.equal(r.isTransaction, true)
  t.equal(r.occurredAt, null)
})

t.test('an invalid now is ignored rather than throwing', async (t) => {
  t.equal(parseMessage({ text: TEXT, sender: 'VM-HDFCBK' }, { now: 'not a date' }).occurredAt, null)
})

t.test('the CLI line handler infers the year from its clock when receivedAt is missing', async (t) => {
  const out = handleLine(JSON.stringify({ id: 'x', text: TEXT, sender: 'VM-HDFCBK' }), new Date('2024-12-01T00:00:00Z'))
  t.equal((JSON.parse(out ?? '{}') as { result: { occurredAt: string } }).result.occurredAt, '2024-03-14')
})

t.test('a full date in the text never depends on the clock', async (t) => {
  const text = 'Rs.500 debited from A/c XX1234 on 14-03-2022 to SWIGGY'
  t.equal(parseMessage({ text, sender: 'VM-HDFCBK' }, { now: '2030-01-01T00:00:00Z' }).occurredAt, '2022-03-14')
})
