import { allTopicSpecs } from '@expenses/events/topics'
import type { KubernetesObject, V1Deployment, V1OwnerReference } from '@kubernetes/client-node'
import type { Logger } from '@expenses/platform'
import { apiStatus, describeKubeError, KubernetesError, step } from '../kubernetes.js'
import { TRACKER, TRACKER_API_VERSION, type Condition, type ExpenseTracker, type ExpenseTrackerStatus } from './crd.js'
import type { EventRecorder } from './events.js'
import { apply, FIELD_MANAGER, jsonPatch, mergePatch, unless404, type TrackerClients } from './kube.js'
import { desiredObjects, MANAGED_KINDS, TRACKER_LABEL, type DesiredObject, type ManagedKind } from './resources.js'
import { jobOutcome, ROTATE_NOW_ANNOTATION, ROTATION_REQUEST_ANNOTATION, rotationDue, rotationJob } from './rotation.js'

/** Finalizer on every ExpenseTracker: its objects are deleted before it goes. */
export const FINALIZER = 'expenses-tracker.io/cleanup'

/** What the credential loop last saw of auth-service's keys. */
export interface KeyState {
  ok: boolean
  /** Keys in the JWKS, each with a Kong credential. */
  published: number
  message: string
}

export interface TrackerReconcilerOptions {
  clients: TrackerClients
  namespace: string
  keyState: () => KeyState
  events: EventRecorder
  logger: Logger
  now?: () => Date
}

export interface TrackerResult {
  /** Ask to be looked at again after this long (waiting for readiness, a rotation due later, cleanup). */
  requeueAfterMs?: number
  changes: string[]
}

const ref = (kind: ManagedKind, namespace: string) => ({ group: kind.group, version: kind.version, plural: kind.plural, namespace })
const crdName = (kind: ManagedKind) => `${kind.plural}.${kind.group}`
/** While something is on its way (Strimzi creating topics, pods starting): look again soon. */
const WAITING_REQUEUE_MS = 5_000

interface Owned extends KubernetesObject {
  status?: { conditions?: { type?: string; status?: string }[] }
}

const ready = (object: Owned | undefined) => object?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true

/**
 * One pass over one ExpenseTracker, from its spec to the cluster and back into its status:
 * finalizer, server-side apply of every desired object (owner reference to the tracker, so deleting the
 * tracker lets the garbage collector help; the finalizer makes it explicit), pruning of labelled objects
 * no longer desired, the signing-key rotation when due, and the conditions aggregated from what it saw.
 * Every pass is idempotent: applying an unchanged object changes nothing, so a pass after a restart or
 * after an event about our own write costs reads only.
 */
export class TrackerReconciler {
  private readonly now: () => Date

  constructor(private readonly options: TrackerReconcilerOptions) {
    this.now = options.now ?? (() => new Date())
  }

  async reconcile(name: string): Promise<TrackerResult> {
    const { clients, namespace } = this.options
    const tracker = (await step(`read ${TRACKER.kind} ${name}`, () =>
      unless404(() => clients.custom.getNamespacedCustomObject({ group: TRACKER.group, version: TRACKER.version, plural: TRACKER.plural, namespace, name })),
    )) as ExpenseTracker | undefined
    if (!tracker) return { changes: [] }
    if (tracker.metadata.deletionTimestamp) return this.cleanUp(tracker)

    const changes: string[] = []
    if (!(tracker.metadata.finalizers ?? []).includes(FINALIZER)) {
      await step('add the finalizer', () =>
        clients.custom.patchNamespacedCustomObject(
          {
            ...this.trackerRef(),
            name,
            // resourceVersion makes this a compare-and-swap: finalizers someone else adds meanwhile are not lost.
            body: { metadata: { finalizers: [...(tracker.metadata.finalizers ?? []), FINALIZER], resourceVersion: tracker.metadata.resourceVersion } },
          },
          mergePatch,
        ),
      )
    }

    const owner: V1OwnerReference = {
      apiVersion: TRACKER_API_VERSION,
      kind: TRACKER.kind,
      name,
      uid: tracker.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    }
    const desired = desiredObjects(name, tracker.spec, allTopicSpecs())
    const missingCrds: string[] = []
    const failures: string[] = []
    const observed = new Map<string, Owned>()

    for (const kind of MANAGED_KINDS) {
      const wanted = desired.filter((o) => o.kind === kind.kind)
      const existing = await this.listOwned(kind, name)
      if (existing === 'missing') {
        // A kind the spec does not ask for (Strimzi's, with strimzi: false) may well be absent.
        if (wanted.length > 0) missingCrds.push(crdName(kind))
        continue
      }
      const byName = new Map(existing.map((o) => [o.metadata?.name ?? '', o]))
      for (const object of wanted) {
        const before = byName.get(object.metadata.name)
        try {
          const after = await apply(clients, { ...object, metadata: { ...object.metadata, namespace, ownerReferences: [owner] } } as KubernetesObject)
          observed.set(`${kind.kind}/${object.metadata.name}`, after as Owned)
          if (!before) changes.push(`created ${kind.kind} ${object.metadata.name}`)
          else if (before.metadata?.resourceVersion !== after.metadata?.resourceVersion) changes.push(`updated ${kind.kind} ${object.metadata.name}`)
        } catch (err) {
          failures.push(`apply ${kind.kind} ${object.metadata.name}: ${describeKubeError(err)}`)
        }
      }
      const keep = new Set(wanted.map((o) => o.metadata.name))
      for (const [objectName] of byName) {
        if (keep.has(objectName)) continue
        try {
          await unless404(() => clients.custom.deleteNamespacedCustomObject({ ...ref(kind, namespace), name: objectName }))
          changes.push(`deleted ${kind.kind} ${objectName}`)
        } catch (err) {
          failures.push(`delete ${kind.kind} ${objectName}: ${describeKubeError(err)}`)
        }
      }
    }

    const rotation = await this.rotate(tracker, owner, changes, failures)
    const deployments = await this.deploymentState(tracker)

    for (const change of changes) await this.options.events.record(tracker, 'Normal', eventReason(change), `${change} (field manager ${FIELD_MANAGER})`)
    for (const failure of failures) await this.options.events.record(tracker, 'Warning', 'ApplyFailed', failure)

    const status = this.statusFor(tracker, desired, observed, { missingCrds, failures, rotation, deployments })
    await this.writeStatus(tracker, status)
    if (failures.length > 0) throw new KubernetesError('reconcile', new Error(failures.join('; ')))
    const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
    const untilRotation = rotation.next ? Math.max(1_000, rotation.next.getTime() - this.now().getTime()) : undefined
    const requeueAfterMs = ready ? untilRotation : Math.min(WAITING_REQUEUE_MS, untilRotation ?? Infinity)
    return { changes, ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) }
  }

  private trackerRef() {
    return { group: TRACKER.group, version: TRACKER.version, plural: TRACKER.plural, namespace: this.options.namespace }
  }

  /** The tracker's objects of one kind, or 'missing' when the kind's CRD is not installed. */
  private async listOwned(kind: ManagedKind, tracker: string): Promise<Owned[] | 'missing'> {
    const { clients, namespace } = this.options
    try {
      const list = (await clients.custom.listNamespacedCustomObject({ ...ref(kind, namespace), labelSelector: `${TRACKER_LABEL}=${tracker}` })) as {
        items?: Owned[]
      }
      return list.items ?? []
    } catch (err) {
      if (apiStatus(err) === 404) return 'missing'
      throw new KubernetesError(`list ${kind.plural}`, err)
    }
  }

  /** Deletes what the tracker owns, then lets it go by removing the finalizer once nothing is left. */
  private async cleanUp(tracker: ExpenseTracker): Promise<TrackerResult> {
    const { clients, namespace } = this.options
    const name = tracker.metadata.name ?? ''
    if (!(tracker.metadata.finalizers ?? []).includes(FINALIZER)) return { changes: [] }
    const changes: string[] = []
    let remaining = 0
    for (const kind of MANAGED_KINDS) {
      const existing = await this.listOwned(kind, name)
      if (existing === 'missing') continue
      for (const object of existing) {
        remaining++
        if (object.metadata?.deletionTimestamp) continue // Strimzi's own finalizer is still at work on it.
        await step(`delete ${kind.kind} ${object.metadata?.name ?? ''}`, () =>
          unless404(() => clients.custom.deleteNamespacedCustomObject({ ...ref(kind, namespace), name: object.metadata?.name ?? '' })),
        )
        changes.push(`deleted ${kind.kind} ${object.metadata?.name ?? ''}`)
      }
    }
    for (const change of changes) await this.options.events.record(tracker, 'Normal', 'Deleted', `${change} (the ExpenseTracker is being deleted)`)
    if (remaining > 0) {
      // Look again: gone now (most kinds), or once Strimzi has removed the topic from Kafka.
      const left = await Promise.all(MANAGED_KINDS.map((kind) => this.listOwned(kind, name)))
      if (left.some((items) => items !== 'missing' && items.length > 0)) return { changes, requeueAfterMs: 2_000 }
    }
    const finalizers = (tracker.metadata.finalizers ?? []).filter((f) => f !== FINALIZER)
    await step('remove the finalizer', () =>
      unless404(() =>
        clients.custom.patchNamespacedCustomObject(
          { ...this.trackerRef(), name, body: { metadata: { finalizers, resourceVersion: tracker.metadata.resourceVersion } } },
          mergePatch,
        ),
      ),
    )
    return { changes }
  }

  private async rotate(tracker: ExpenseTracker, owner: V1OwnerReference, changes: string[], failures: string[]) {
    const { clients, namespace } = this.options
    const keys = tracker.status?.keys
    const now = this.now()
    const requested = tracker.metadata.annotations?.[ROTATE_NOW_ANNOTATION]
    let lastJob = keys?.lastRotationJob
    let lastRotation = keys?.lastRotationTime ? new Date(keys.lastRotationTime) : undefined
    let lastRequestServed: string | undefined
    let jobState: 'none' | 'running' | 'succeeded' | 'failed' = 'none'
    let problem: string | undefined
    if (lastJob) {
      const job = await step(`read Job ${lastJob}`, () => unless404(() => clients.batch.readNamespacedJob({ name: lastJob ?? '', namespace })))
      if (job) {
        jobState = jobOutcome(job)
        lastRequestServed = job.metadata?.annotations?.[ROTATION_REQUEST_ANNOTATION]
      }
    }
    // A request is served once: by the Job it made (read above), or as recorded when that Job is gone.
    lastRequestServed ??= keys?.lastRotationRequest
    const created = new Date(tracker.metadata.creationTimestamp ?? now)
    const due = rotationDue({ spec: tracker.spec, now, created, lastRotation, requested, lastRequestServed })
    let next = due.next
    if (due.due && jobState !== 'running') {
      const deployment = await step(`read Deployment ${tracker.spec.signingKeys.authDeployment}`, () =>
        unless404(() => clients.apps.readNamespacedDeployment({ name: tracker.spec.signingKeys.authDeployment, namespace })),
      )
      const job = deployment
        ? rotationJob({
            tracker: tracker.metadata.name ?? '',
            deployment,
            spec: tracker.spec,
            owner,
            now,
            request: due.reason === 'requested' ? requested : undefined,
          })
        : `Deployment ${tracker.spec.signingKeys.authDeployment} (spec.signingKeys.authDeployment) not found`
      if (typeof job === 'string') problem = job
      else {
        try {
          await clients.batch.createNamespacedJob({ namespace, body: job })
          lastJob = job.metadata?.name
          lastRotation = now
          jobState = 'running'
          if (due.reason === 'requested') lastRequestServed = requested
          next =
            tracker.spec.signingKeys.rotationPeriodHours > 0 ? new Date(now.getTime() + tracker.spec.signingKeys.rotationPeriodHours * 3_600_000) : undefined
          changes.push(
            `created Job ${lastJob ?? ''} to rotate the signing key (${due.reason === 'requested' ? `requested by ${ROTATE_NOW_ANNOTATION}` : 'scheduled'})`,
          )
        } catch (err) {
          failures.push(`create the rotation Job: ${describeKubeError(err)}`)
        }
      }
    }
    if (jobState === 'failed') problem = `rotation Job ${lastJob ?? ''} failed: kubectl logs job/${lastJob ?? ''}`
    return { lastJob, lastRotation, lastRequestServed, next, jobState, problem }
  }

  private async deploymentState(tracker: ExpenseTracker): Promise<{ available: string[]; missing: string[]; unavailable: string[] }> {
    const { clients, namespace } = this.options
    const state = { available: [] as string[], missing: [] as string[], unavailable: [] as string[] }
    for (const name of tracker.spec.deployments) {
      const deployment: V1Deployment | undefined = await step(`read Deployment ${name}`, () =>
        unless404(() => clients.apps.readNamespacedDeployment({ name, namespace })),
      )
      if (!deployment) state.missing.push(name)
      else if (deploymentAvailable(deployment)) state.available.push(name)
      else state.unavailable.push(name)
    }
    return state
  }

  private statusFor(
    tracker: ExpenseTracker,
    desired: DesiredObject[],
    observed: Map<string, Owned>,
    seen: {
      missingCrds: string[]
      failures: string[]
      rotation: Awaited<ReturnType<TrackerReconciler['rotate']>>
      deployments: { available: string[]; missing: string[]; unavailable: string[] }
    },
  ): ExpenseTrackerStatus {
    const count = (kind: string) => {
      const names = desired.filter((o) => o.kind === kind).map((o) => `${kind}/${o.metadata.name}`)
      return { total: names.length, ready: names.filter((n) => ready(observed.get(n))).length, waiting: names.filter((n) => !ready(observed.get(n))) }
    }
    const topics = count('KafkaTopic')
    const users = count('KafkaUser')
    const keys = this.options.keyState()
    const { rotation, deployments, missingCrds, failures } = seen
    const deploymentTotal = tracker.spec.deployments.length

    // Degraded: something is wrong that will not fix itself by waiting. Progressing: on its way.
    let degraded: [string, string] | undefined
    if (missingCrds.length > 0)
      degraded = ['DependencyMissing', `CRDs not installed: ${missingCrds.join(', ')} (install Strimzi and Kong Ingress Controller, or their CRDs)`]
    else if (failures.length > 0) degraded = ['ApplyFailed', failures.join('; ')]
    else if (!keys.ok) degraded = ['SigningKeysUnavailable', keys.message]
    else if (rotation.problem) degraded = ['KeyRotationFailed', rotation.problem]
    else if (deployments.missing.length > 0) degraded = ['DeploymentMissing', `Deployments not found: ${deployments.missing.join(', ')}`]

    // Everything on its way, in the order it usually resolves; the reason is the first, the message lists all.
    const pending: [string, string][] = []
    if (topics.waiting.length > 0)
      pending.push(['WaitingForTopics', `${topics.total - topics.ready} of ${topics.total} KafkaTopics not Ready yet (the Strimzi topic operator makes them)`])
    if (users.waiting.length > 0)
      pending.push(['WaitingForUsers', `${users.total - users.ready} of ${users.total} KafkaUsers not Ready yet (the Strimzi user operator makes them)`])
    if (deployments.unavailable.length > 0) pending.push(['WaitingForDeployments', `Deployments not available yet: ${deployments.unavailable.join(', ')}`])
    if (rotation.jobState === 'running') pending.push(['RotatingSigningKey', `rotation Job ${rotation.lastJob ?? ''} running`])
    const waiting: [string, string] | undefined = pending[0] ? [pending[0][0], pending.map(([, message]) => message).join('; ')] : undefined

    const generation = tracker.metadata.generation ?? 0
    const previous = tracker.status?.conditions ?? []
    const condition = (type: Condition['type'], status: Condition['status'], reason: string, message: string): Condition => {
      const before = previous.find((c) => c.type === type)
      const lastTransitionTime =
        before && before.status === status
          ? before.lastTransitionTime
          : this.now()
              .toISOString()
              .replace(/\.\d+Z$/, 'Z')
      return { type, status, reason, message, lastTransitionTime, observedGeneration: generation }
    }
    const readyCondition = degraded
      ? condition('Ready', 'False', degraded[0], degraded[1])
      : waiting
        ? condition('Ready', 'False', waiting[0], waiting[1])
        : condition(
            'Ready',
            'True',
            'AllReady',
            `${topics.total} topics, ${users.total} users, ${keys.published} signing keys and ${deploymentTotal} Deployments ready`,
          )
    const conditions = [
      readyCondition,
      waiting ? condition('Progressing', 'True', waiting[0], waiting[1]) : condition('Progressing', 'False', 'Stable', 'nothing in progress'),
      degraded ? condition('Degraded', 'True', degraded[0], degraded[1]) : condition('Degraded', 'False', 'AsExpected', 'no problem seen'),
    ]
    const stamp = (d: Date | undefined) => d?.toISOString().replace(/\.\d+Z$/, 'Z')
    return {
      observedGeneration: generation,
      conditions,
      kafka: {
        topics: topics.total,
        topicsReady: topics.ready,
        users: users.total,
        usersReady: users.ready,
        summary: !tracker.spec.kafka.strimzi
          ? 'not managed (spec.kafka.strimzi: false)'
          : missingCrds.some((c) => c.includes('strimzi'))
            ? 'Strimzi CRDs missing'
            : `${topics.ready}/${topics.total} topics, ${users.ready}/${users.total} users`,
      },
      keys: {
        published: keys.published,
        ...(rotation.lastRotation ? { lastRotationTime: stamp(rotation.lastRotation) } : {}),
        ...(rotation.next ? { nextRotationTime: stamp(rotation.next) } : {}),
        ...(rotation.lastJob ? { lastRotationJob: rotation.lastJob } : {}),
        ...(rotation.lastRequestServed ? { lastRotationRequest: rotation.lastRequestServed } : {}),
        summary: keys.ok ? `${keys.published} published${rotation.next ? `, next rotation ${stamp(rotation.next) ?? ''}` : ''}` : 'JWKS unavailable',
      },
      gateway: { rateLimitTiers: tracker.spec.rateLimits.tiers.length },
      deployments: { available: deployments.available.length, total: deploymentTotal },
    }
  }

  /** Writes the status subresource when it differs from what is there (a no-op pass writes nothing). */
  private async writeStatus(tracker: ExpenseTracker, status: ExpenseTrackerStatus): Promise<void> {
    if (JSON.stringify(tracker.status ?? {}) === JSON.stringify(status)) return
    await step('write the status', () =>
      unless404(() =>
        this.options.clients.custom.patchNamespacedCustomObjectStatus(
          // Replaced whole (a JSON patch), so fields the new status no longer has do not linger.
          { ...this.trackerRef(), name: tracker.metadata.name ?? '', body: [{ op: 'add', path: '/status', value: status }] },
          jsonPatch,
        ),
      ),
    )
  }
}

function deploymentAvailable(deployment: V1Deployment): boolean {
  const wanted = deployment.spec?.replicas ?? 1
  const status = deployment.status
  return (
    (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status?.availableReplicas ?? 0) >= wanted &&
    (status?.updatedReplicas ?? 0) >= wanted
  )
}

function eventReason(change: string): string {
  if (change.startsWith('created Job')) return 'RotatingSigningKey'
  if (change.startsWith('created')) return 'Created'
  if (change.startsWith('updated')) return 'Updated'
  return 'Deleted'
}
