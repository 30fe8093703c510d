// Loads the labelled corpus and scores a parser against it. Shared by the corpus accuracy test and the
// benchmark (which scores transaction-sms-parser the same way).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIELDS = ['type', 'amount', 'currency', 'merchant', 'accountLast4', 'balance', 'occurredAt', 'channel', 'reference'] as const
export type Field = (typeof FIELDS)[number]

export interface Expected {
  isTransaction: boolean
  type: string | null
  amount: string | null
  currency: string | null
  merchant: string | null
  accountLast4: string | null
  balance: string | null
  occurredAt: string | null
  channel: string | null
  reference: string | null
}

export interface CorpusRecord {
  id: string
  institution?: string
  country?: string
  sender?: string | null
  receivedAt?: string | null
  text: string
  expected: Expected
  /** held-out sets only: free-text label for non-transactions ("otp", "promo", ...) */
  kind?: string
  /** held-out sets only: why a debatable expectation was labelled the way it was */
  note?: string
}

export type Predicted = { isTransaction: boolean } & Partial<Record<Field, string | null>>

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures')
export const CORPUS_DIR = join(FIXTURES, 'corpus')
/** Hand-written sets the parser was NOT tuned on when they were written (see PARSER.md, "Accuracy"). */
export const HOLDOUT_DIRS = { holdout: join(FIXTURES, 'holdout'), holdout2: join(FIXTURES, 'holdout2'), holdout3: join(FIXTURES, 'holdout3') } as const

export function loadCorpus(dir: string = CORPUS_DIR): CorpusRecord[] {
  const out: CorpusRecord[] = []
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.trim()) out.push(JSON.parse(line) as CorpusRecord)
    }
  }
  return out
}

/** Field equality: exact, except merchants compare case- and space-insensitively; amounts numerically. */
export function fieldMatches(field: Field, expected: string | null, actual: string | null | undefined): boolean {
  const a = actual ?? null
  if (expected === null || a === null) return expected === a
  if (field === 'merchant') return expected.trim().toLowerCase().replace(/\s+/g, ' ') === a.trim().toLowerCase().replace(/\s+/g, ' ')
  if (field === 'amount' || field === 'balance') return Number(expected) === Number(a)
  return expected === a
}

export interface Score {
  total: number
  precision: number
  recall: number
  /** per-field accuracy over messages that are transactions AND were detected as such */
  fields: Record<Field, number>
  /** share of true transactions where every field matched */
  exact: number
  failures: Array<{ id: string; field: string; expected: unknown; actual: unknown; text: string }>
}

export function score(corpus: readonly CorpusRecord[], parse: (r: CorpusRecord) => Predicted): Score {
  let tp = 0
  let fp = 0
  let fn = 0
  let exact = 0
  const correct = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>
  const failures: Score['failures'] = []
  const txns = corpus.filter((r) => r.expected.isTransaction).length
  for (const r of corpus) {
    const p = parse(r)
    if (p.isTransaction && r.expected.isTransaction) tp++
    else if (p.isTransaction) {
      fp++
      failures.push({ id: r.id, field: 'isTransaction', expected: false, actual: true, text: r.text })
    } else if (r.expected.isTransaction) {
      fn++
      failures.push({ id: r.id, field: 'isTransaction', expected: true, actual: false, text: r.text })
    }
    if (!r.expected.isTransaction || !p.isTransaction) continue
    let all = true
    for (const f of FIELDS) {
      if (fieldMatches(f, r.expected[f], p[f])) correct[f]++
      else {
        all = false
        failures.push({ id: r.id, field: f, expected: r.expected[f], actual: p[f] ?? null, text: r.text })
      }
    }
    if (all) exact++
  }
  // Field accuracy is over all true transactions: a missed transaction counts as wrong on every field.
  const fields = Object.fromEntries(FIELDS.map((f) => [f, txns === 0 ? 0 : correct[f] / txns])) as Record<Field, number>
  return {
    total: corpus.length,
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    fields,
    exact: txns === 0 ? 0 : exact / txns,
    failures,
  }
}
