import { backoffDelay } from '@expenses/retry'

export interface WorkQueueOptions {
  /** Handles one key; a throw schedules a retry of that key with per-key exponential backoff. */
  handle: (key: string, signal: AbortSignal) => Promise<void>
  retryBaseMs: number
  retryMaxMs: number
  /** Called after every change of the queue's depth (keys waiting, not counting the one in hand). */
  onDepth?: (depth: number) => void
  onError?: (key: string, err: unknown, retryInMs: number) => void
}

/**
 * A keyed work queue in the manner of client-go's workqueue: a key added while it waits is queued once;
 * a key added while it is being handled is handled again afterwards (never twice at the same time); a
 * failed key comes back after a backoff that doubles per consecutive failure of that key and resets on
 * success. Events only say "look at this key again": the handler always reads the current state.
 */
export class WorkQueue {
  private readonly queue: string[] = []
  private readonly queued = new Set<string>()
  private readonly failures = new Map<string, number>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private processing: string | undefined
  private dirty = false
  private wake: (() => void) | undefined
  private readonly stopController = new AbortController()
  private done: Promise<void> | undefined

  constructor(private readonly options: WorkQueueOptions) {}

  get depth(): number {
    return this.queue.length
  }

  add(key: string): void {
    if (this.stopController.signal.aborted) return
    if (this.processing === key) {
      this.dirty = true
      return
    }
    if (this.queued.has(key)) return
    this.queued.add(key)
    this.queue.push(key)
    this.options.onDepth?.(this.queue.length)
    this.wake?.()
  }

  /** Adds `key` after `ms` (a retry, or a requeue the handler asks for, e.g. a rotation due later). */
  addAfter(key: string, ms: number): void {
    clearTimeout(this.timers.get(key))
    const timer = setTimeout(() => {
      this.timers.delete(key)
      this.add(key)
    }, ms)
    timer.unref()
    this.timers.set(key, timer)
  }

  /** Forgets a key's failures and pending retry (its object is gone). */
  forget(key: string): void {
    this.failures.delete(key)
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
  }

  start(): void {
    this.done ??= this.run()
  }

  /** Stops taking keys; the key in hand finishes (its handler sees the signal aborted). */
  async stop(): Promise<void> {
    this.stopController.abort()
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.wake?.()
    await this.done
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal
    while (!signal.aborted) {
      const key = this.queue.shift()
      if (key === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.wake = undefined
        continue
      }
      this.queued.delete(key)
      this.options.onDepth?.(this.queue.length)
      this.processing = key
      this.dirty = false
      try {
        await this.options.handle(key, signal)
        this.failures.delete(key)
      } catch (err) {
        const failures = (this.failures.get(key) ?? 0) + 1
        this.failures.set(key, failures)
        const delay = backoffDelay(failures, this.options.retryBaseMs, this.options.retryMaxMs)
        this.options.onError?.(key, err, delay)
        if (!signal.aborted) this.addAfter(key, delay)
      } finally {
        this.processing = undefined
      }
      if (this.dirty) this.add(key)
    }
  }
}
