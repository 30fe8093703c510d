// Accuracy on the labelled corpus (test/fixtures/corpus). Thresholds are documented in PARSER.md and sit
// just under the measured figures, so a regression fails the build.
import t from 'tap'
import { parseMessage } from '../../src/parser/index.js'
import { FIELDS, loadCorpus, score } from './support/corpus.js'

export const THRESHOLDS = {
  precision: 0.99,
  recall: 0.99,
  exact: 0.94,
  fields: { type: 0.99, amount: 0.99, currency: 0.99, merchant: 0.97, accountLast4: 0.97, balance: 0.98, occurredAt: 0.98, channel: 0.97, reference: 0.98 },
} as const

t.test('corpus covers at least 80 institutions in 15 countries with 20-25% non-transactions', async (t) => {
  const corpus = loadCorpus()
  t.ok(corpus.length >= 1000, `${corpus.length} messages`)
  t.ok(new Set(corpus.map((r) => r.institution)).size >= 80, 'institutions')
  t.ok(new Set(corpus.map((r) => r.country)).size >= 15, 'countries')
  const share = corpus.filter((r) => !r.expected.isTransaction).length / corpus.length
  t.ok(share >= 0.2 && share <= 0.26, `non-transaction share ${share.toFixed(3)}`)
})

t.test('per-field accuracy and detection precision/recall stay above the thresholds', async (t) => {
  const corpus = loadCorpus()
  const s = score(corpus, (r) => parseMessage({ text: r.text, sender: r.sender, receivedAt: r.receivedAt }))
  t.comment(`precision ${s.precision.toFixed(4)} recall ${s.recall.toFixed(4)} exact ${s.exact.toFixed(4)}`)
  for (const f of FIELDS) t.comment(`${f}: ${(s.fields[f] * 100).toFixed(1)}%`)
  t.ok(s.precision >= THRESHOLDS.precision, `precision ${s.precision}`)
  t.ok(s.recall >= THRESHOLDS.recall, `recall ${s.recall}`)
  t.ok(s.exact >= THRESHOLDS.exact, `all-fields-correct ${s.exact}`)
  for (const f of FIELDS) t.ok(s.fields[f] >= THRESHOLDS.fields[f], `${f} ${s.fields[f]}`)
})
