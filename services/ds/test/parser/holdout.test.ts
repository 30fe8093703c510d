// Accuracy on the hand-written held-out sets (test/fixtures/holdout, test/fixtures/holdout2), scored exactly
// as the parse-messages CLI reports them. holdout2 was written after the last accuracy change and is the best
// estimate of real-world accuracy; holdout was used for tuning (see PARSER.md). Thresholds sit just under the
// measured figures, so a regression fails the build.
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
  // measured: precision 99.4, recall 99.7, all fields 89.9 (tuned on - an upper bound)
  holdout: {
    precision: 0.985,
    recall: 0.99,
    exact: 0.885,
    fields: { type: 0.99, amount: 0.99, currency: 0.985, merchant: 0.94, accountLast4: 0.975, balance: 0.99, occurredAt: 0.99, channel: 0.95, reference: 0.97 },
  },
  // measured: precision 98.2, recall 94.8, all fields 83.5 (never tuned on)
  holdout2: {
    precision: 0.97,
    recall: 0.94,
    exact: 0.82,
    fields: { type: 0.94, amount: 0.94, currency: 0.94, merchant: 0.86, accountLast4: 0.92, balance: 0.94, occurredAt: 0.94, channel: 0.93, reference: 0.91 },
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
