import { backoffDelay, sleep } from '@expenses/retry'
import { Counter, Gauge, type Registry, type ReadinessChecks, type Logger } from '@expenses/platform'
import { Watch, type KubeConfig } from '@kubernetes/client-node'
import { JwksError } from './jwks.js'
import { describeKubeError } from './kubernetes.js'
import { managedSelector } from './naming.js'
import { KubernetesError, type ReconcileResult, type Reconciler } from './reconciler.js'
import type { KeyState } from './tracker/reconcile.js'

export interface OperatorOptions {
  reconciler: Pick<Reconciler, 'reconcile'>
  kubeConfig: KubeConfig
  namespace: string
  consumer: string
  intervalMs: number
  retryMaxMs: number
  logger: Logger
  registry: Registry
  /** Shortest backoff after a failure. Default 500 ms. */
  retryBaseMs?: number
  /** Called after a pass whose outcome differs from the previous one's (keys changed, JWKS lost or back). */
  onKeyStateChange?: () => void
}

type Outcome = 'ok' | 'conflict' | 'jwks_error' | 'kubernetes_error' | 'error'

/** Last known state of one dependency, for /readyz. */
interface DependencyState {
  ok: boolean
  message: string
}

/**
 * Runs the reconciler forever: every `intervalMs`, right away when one of our Secrets is changed or
 * deleted by someone else (a watch), and - after a failure - again with capped exponential backoff.
 * Passes never overlap. /readyz reports whether the last pass reached the JWKS and the apiserver.
 */
export class CredentialOperator {
  private stopController = new AbortController()
  private wake: (() => void) | undefined
  private pending = false
  private loopDone: Promise<void> | undefined
  private watchDone: Promise<void> | undefined
  private watchAbort: AbortController | undefined
  private readonly jwks: DependencyState = { ok: false, message: 'not synced yet' }
  private readonly kubernetes: DependencyState = { ok: false, message: 'not synced yet' }
  private readonly reconciles: Counter<'outcome'>
  private readonly changes: Counter<'action'>
  private readonly managedCredentials: Gauge
  private readonly lastSuccess: Gauge
  private lastResult: ReconcileResult | undefined

  constructor(private readonly options: OperatorOptions) {
    const registers = [options.registry]
    this.reconciles = new Counter({
      name: 'operator_reconciles_total',
      help: 'Reconcile passes by outcome (ok, conflict, jwks_error, kubernetes_error, error)',
      labelNames: ['outcome'] as const,
      registers,
    })
    this.changes = new Counter({
      name: 'operator_credential_changes_total',
      help: 'Credential Secrets created, updated or deleted',
      labelNames: ['action'] as const,
      registers,
    })
    this.managedCredentials = new Gauge({ name: 'operator_managed_credentials', help: 'jwt credential Secrets the KongConsumer lists', registers })
    this.lastSuccess = new Gauge({ name: 'operator_last_success_timestamp_seconds', help: 'End of the last successful reconcile', registers })
    for (const outcome of ['ok', 'conflict', 'jwks_error', 'kubernetes_error', 'error']) this.reconciles.inc({ outcome }, 0)
  }

  /** /readyz checks: the JWKS and the apiserver as seen by the last pass. */
  get readinessChecks(): ReadinessChecks {
    const check = (state: DependencyState) => () => {
      if (!state.ok) throw new Error(state.message)
    }
    return { jwks: check(this.jwks), kubernetes: check(this.kubernetes) }
  }

  /** The result of the last pass that got through (for logs and tests). */
  get last(): ReconcileResult | undefined {
    return this.lastResult
  }

  /** Starts both loops; after stop() it may start again (a replica that regains leadership). */
  start(): void {
    if (this.loopDone) return
    this.stopController = new AbortController()
    this.loopDone = this.loop()
    this.watchDone = this.watchLoop()
  }

  /** What the ExpenseTracker status reports about the signing keys. */
  keyState(): KeyState {
    if (!this.jwks.ok) return { ok: false, published: this.lastResult?.credentials.length ?? 0, message: `JWKS: ${this.jwks.message}` }
    if (!this.kubernetes.ok) return { ok: false, published: this.lastResult?.credentials.length ?? 0, message: `Kong credentials: ${this.kubernetes.message}` }
    return { ok: true, published: this.lastResult?.credentials.length ?? 0, message: 'in step with the JWKS' }
  }

  /** Asks for a pass as soon as the current one (if any) ends. */
  trigger(): void {
    this.pending = true
    this.wake?.()
  }

  /** Stops both loops; a pass in flight finishes its current apiserver call first. */
  async stop(): Promise<void> {
    this.stopController.abort()
    this.wake?.()
    this.watchAbort?.abort()
    await Promise.all([this.loopDone, this.watchDone])
    this.loopDone = this.watchDone = undefined
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted
  }

  private async loop(): Promise<void> {
    const { intervalMs, retryMaxMs, retryBaseMs = 500 } = this.options
    let failures = 0
    while (!this.stopped) {
      this.pending = false
      const outcome = await this.runOnce()
      failures = outcome === 'ok' || outcome === 'conflict' ? 0 : failures + 1
      if (this.stopped) break
      const delay = failures === 0 ? intervalMs : Math.min(backoffDelay(failures, retryBaseMs, retryMaxMs), intervalMs)
      if (failures > 0) this.options.logger.debug({ failures, retryInMs: delay }, 'reconcile failed; retrying with backoff')
      await this.idle(delay)
    }
  }

  /** Waits `ms`, or less when triggered or stopped. */
  private async idle(ms: number): Promise<void> {
    if (this.pending) return
    const woken = new Promise<void>((resolve) => (this.wake = resolve))
    await Promise.race([sleep(ms, this.stopController.signal), woken])
    this.wake = undefined
  }

  private async runOnce(): Promise<Outcome> {
    const before = JSON.stringify(this.keyState())
    const outcome = await this.pass()
    if (JSON.stringify(this.keyState()) !== before) this.options.onKeyStateChange?.()
    return outcome
  }

  private async pass(): Promise<Outcome> {
    const { logger } = this.options
    try {
      const result = await this.options.reconciler.reconcile(this.stopController.signal)
      this.jwks.ok = this.kubernetes.ok = true
      this.lastResult = result
      this.managedCredentials.set(result.credentials.length)
      this.changes.inc({ action: 'created' }, result.created.length)
      this.changes.inc({ action: 'updated' }, result.updated.length)
      this.changes.inc({ action: 'deleted' }, result.deleted.length)
      const changed = result.created.length + result.updated.length + result.deleted.length > 0 || result.consumer !== 'unchanged'
      if (changed) logger.info({ ...result }, 'credentials reconciled')
      const outcome: Outcome = result.conflicts.length > 0 ? 'conflict' : 'ok'
      if (outcome === 'conflict') {
        logger.error({ kids: result.conflicts }, 'Secret name taken by a Secret this operator does not manage; those keys have no Kong credential')
      } else this.lastSuccess.set(Date.now() / 1000)
      this.reconciles.inc({ outcome })
      return outcome
    } catch (err) {
      const outcome: Outcome = err instanceof JwksError ? 'jwks_error' : err instanceof KubernetesError ? 'kubernetes_error' : 'error'
      if (err instanceof JwksError) {
        this.jwks.ok = false
        this.jwks.message = err.message
      } else {
        // The JWKS was fine (the reconciler fetches it first); the apiserver part failed.
        this.jwks.ok = true
        this.kubernetes.ok = false
        this.kubernetes.message = err instanceof Error ? err.message : String(err)
      }
      this.reconciles.inc({ outcome })
      if (!this.stopped) logger.warn({ err, outcome }, 'reconcile failed; existing credentials left in place')
      return outcome
    }
  }

  /**
   * Watches our labelled Secrets so a manual delete or edit is repaired at once rather than at the next
   * interval. ADDED events are ignored: the watch replays every existing object as ADDED when it (re)starts,
   * and our own creates need no follow-up. A watch that ends (apiserver restart, timeout) is reopened with
   * backoff; while it cannot be reopened /readyz reports the apiserver as unreachable, and once it is open
   * again a pass runs at once, because changes made meanwhile were not seen.
   */
  private async watchLoop(): Promise<void> {
    const { logger, retryMaxMs, retryBaseMs = 500 } = this.options
    let failures = 0
    while (!this.stopped) {
      const opened = Date.now()
      const outcome = await this.watchOnce(failures > 0)
      if (this.stopped) break
      if (outcome.failedToOpen) {
        this.kubernetes.ok = false
        this.kubernetes.message = `watch: ${describeKubeError(outcome.error)}`
      }
      if (outcome.error) logger.debug({ err: describeKubeError(outcome.error) }, 'secret watch ended')
      // A watch that ran for a while ended normally (server-side timeout): reopen at once.
      failures = !outcome.failedToOpen && Date.now() - opened > 10_000 ? 0 : failures + 1
      if (failures > 0) await sleep(backoffDelay(failures, retryBaseMs, retryMaxMs), this.stopController.signal)
    }
  }

  /** One watch request, until it ends. */
  private async watchOnce(reconnecting: boolean): Promise<{ failedToOpen: boolean; error?: unknown }> {
    const { kubeConfig, namespace, consumer } = this.options
    let finished = false
    let error: unknown
    let ended!: () => void
    const done = new Promise<void>((resolve) => (ended = resolve))
    try {
      // client-node reports every failure, including "could not connect", through the done callback,
      // before watch() resolves; `finished` set by then means the watch never opened.
      this.watchAbort = await new Watch(kubeConfig).watch(
        `/api/v1/namespaces/${namespace}/secrets`,
        { labelSelector: managedSelector(consumer) },
        (phase) => {
          if (phase === 'MODIFIED' || phase === 'DELETED') this.trigger()
        },
        (err) => {
          finished = true
          error = err ?? undefined
          ended()
        },
      )
    } catch (err) {
      return { failedToOpen: true, error: err }
    }
    if (finished) return { failedToOpen: true, error: error ?? new Error('watch closed at once') }
    if (reconnecting) this.trigger()
    await done
    return { failedToOpen: false, ...(error ? { error } : {}) }
  }
}
