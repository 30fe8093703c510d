import { randomBytes } from 'node:crypto'
import type { CoreV1Api } from '@kubernetes/client-node'
import type { Logger } from '@expenses/platform'
import { TRACKER_API_VERSION, TRACKER, type ExpenseTracker } from './crd.js'

export const EVENT_SOURCE = 'expenses-operator'

/**
 * Kubernetes Events on an ExpenseTracker, one per change the operator makes (`kubectl describe
 * expensetracker` lists them). Recording is best effort: an Event that cannot be written is logged, never
 * a reason to fail or repeat the change it describes.
 */
export class EventRecorder {
  constructor(
    private readonly core: CoreV1Api,
    private readonly logger: Logger,
    private readonly instance: string,
  ) {}

  async record(tracker: ExpenseTracker, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const namespace = tracker.metadata.namespace ?? 'default'
    const now = new Date()
    try {
      await this.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${tracker.metadata.name ?? 'tracker'}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`, namespace },
          involvedObject: {
            apiVersion: TRACKER_API_VERSION,
            kind: TRACKER.kind,
            name: tracker.metadata.name,
            namespace,
            uid: tracker.metadata.uid,
            resourceVersion: tracker.metadata.resourceVersion,
          },
          type,
          reason,
          message,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: EVENT_SOURCE },
          reportingComponent: EVENT_SOURCE,
          reportingInstance: this.instance,
        },
      })
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), reason }, 'could not record a Kubernetes Event')
    }
  }
}
