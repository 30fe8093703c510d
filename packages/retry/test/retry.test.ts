import t from 'tap'
import { backoffDelay, sleep } from '@expenses/retry'

t.test('backoffDelay: between half the exponential step and the step, capped', async (t) => {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const ceiling = Math.min(10_000, 100 * 2 ** (attempt - 1))
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(attempt, 100, 10_000)
      if (delay < ceiling / 2 || delay > ceiling) t.fail(`attempt ${attempt}: ${delay} outside [${ceiling / 2}, ${ceiling}]`)
    }
  }
  t.equal(backoffDelay(0, 100, 10_000) <= 100, true, 'attempt 0 counts as the first')
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5, 100, 10_000)))
  t.ok(spread.size > 10, 'jittered, not one fixed value')
})

t.test('sleep ends early when its signal aborts, and at once when it already has', async (t) => {
  const controller = new AbortController()
  const started = Date.now()
  setTimeout(() => controller.abort(), 50)
  await sleep(10_000, controller.signal)
  t.ok(Date.now() - started < 5_000, 'did not wait out the 10 s')
  const before = Date.now()
  await sleep(10_000, controller.signal)
  t.ok(Date.now() - before < 1_000, 'an aborted signal returns immediately')
  const plain = Date.now()
  await sleep(30)
  t.ok(Date.now() - plain >= 25, 'without a signal it sleeps')
})
