import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node'
import type { Logger } from '@expenses/platform'
import { sleep } from '@expenses/retry'

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig
  namespace: string
  /** The Lease's name: every replica of one operator uses the same. */
  name: string
  /** This process: unique per replica (the pod name in a cluster). */
  identity: string
  leaseDurationMs: number
  /** How often the leader renews, and a candidate retries. Well below leaseDurationMs. */
  retryPeriodMs: number
  logger: Logger
  /** Called once this process holds the Lease; the signal aborts when it is lost or the elector stops. */
  onStartedLeading: (lost: AbortSignal) => void
  /** Called when the Lease is lost (renewal failed past the lease duration, or another holder took it). */
  onStoppedLeading?: () => void
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it (which
 * @kubernetes/client-node does not ship): a candidate takes the Lease when it is free or its holder has not
 * renewed it for leaseDuration, measured on this process's clock from when it last saw the record change
 * (so clock skew between nodes does not matter); every write carries the resourceVersion it read, so two
 * candidates racing for an expired Lease cannot both win. The leader renews every retryPeriod and gives up
 * leadership when it cannot renew within leaseDuration - before any other candidate may take it over.
 * On stop, a leader releases the Lease (holder cleared) so a standby takes over at once.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api
  private readonly stopController = new AbortController()
  private loopDone: Promise<void> | undefined
  private leading: AbortController | undefined
  private observed: { record: string; at: number } | undefined
  private lastRenew = 0
  private rounds = 0

  constructor(private readonly options: LeaderElectionOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api)
  }

  get isLeader(): boolean {
    return this.leading !== undefined
  }

  /** Whether a round has completed yet: until then this replica does not know whether it leads. */
  get decided(): boolean {
    return this.rounds > 0
  }

  start(): void {
    this.loopDone ??= this.loop()
  }

  async stop(): Promise<void> {
    this.stopController.abort()
    await this.loopDone
    if (this.leading) {
      this.lose('stopping')
      await this.release()
    }
  }

  private async loop(): Promise<void> {
    const { retryPeriodMs, leaseDurationMs, logger } = this.options
    while (!this.stopController.signal.aborted) {
      let held = false
      try {
        held = await this.tryAcquireOrRenew()
        // Only a round that reached the Lease decides anything (a standby knows it is one).
        this.rounds++
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'leader election: Lease request failed')
      }
      if (held) {
        this.lastRenew = Date.now()
        if (!this.leading) {
          this.leading = new AbortController()
          logger.info({ lease: this.options.name, identity: this.options.identity }, 'leader election: became the leader')
          this.options.onStartedLeading(this.leading.signal)
        }
      } else if (this.leading && Date.now() - this.lastRenew >= leaseDurationMs - retryPeriodMs) {
        // Stop acting before the Lease can expire for the others: by then another replica may lead.
        this.lose('renewal failed')
      }
      await sleep(retryPeriodMs, this.stopController.signal)
    }
  }

  private lose(why: string): void {
    if (!this.leading) return
    this.options.logger.warn({ lease: this.options.name, why }, 'leader election: stopped leading')
    this.leading.abort()
    this.leading = undefined
    this.options.onStoppedLeading?.()
  }

  /** One round: true when this process holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationMs } = this.options
    const now = new V1MicroTime()
    let lease: V1Lease
    try {
      lease = await this.api.readNamespacedLease({ name, namespace })
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err
      const body: V1Lease = {
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), acquireTime: now, renewTime: now, leaseTransitions: 0 },
      }
      return this.write(() => this.api.createNamespacedLease({ namespace, body }))
    }
    const spec = lease.spec ?? {}
    const record = recordOf(lease)
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() }
    const holder = spec.holderIdentity ?? ''
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(leaseDurationMs / 1000)) * 1000
    const expired = holder === '' || Date.now() - this.observed.at >= durationMs
    if (holder !== identity && !expired) {
      if (this.leading) this.lose(`the Lease is held by ${holder}`)
      return false
    }
    const takingOver = holder !== identity
    const next: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
        renewTime: now,
        ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    }
    return this.write(() => this.api.replaceNamespacedLease({ name, namespace, body: next }))
  }

  /** A create or replace that lost a race (409) means someone else holds the Lease now. */
  private async write(fn: () => Promise<V1Lease>): Promise<boolean> {
    try {
      const written = await fn()
      this.observed = { record: recordOf(written), at: Date.now() }
      return true
    } catch (err) {
      if (err instanceof ApiException && err.code === 409) return false
      throw err
    }
  }

  /** Clears the holder, keeping the record otherwise, so a standby need not wait for the lease to expire. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace })
      if (lease.spec?.holderIdentity !== identity) return
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime() } },
      })
    } catch (err) {
      this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'leader election: could not release the Lease')
    }
  }
}

/** What changes on every renewal: a record seen unchanged for leaseDuration means its holder is gone. */
function recordOf(lease: V1Lease): string {
  const renew = lease.spec?.renewTime as Date | string | undefined
  return `${lease.spec?.holderIdentity ?? ''}|${renew instanceof Date ? renew.toISOString() : String(renew ?? '')}|${lease.metadata?.resourceVersion ?? ''}`
}
