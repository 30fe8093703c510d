import t from 'tap'
import { parseTapSummary, summaryLine } from '../tap-summary.js'

t.test('reads the closing summary comment of a TAP stream', async (t) => {
  const output = ['TAP version 14', 'ok 1 - a.test.ts', 'not ok 2 - b.test.ts', '', '# { total: 12, pass: 10, fail: 1, todo: 1 }', '# time=1s', ''].join('\n')
  t.same(parseTapSummary(output), { total: 12, pass: 10, fail: 1, todo: 1, skip: 0 })
})

t.test('a run without failures has no fail key: zero', async (t) => {
  t.same(parseTapSummary('# { total: 5, pass: 5 }\n'), { total: 5, pass: 5, fail: 0, todo: 0, skip: 0 })
  t.equal(summaryLine({ pass: 5, fail: 0 }), '5 passed, 0 failed')
})

t.test('only the last summary counts, and lookalikes inside test output do not', async (t) => {
  const output = '# { total: 1, pass: 1 }\n# { total: 3, pass: 1, fail: 2 }\r\n    # { total: 2, pass: 2 }\n# not a summary { total: 9 }\n'
  t.same(parseTapSummary(output), { total: 3, pass: 1, fail: 2, todo: 0, skip: 0 })
})

t.test('no summary at all: undefined', async (t) => {
  t.equal(parseTapSummary('ok 1 - x\n1..1\n'), undefined)
})
