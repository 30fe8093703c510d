// Throughput and accuracy of our parser vs transaction-sms-parser (npm) on the same corpus, same run, one
// core. Not a test: `npx tsx services/ds/bench/parser.bench.ts [rounds]`.
import { getTransactionInfo } from 'transaction-sms-parser'
import { parseMessage } from '../src/parser/index.js'
import { fieldMatches, loadCorpus, score, type CorpusRecord, type Field, type Predicted } from '../test/parser/support/corpus.js'

const rounds = Number(process.argv[2] ?? 5)
const corpus = loadCorpus()

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

function throughput(fn: (r: CorpusRecord) => unknown): number {
  for (const r of corpus) fn(r) // warm-up: JIT and regex compilation
  const start = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) for (const r of corpus) fn(r)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return (corpus.length * rounds) / seconds
}

// Fields transaction-sms-parser reports; currency, date and channel are ours only.
const SHARED: Field[] = ['type', 'amount', 'merchant', 'accountLast4', 'balance', 'reference']

const oursSpeed = throughput(ours)
const theirsSpeed = throughput(theirs)
const a = score(corpus, ours)
const b = score(corpus, theirs)
// Accuracy of theirs on the shared fields among messages it detected, to be fair to a parser without a classifier.
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

console.log(`corpus: ${corpus.length} messages, ${rounds} timed rounds each\n`)
console.log('metric'.padEnd(26) + 'ours'.padStart(12) + 'transaction-sms-parser'.padStart(26) + 'ratio'.padStart(10))
const row = (name: string, x: number, y: number, fmt: (n: number) => string): void =>
  console.log(name.padEnd(26) + fmt(x).padStart(12) + fmt(y).padStart(26) + (y > 0 ? (x / y).toFixed(2) : '-').padStart(10))
row('messages/second', oursSpeed, theirsSpeed, (n) => n.toFixed(0))
row('detection precision', a.precision, b.precision, pct)
row('detection recall', a.recall, b.recall, pct)
for (const f of SHARED) row(`${f} accuracy`, a.fields[f], b.fields[f], pct)
const sharedExact = (rows: (r: CorpusRecord) => Predicted): number => {
  const txns = corpus.filter((r) => r.expected.isTransaction)
  return txns.filter((r) => {
    const p = rows(r)
    return p.isTransaction && SHARED.every((f) => fieldMatches(f, r.expected[f], p[f]))
  }).length / txns.length
}
row('all shared fields correct', sharedExact(ours), sharedExact(theirs), pct)
