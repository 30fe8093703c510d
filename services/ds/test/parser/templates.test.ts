import t from 'tap'
import { learnTemplate, parseMessage, type UserTemplate } from '../../src/parser/index.js'

const SENDER = 'VM-NEWBNK'
const first = 'NB ALERT>> amt 1,250.00 gone frm acct ending 4321 | payee: FRESH MART | dt 11.03.2024 | id NB88231'
const next = 'NB ALERT>> amt 87.10 gone frm acct ending 4321 | payee: CITY PHARMACY LLP | dt 02.04.2024 | id NB90017'

t.test('a template learned from one message parses the next message of the same format', async (t) => {
  const tpl = learnTemplate(
    { text: first, sender: SENDER, receivedAt: '2024-03-11T12:00:00Z' },
    {
      type: 'debit',
      amount: '1250.00',
      currency: 'INR',
      merchant: 'FRESH MART',
      accountLast4: '4321',
      occurredAt: '2024-03-11',
      reference: 'NB88231',
      channel: 'netbanking',
    },
  )
  t.ok(tpl, 'template learned')
  if (!tpl) return
  t.equal(tpl.sender, 'NEWBNK')
  const r = parseMessage({ text: next, sender: SENDER, receivedAt: '2024-04-02T12:00:00Z' }, { templates: [tpl] })
  t.same(
    [r.isTransaction, r.type, r.amount, r.currency, r.merchant, r.accountLast4, r.occurredAt, r.reference, r.channel],
    [true, 'debit', '87.10', 'INR', 'CITY PHARMACY LLP', '4321', '2024-04-02', 'NB90017', 'netbanking'],
  )
  t.match(r.format, /^user:tpl_/)
  t.ok(r.confidence >= 0.9)
  // Same format from another operator prefix of the same DLT sender still matches.
  t.equal(parseMessage({ text: next, sender: 'AD-NEWBNK', receivedAt: '2024-04-02T12:00:00Z' }, { templates: [tpl] }).amount, '87.10')
})

t.test('a template never applies to another sender or another format', async (t) => {
  const tpl = learnTemplate(
    { text: first, sender: SENDER, receivedAt: '2024-03-11T12:00:00Z' },
    { type: 'debit', amount: '1250.00', currency: 'INR', merchant: 'FRESH MART' },
  )
  if (!tpl) return t.fail('template learned')
  const other = parseMessage({ text: next, sender: 'VM-OTHERB', receivedAt: '2024-04-02T12:00:00Z' }, { templates: [tpl] })
  t.not(other.format, `user:${tpl.id}`)
  const differentFormat = parseMessage({ text: 'Your OTP is 123456', sender: SENDER }, { templates: [tpl] })
  t.equal(differentFormat.isTransaction, false)
})

t.test('learning fails cleanly when the amount is not in the text', async (t) => {
  t.equal(learnTemplate({ text: 'hello world', sender: SENDER }, { amount: '10.00' }), null)
  t.equal(learnTemplate({ text: first, sender: SENDER }, { amount: '999.99' }), null)
})

t.test('hostile or malformed templates never throw, hang or match', async (t) => {
  const base: UserTemplate = { sender: 'NEWBNK', pattern: 'x', fields: {} }
  const hostile: unknown[] = [
    { ...base, pattern: '(a+)+$'.repeat(500) + '{amount}' },
    { ...base, pattern: '{amount}{merchant}', fields: { amount: { slot: true }, merchant: { slot: true } } },
    { ...base, pattern: '{constructor}', fields: { amount: { slot: true } } },
    { ...base, pattern: '{amount', fields: { amount: { slot: true } } },
    { ...base, pattern: 'a'.repeat(1_000_000) },
    { ...base, pattern: 'nb alert>> amt {amount} gone', fields: { amount: { value: 'x' } } },
    { ...base, pattern: 'nb alert>> amt {amount} gone', fields: { amount: { slot: true }, type: { value: 'steal' } } },
    { ...base, pattern: 42, fields: null },
    null,
    'not a template',
    { ...base, sender: { toString: () => 'NEWBNK' } },
  ]
  const start = process.hrtime.bigint()
  for (const h of hostile) {
    const r = parseMessage({ text: next, sender: SENDER }, { templates: [h as UserTemplate] })
    t.notMatch(r.format ?? '', /^user:/, 'hostile template does not match')
  }
  const many = Array.from(
    { length: 5000 },
    (_, i) => ({ ...base, pattern: `nb alert>> ${'x'.repeat(i % 50)}{amount} gone`, fields: { amount: { slot: true } } }) as UserTemplate,
  )
  parseMessage({ text: 'NB ALERT>> ' + '1,'.repeat(5000), sender: SENDER }, { templates: many })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  t.ok(ms < 500, `hostile templates handled in ${ms.toFixed(1)} ms`)
})
