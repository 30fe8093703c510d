// Throughput and accuracy of our parser vs transaction-sms-parser (npm) on the same corpus, same run, one
// core. Not a test: `npx tsx services/ds/bench/parser.bench.ts [rounds] [corpus|holdout|holdout2]`.
import { getTransactionInfo } from 'transaction-sms-parser'
import { parseMessage } from '../src/parser/index.js'
import { fieldMatches, HOLDOUT_DIRS, loadCorpus, score, type CorpusRecord, type Field, type Predicted } from '../test/parser/support/corpus.js'

const rounds = Number(process.argv[2] ?? 5)
// Which labelled set to run on: the tuning corpus (default) or a held-out set ("holdout", "holdout2").
const set = process.argv[3] ?? 'corpus'
const corpus = set === 'corpus' ? loadCorpus() : loadCorpus(HOLDOUT_DIRS[set as keyof typeof HOLDOUT_DIRS])

function ours(r: CorpusRecord): Predicted {
  return parseMessage({ text: r.text, sender: r.sender, receivedAt: r.receivedAt })
}

function theirs(r: CorpusRecord): Predicted {
  const info = getTransactionInfo(r.text)
  const amount = info.transaction.amount
  const isTransaction = Boolean(amount) && info.transaction.type !== null
  return {
    isTransaction,
    type: info.transaction.type ?? null,
    amount: amount ?? null,
    merchant: info.transaction.merchant ?? null,
    accountLast4: info.account.number ?? null,
    balance: info.balance?.available ?? null,
    reference: info.transaction.referenceNo ?? null,
  }
}

// The machine this runs on is shared and noisy, so: user CPU time (not wall time), the two parsers
// interleaved round by round (so both see the same background load), and the median round of each.
// process.cpuUsage() advances in scheduler ticks (milliseconds), so a round is at least ~2,000 messages.
const PER_ROUND = Math.max(1, Math.ceil(2000 / corpus.length))

// Every round parses fresh string objects: V8 caches the results of some regex operations (split, global
// replace) per subject string, and a real stream never repeats a message, so re-parsing the very same
// strings would flatter whichever parser leans on those operations.
function freshCopies(): CorpusRecord[] {
  const out: CorpusRecord[] = []
  for (let k = 0; k < PER_ROUND; k++) for (const r of corpus) out.push({ ...r, text: `${r.text}\u0000`.slice(0, -1) })
  return out
}

function cpuSecondsForRound(fn: (r: CorpusRecord) => unknown): number {
  const records = freshCopies()
  const start = process.cpuUsage()
  for (const r of records) fn(r)
  return process.cpuUsage(start).user / 1e6 / PER_ROUND
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function throughputs(a: (r: CorpusRecord) => unknown, b: (r: CorpusRecord) => unknown): [number, number] {
  for (const r of corpus) a(r) // warm-up: JIT and regex compilation
  for (const r of corpus) b(r)
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < rounds; i++) {
    ta.push(cpuSecondsForRound(a))
    tb.push(cpuSecondsForRound(b))
  }
  return [corpus.length / median(ta), corpus.length / median(tb)]
}

// Fields transaction-sms-parser reports; currency, date and channel are ours only.
const SHARED: Field[] = ['type', 'amount', 'merchant', 'accountLast4', 'balance', 'reference']

const [oursSpeed, theirsSpeed] = throughputs(ours, theirs)
const a = score(corpus, ours)
const b = score(corpus, theirs)
// Accuracy of theirs on the shared fields among messages it detected, to be fair to a parser without a classifier.
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

console.log(`${set}: ${corpus.length} messages, median of ${rounds} interleaved rounds of ${PER_ROUND * corpus.length} messages (user CPU time)\n`)
console.log('metric'.padEnd(26) + 'ours'.padStart(12) + 'transaction-sms-parser'.padStart(26) + 'ratio'.padStart(10))
const row = (name: string, x: number, y: number, fmt: (n: number) => string): void =>
  console.log(name.padEnd(26) + fmt(x).padStart(12) + fmt(y).padStart(26) + (y > 0 ? (x / y).toFixed(2) : '-').padStart(10))
row('messages/second', oursSpeed, theirsSpeed, (n) => n.toFixed(0))
row('detection precision', a.precision, b.precision, pct)
row('detection recall', a.recall, b.recall, pct)
for (const f of SHARED) row(`${f} accuracy`, a.fields[f], b.fields[f], pct)
const sharedExact = (rows: (r: CorpusRecord) => Predicted): number => {
  const txns = corpus.filter((r) => r.expected.isTransaction)
  return (
    txns.filter((r) => {
      const p = rows(r)
      return p.isTransaction && SHARED.every((f) => fieldMatches(f, r.expected[f], p[f]))
    }).length / txns.length
  )
}
row('all shared fields correct', sharedExact(ours), sharedExact(theirs), pct)
