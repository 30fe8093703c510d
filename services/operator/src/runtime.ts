import { hostname } from 'node:os'
import { Gauge, type Logger, type ReadinessChecks, type Registry } from '@expenses/platform'
import type { KubeConfig } from '@kubernetes/client-node'
import type { OperatorConfig } from './config.js'
import { LeaderElector } from './leader.js'
import type { CredentialOperator } from './operator.js'
import type { TrackerController } from './tracker/controller.js'

/**
 * The operator's two loops (Kong credentials, ExpenseTrackers) and who may run them: with leader election
 * on, only the replica holding the Lease does; a standby serves its probes and waits. Losing the Lease
 * stops both loops before another replica can take it (LeaderElector gives up one retry period early), and
 * regaining it starts them afresh from the apiserver's state.
 */
export class OperatorRuntime {
  private readonly elector: LeaderElector | undefined
  private readonly leader: Gauge
  private stopping: Promise<void> = Promise.resolve()

  constructor(
    readonly credentials: CredentialOperator,
    readonly trackers: TrackerController,
    private readonly options: { config: OperatorConfig; kubeConfig: KubeConfig; logger: Logger; registry: Registry },
  ) {
    const { config, kubeConfig, logger, registry } = options
    this.leader = new Gauge({ name: 'operator_leader', help: '1 while this replica holds the Lease and acts, else 0', registers: [registry] })
    if (config.LEADER_ELECTION) {
      this.elector = new LeaderElector({
        kubeConfig,
        logger,
        namespace: config.OPERATOR_NAMESPACE,
        name: config.LEASE_NAME,
        identity: this.identity,
        leaseDurationMs: config.LEASE_DURATION_MS,
        retryPeriodMs: config.LEASE_RETRY_MS,
        onStartedLeading: (lost) => {
          lost.addEventListener('abort', () => void this.pause(), { once: true })
          // A previous term's loops may still be stopping: start the new term after them.
          void this.stopping.then(() => {
            if (!lost.aborted) this.act()
          })
        },
      })
    }
  }

  /** This replica's name in the Lease. */
  get identity(): string {
    return this.options.config.POD_NAME ?? `${hostname()}-${process.pid}`
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : true
  }

  /**
   * The leader is ready once its credential loop has synced; a standby is ready once it knows it is one
   * (it serves and waits); before the first election round nobody knows yet.
   */
  get readinessChecks(): ReadinessChecks {
    const checks: ReadinessChecks = {
      leaderElection: () => {
        if (this.elector && !this.elector.decided) throw new Error('leader election: first round not done yet')
      },
    }
    for (const [name, check] of Object.entries(this.credentials.readinessChecks)) {
      checks[name] = () => (this.isLeader ? check() : undefined)
    }
    return checks
  }

  start(): void {
    if (this.elector) this.elector.start()
    else this.act()
  }

  async stop(): Promise<void> {
    await this.elector?.stop()
    await this.pause()
  }

  private act(): void {
    this.leader.set(1)
    this.credentials.start()
    this.trackers.start()
  }

  private pause(): Promise<void> {
    this.leader.set(0)
    this.stopping = Promise.all([this.credentials.stop(), this.trackers.stop()]).then(() => undefined)
    return this.stopping
  }
}
