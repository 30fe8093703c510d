/**
 * Exponential backoff with "equal jitter", capped: a delay between half the exponential ceiling and the
 * ceiling, so retries spread out but never come back sooner than half the step. attempt starts at 1.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2))
}

/** A sleep that ends early when `signal` aborts, so shutdown never waits out a backoff. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
