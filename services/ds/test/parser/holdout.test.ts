// Accuracy on the hand-written held-out sets (test/fixtures/holdout, holdout2, holdout3), scored exactly as
// the parse-messages CLI reports them. Each set's "before" figure (PARSER.md) is the honest estimate of
// real-world accuracy at the time it was written; all three have since guided general rules. Thresholds sit
// just under the measured figures, so a regression fails the build.
import t from 'tap'
import { handleLine } from '../../src/parser/jsonl.js'
import { FIELDS, HOLDOUT_DIRS, loadCorpus, score, type CorpusRecord, type Field, type Predicted } from './support/corpus.js'

interface Thresholds {
  precision: number
  recall: number
  exact: number
  fields: Record<Field, number>
}

const THRESHOLDS: Record<keyof typeof HOLDOUT_DIRS, Thresholds> = {
  // measured: precision 99.4, recall 99.7, all fields 91.2 (tuned on - an upper bound)
  holdout: {
    precision: 0.985,
    recall: 0.99,
    exact: 0.905,
    fields: {
      type: 0.99,
      amount: 0.99,
      currency: 0.985,
      merchant: 0.95,
      accountLast4: 0.975,
      balance: 0.99,
      occurredAt: 0.99,
      channel: 0.955,
      reference: 0.985,
    },
  },
  // measured: precision 98.3, recall 99.1, all fields 91.3 (its documented failure list guided the
  // multilingual verb cues of the holdout3 work, so it is no longer fully unseen - see PARSER.md)
  holdout2: {
    precision: 0.97,
    recall: 0.98,
    exact: 0.9,
    fields: { type: 0.98, amount: 0.98, currency: 0.98, merchant: 0.92, accountLast4: 0.97, balance: 0.98, occurredAt: 0.98, channel: 0.975, reference: 0.975 },
  },
  // measured: precision 100.0, recall 100.0, all fields 94.7 after the generic rules it motivated
  // (67.5 before); like holdout, it was used for tuning afterwards, so write a holdout4 for an honest figure.
  holdout3: {
    precision: 0.99,
    recall: 0.99,
    exact: 0.935,
    fields: { type: 0.99, amount: 0.99, currency: 0.98, merchant: 0.975, accountLast4: 0.99, balance: 0.99, occurredAt: 0.99, channel: 0.97, reference: 0.98 },
  },
}

// A fixed clock: the sets carry receivedAt where a date has no year, so the result must not depend on it.
const NOW = new Date('2026-01-15T00:00:00Z')

function viaCli(r: CorpusRecord): Predicted {
  const line = handleLine(JSON.stringify({ id: r.id, text: r.text, sender: r.sender ?? undefined, receivedAt: r.receivedAt ?? undefined }), NOW)
  return (JSON.parse(line ?? '{}') as { result: Predicted }).result
}

for (const [set, min] of Object.entries(THRESHOLDS) as Array<[keyof typeof HOLDOUT_DIRS, Thresholds]>) {
  t.test(`${set}: labelled messages from many regions with a realistic share of non-transactions`, async (t) => {
    const records = loadCorpus(HOLDOUT_DIRS[set])
    t.ok(records.length >= (set === 'holdout' ? 400 : 150), `${records.length} messages`)
    t.equal(new Set(records.map((r) => r.id)).size, records.length, 'ids are unique')
    const share = records.filter((r) => !r.expected.isTransaction).length / records.length
    t.ok(share >= 0.2 && share <= 0.3, `non-transaction share ${share.toFixed(3)}`)
  })

  t.test(`${set}: detection and per-field accuracy through the CLI stay above the thresholds`, async (t) => {
    const s = score(loadCorpus(HOLDOUT_DIRS[set]), viaCli)
    t.comment(`precision ${s.precision.toFixed(4)} recall ${s.recall.toFixed(4)} exact ${s.exact.toFixed(4)}`)
    t.ok(s.precision >= min.precision, `precision ${s.precision}`)
    t.ok(s.recall >= min.recall, `recall ${s.recall}`)
    t.ok(s.exact >= min.exact, `all-fields-correct ${s.exact}`)
    for (const f of FIELDS) t.ok(s.fields[f] >= min.fields[f], `${f} ${s.fields[f]}`)
  })
}
