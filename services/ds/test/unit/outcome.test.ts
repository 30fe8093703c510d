import t from 'tap'
import { parseMessage, type ParseResult } from '../../src/parser/index.js'
import { decideOutcome, expenseFields, expenseParsedPayload, occurredAtFor } from '../../src/domain/outcome.js'
import { applyCorrection } from '../../src/domain/corrections.js'
import { expenseParsed, validateEvent } from '@expenses/events'

const base: ParseResult = {
  isTransaction: true,
  type: 'debit',
  amount: '1250.00',
  currency: 'INR',
  merchant: 'FRESH MART',
  accountLast4: '1234',
  balance: '5000.00',
  occurredAt: '2024-03-13',
  channel: 'upi',
  reference: '407312345678',
  confidence: 0.95,
  rejectReason: null,
  format: 'in.hdfc',
}

t.test('occurredAt: the arrival time when the stated date is the arrival day anywhere on earth', async (t) => {
  const at = new Date('2024-03-13T20:00:00Z')
  t.equal(occurredAtFor('2024-03-13', at), '2024-03-13T20:00:00.000Z')
  // 20:00Z is already the 14th east of UTC+4: a message dated the 14th arrived "today" there.
  t.equal(occurredAtFor('2024-03-14', at), '2024-03-13T20:00:00.000Z')
  t.equal(occurredAtFor(null, at), '2024-03-13T20:00:00.000Z')
})

t.test('occurredAt: noon UTC on an earlier stated date; a later date or nonsense falls back to the arrival time', async (t) => {
  const at = new Date('2024-03-13T10:00:00Z')
  t.equal(occurredAtFor('2024-03-11', at), '2024-03-11T12:00:00.000Z')
  t.equal(occurredAtFor('2023-12-31', at), '2023-12-31T12:00:00.000Z')
  t.equal(occurredAtFor('2024-04-20', at), '2024-03-13T10:00:00.000Z', 'a date after arrival is a misreading')
  t.equal(occurredAtFor('2024-02-30', at), '2024-03-13T10:00:00.000Z', 'impossible date')
})

t.test("decideOutcome: non-transactions keep the parser's reason", async (t) => {
  t.same(decideOutcome({ ...base, isTransaction: false, rejectReason: 'otp' }), { status: 'rejected', reason: 'otp' })
  t.same(decideOutcome({ ...base, isTransaction: false, rejectReason: null }), { status: 'rejected', reason: 'not_a_transaction' })
})

t.test('decideOutcome: a transaction without type, amount or currency is incomplete', async (t) => {
  for (const patch of [
    { amount: null },
    { currency: null },
    { type: null },
    { amount: '0.00' },
    { amount: '1,250.00' },
    { currency: 'rupees' },
    { amount: '-5.00' },
  ]) {
    t.same(decideOutcome({ ...base, ...patch } as ParseResult), { status: 'rejected', reason: 'incomplete' }, JSON.stringify(patch))
  }
})

t.test('decideOutcome: below the minimum confidence is low_confidence; at or above it parses', async (t) => {
  t.same(decideOutcome({ ...base, confidence: 0.5 }, 0.6), { status: 'rejected', reason: 'low_confidence' })
  t.equal(decideOutcome({ ...base, confidence: 0.6 }, 0.6).status, 'parsed')
  t.equal(decideOutcome({ ...base, confidence: 0.01 }).status, 'parsed', 'off by default')
})

t.test('expense fields are fitted to the contract: long texts cut, bad balance and channel dropped', async (t) => {
  const fields = expenseFields({
    ...base,
    merchant: `  ${'M'.repeat(300)} `,
    accountLast4: '1234567890',
    balance: '-20.00',
    channel: 'pigeon' as never,
    reference: 'R'.repeat(150),
  })
  t.equal(fields?.merchant?.length, 200)
  t.equal(fields?.accountLast4, '7890', 'at most the last four digits')
  t.equal(fields?.balance, null)
  t.equal(fields?.channel, null)
  t.equal(fields?.reference?.length, 100)
})

t.test('the expense.parsed payload satisfies the contract, for real parser output too', async (t) => {
  const message = { id: '7d1f6a36-8f3e-4b53-9d0f-3c1c9b0f2a11', userId: '0b8f8f0e-5f0a-4e51-8d5e-6c3c0f7e9a22', receivedAt: new Date('2024-03-13T10:00:00Z') }
  const parsed = parseMessage({
    text: 'Rs.1,250.00 debited from a/c **1234 on 13-03-24 to VPA freshmart@okaxis (UPI Ref No 407312345678).',
    sender: 'VM-HDFCBK',
    receivedAt: message.receivedAt,
  })
  for (const result of [base, parsed, { ...base, merchant: null, accountLast4: null, balance: null, occurredAt: null, channel: null, reference: null }]) {
    const fields = expenseFields(result)
    if (!fields) throw new Error('expected an expense')
    const check = validateEvent(expenseParsed, expenseParsedPayload(message, fields))
    t.ok(check.ok, JSON.stringify(check))
  }
})

t.test('a correction overrides fields, clears with null, and makes the result a confident transaction', async (t) => {
  const rejected: ParseResult = { ...base, isTransaction: false, rejectReason: 'not_a_transaction', amount: null, currency: null, confidence: 0, format: null }
  const merged = applyCorrection(rejected, { amount: '10.00', currency: 'EUR', reference: null })
  t.match(merged, {
    isTransaction: true,
    rejectReason: null,
    amount: '10.00',
    currency: 'EUR',
    reference: null,
    merchant: 'FRESH MART',
    confidence: 1,
    format: 'user_correction',
  })
})
