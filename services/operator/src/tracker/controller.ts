import { makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node'
import { Counter, Gauge, Histogram, type Logger, type Registry } from '@expenses/platform'
import { backoffDelay, sleep } from '@expenses/retry'
import { WorkQueue } from '../workqueue.js'
import { TRACKER, type ExpenseTracker } from './crd.js'
import { trackerClients } from './kube.js'
import { MANAGED_KINDS, TRACKER_LABEL } from './resources.js'
import type { TrackerReconciler } from './reconcile.js'

export interface TrackerControllerOptions {
  kubeConfig: KubeConfig
  namespace: string
  reconciler: Pick<TrackerReconciler, 'reconcile'>
  registry: Registry
  logger: Logger
  /** Every tracker is looked at again at least this often, events or not. */
  resyncMs: number
  retryBaseMs: number
  retryMaxMs: number
}

type Watched = KubernetesObject & { spec?: { deployments?: string[] } }

/**
 * The ExpenseTracker controller: informers (list + watch, with a local cache) on the trackers and on
 * everything a tracker's status depends on, all feeding one keyed work queue of tracker names, drained by
 * TrackerReconciler. An event on an owned object (a KafkaTopic someone deleted, a KongPlugin someone
 * edited) queues its tracker by the TRACKER_LABEL it carries, so drift is repaired at once; a Deployment
 * event queues every tracker listing it. An informer whose kind is not served yet (Strimzi's CRDs not
 * installed) is restarted with backoff, so the kind is watched as soon as it appears.
 */
export class TrackerController {
  private queue: WorkQueue | undefined
  private informers: (Informer<Watched> & ObjectCache<Watched>)[] = []
  private trackers: (Informer<Watched> & ObjectCache<Watched>) | undefined
  private stopController = new AbortController()
  private running: Promise<void>[] = []
  private readonly reconciles: Counter<'outcome'>
  private readonly errors: Counter
  private readonly duration: Histogram
  private readonly depth: Gauge

  constructor(private readonly options: TrackerControllerOptions) {
    const registers = [options.registry]
    this.reconciles = new Counter({
      name: 'operator_tracker_reconciles_total',
      help: 'ExpenseTracker reconciles by outcome (ok, error)',
      labelNames: ['outcome'] as const,
      registers,
    })
    this.errors = new Counter({
      name: 'operator_tracker_reconcile_errors_total',
      help: 'ExpenseTracker reconciles that failed and were queued for a retry',
      registers,
    })
    this.duration = new Histogram({
      name: 'operator_tracker_reconcile_duration_seconds',
      help: 'Time of one ExpenseTracker reconcile',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.depth = new Gauge({ name: 'operator_workqueue_depth', help: 'ExpenseTracker keys waiting in the work queue', registers })
    for (const outcome of ['ok', 'error']) this.reconciles.inc({ outcome }, 0)
  }

  /** Starts the informers and the queue; after stop() it may start again (a replica that regains leadership). */
  start(): void {
    if (this.queue) return
    const { kubeConfig, namespace, logger } = this.options
    this.stopController = new AbortController()
    const queue: WorkQueue = new WorkQueue({
      handle: (key): Promise<void> => this.handle(queue, key),
      retryBaseMs: this.options.retryBaseMs,
      retryMaxMs: this.options.retryMaxMs,
      onDepth: (depth) => this.depth.set(depth),
      onError: (key, err, retryInMs) => {
        this.errors.inc()
        logger.warn({ tracker: key, err: err instanceof Error ? err.message : String(err), retryInMs }, 'ExpenseTracker reconcile failed; retrying')
      },
    })
    this.queue = queue
    const clients = trackerClients(kubeConfig)
    const custom = (group: string, version: string, plural: string, labelSelector?: string) => () =>
      clients.custom.listNamespacedCustomObject({ group, version, plural, namespace, ...(labelSelector ? { labelSelector } : {}) }) as Promise<
        KubernetesListObject<Watched>
      >
    const byLabel = (object: Watched) => {
      const tracker = object.metadata?.labels?.[TRACKER_LABEL]
      if (tracker) queue.add(tracker)
    }

    this.trackers = this.watch(
      'expensetrackers',
      `/apis/${TRACKER.group}/${TRACKER.version}/namespaces/${namespace}/${TRACKER.plural}`,
      custom(TRACKER.group, TRACKER.version, TRACKER.plural),
      (object) => {
        if (object.metadata?.name) queue.add(object.metadata.name)
      },
    )
    for (const kind of MANAGED_KINDS) {
      this.watch(
        kind.plural,
        `/apis/${kind.group}/${kind.version}/namespaces/${namespace}/${kind.plural}`,
        custom(kind.group, kind.version, kind.plural, TRACKER_LABEL),
        byLabel,
        TRACKER_LABEL,
      )
    }
    this.watch(
      'jobs',
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      () => clients.batch.listNamespacedJob({ namespace, labelSelector: TRACKER_LABEL }) as Promise<KubernetesListObject<Watched>>,
      byLabel,
      TRACKER_LABEL,
    )
    this.watch(
      'deployments',
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      () => clients.apps.listNamespacedDeployment({ namespace }) as Promise<KubernetesListObject<Watched>>,
      (deployment) => {
        for (const tracker of this.trackers?.list() ?? []) {
          if (tracker.spec?.deployments?.includes(deployment.metadata?.name ?? '') && tracker.metadata?.name) queue.add(tracker.metadata.name)
        }
      },
    )
    this.running.push(this.resync())
    queue.start()
  }

  async stop(): Promise<void> {
    const queue = this.queue
    if (!queue) return
    this.stopController.abort()
    await queue.stop()
    await Promise.all(this.informers.map((informer) => informer.stop().catch(() => undefined)))
    await Promise.all(this.running)
    this.queue = this.trackers = undefined
    this.informers = []
    this.running = []
    this.depth.set(0)
  }

  /** Queues every known tracker (after an informer restart, on resync, and when the key state changed). */
  enqueueAll(): void {
    for (const tracker of this.trackers?.list() ?? []) if (tracker.metadata?.name) this.queue?.add(tracker.metadata.name)
  }

  private async handle(queue: WorkQueue, name: string): Promise<void> {
    const end = this.duration.startTimer()
    try {
      const result = await this.options.reconciler.reconcile(name)
      this.reconciles.inc({ outcome: 'ok' })
      if (result.changes.length > 0) this.options.logger.info({ tracker: name, changes: result.changes }, 'ExpenseTracker reconciled')
      if (result.requeueAfterMs !== undefined) queue.addAfter(name, Math.min(result.requeueAfterMs, this.options.resyncMs))
    } catch (err) {
      this.reconciles.inc({ outcome: 'error' })
      throw err
    } finally {
      end()
    }
  }

  private watch(
    what: string,
    path: string,
    list: () => Promise<KubernetesListObject<Watched>>,
    onChange: (object: Watched) => void,
    labelSelector?: string,
  ): Informer<Watched> & ObjectCache<Watched> {
    const informer = makeInformer<Watched>(this.options.kubeConfig, path, list, labelSelector)
    informer.on('add', onChange)
    informer.on('update', onChange)
    informer.on('delete', onChange)
    this.informers.push(informer)
    this.running.push(this.keepRunning(what, informer))
    return informer
  }

  /**
   * Starts an informer and restarts it whenever it stops with an error (apiserver restarted, CRD not
   * installed yet), with capped backoff. After a restart every tracker is queued: events were missed.
   */
  private async keepRunning(what: string, informer: Informer<Watched>): Promise<void> {
    const { signal } = this.stopController
    // One listener for the informer's lifetime; each round swaps in the resolver it waits on.
    let onError: (err: unknown) => void = () => undefined
    informer.on('error', (err) => onError(err))
    const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
    let failures = 0
    let restarts = 0
    while (!signal.aborted) {
      const failed = new Promise<unknown>((resolve) => (onError = resolve))
      const startedAt = Date.now()
      // start() lists (reporting a failure through the error callback) and then opens the watch.
      await informer.start()
      if (restarts++ > 0) this.enqueueAll()
      const err = await Promise.race([failed, stopped])
      if (signal.aborted) break
      // A watch that ran a while ended by itself (apiserver restart): retry at once; quick failures back off.
      failures = Date.now() - startedAt > 10_000 ? 1 : failures + 1
      this.options.logger.debug({ what, err: err instanceof Error ? err.message : String(err), failures }, 'informer stopped; restarting')
      await sleep(backoffDelay(failures, this.options.retryBaseMs, this.options.retryMaxMs), signal)
    }
  }

  private async resync(): Promise<void> {
    const { signal } = this.stopController
    while (!signal.aborted) {
      await sleep(this.options.resyncMs, signal)
      this.enqueueAll()
    }
  }
}

export type { ExpenseTracker }
