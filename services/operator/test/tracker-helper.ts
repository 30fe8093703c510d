import { AppsV1Api, BatchV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Deployment } from '@kubernetes/client-node'
import { TRACKER, type ExpenseTracker } from '../src/tracker/crd.js'
import { KONG, STRIMZI, TRACKER_LABEL } from '../src/tracker/resources.js'
import { kubeClients } from '../src/kubernetes.js'

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)

export interface Managed {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[]; resourceVersion?: string }
  spec?: Record<string, unknown>
  config?: Record<string, unknown>
  plugin?: string
}

/** Reading and poking ExpenseTrackers and what they own, as an admin, through the real apiserver. */
export function trackerApi(kubeConfig: KubeConfig, namespace: string) {
  const { custom } = kubeClients(kubeConfig)
  const core = kubeConfig.makeApiClient(CoreV1Api)
  const apps = kubeConfig.makeApiClient(AppsV1Api)
  const batch = kubeConfig.makeApiClient(BatchV1Api)
  const trackerRef = { group: TRACKER.group, version: TRACKER.version, plural: TRACKER.plural, namespace }
  const kinds = {
    KafkaTopic: { ...STRIMZI, plural: 'kafkatopics' },
    KafkaUser: { ...STRIMZI, plural: 'kafkausers' },
    KongPlugin: { ...KONG, plural: 'kongplugins' },
  } as const
  type Kind = keyof typeof kinds

  return {
    /** Created with strict field validation, as `kubectl apply` sends it. */
    async create(name: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Promise<ExpenseTracker> {
      return (await custom.createNamespacedCustomObject({
        ...trackerRef,
        fieldValidation: 'Strict',
        body: { apiVersion: `${TRACKER.group}/${TRACKER.version}`, kind: TRACKER.kind, metadata: { name, annotations }, spec },
      })) as ExpenseTracker
    },
    async read(name: string): Promise<ExpenseTracker | undefined> {
      return custom.getNamespacedCustomObject({ ...trackerRef, name }).then(
        (o) => o as ExpenseTracker,
        () => undefined,
      )
    },
    async patchSpec(name: string, spec: Record<string, unknown>): Promise<void> {
      await custom.patchNamespacedCustomObject({ ...trackerRef, name, body: { spec } }, merge)
    },
    async annotate(name: string, annotations: Record<string, string>): Promise<void> {
      await custom.patchNamespacedCustomObject({ ...trackerRef, name, body: { metadata: { annotations } } }, merge)
    },
    async remove(name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...trackerRef, name })
    },
    condition(tracker: ExpenseTracker | undefined, type: 'Ready' | 'Progressing' | 'Degraded') {
      return tracker?.status?.conditions?.find((c) => c.type === type)
    },
    async list(kind: Kind, tracker?: string): Promise<Managed[]> {
      const list = (await custom.listNamespacedCustomObject({
        ...kinds[kind],
        namespace,
        ...(tracker ? { labelSelector: `${TRACKER_LABEL}=${tracker}` } : {}),
      })) as { items: Managed[] }
      return list.items
    },
    async get(kind: Kind, name: string): Promise<Managed | undefined> {
      return custom.getNamespacedCustomObject({ ...kinds[kind], namespace, name }).then(
        (o) => o as Managed,
        () => undefined,
      )
    },
    async delete(kind: Kind, name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...kinds[kind], namespace, name })
    },
    async patch(kind: Kind, name: string, body: Record<string, unknown>): Promise<void> {
      await custom.patchNamespacedCustomObject({ ...kinds[kind], namespace, name, body }, merge)
    },
    /**
     * What Strimzi's topic and user operators do once Kafka has the topic or user: a Ready condition on the
     * status. No Strimzi operator runs in these tests (nothing can run pods here), so the test plays it.
     */
    async markReady(kind: 'KafkaTopic' | 'KafkaUser', name: string): Promise<void> {
      await custom.patchNamespacedCustomObjectStatus(
        {
          ...kinds[kind],
          namespace,
          name,
          body: { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] } },
        },
        merge,
      )
    },
    /**
     * A Deployment object with the status the Deployment controller would write once its pods are
     * available (no controller-manager or kubelet runs here, so the test writes it).
     */
    async deployment(
      name: string,
      options: { available: boolean; image?: string; env?: { name: string; value: string }[] } = { available: true },
    ): Promise<V1Deployment> {
      const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'test' }
      const created = await apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name, labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: 'default',
                containers: [
                  { name, image: options.image ?? `expenses/${name}:dev`, env: options.env ?? [], volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
                ],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
      })
      if (options.available) await this.deploymentAvailable(name, created.metadata?.generation ?? 1)
      return created
    },
    async deploymentAvailable(name: string, generation = 1): Promise<void> {
      await apps.patchNamespacedDeploymentStatus(
        { name, namespace, body: { status: { observedGeneration: generation, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 } } },
        merge,
      )
    },
    async jobs(tracker: string) {
      return (await batch.listNamespacedJob({ namespace, labelSelector: `${TRACKER_LABEL}=${tracker}` })).items
    },
    async failJob(name: string): Promise<void> {
      await batch.patchNamespacedJobStatus(
        {
          name,
          namespace,
          body: {
            status: {
              startTime: new Date().toISOString(),
              failed: 4,
              conditions: [
                { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: new Date().toISOString() },
                { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: new Date().toISOString() },
              ],
            },
          },
        },
        merge,
      )
    },
    async events(tracker: string) {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${tracker}` })
      return list.items.map((e) => ({ type: e.type, reason: e.reason, message: e.message ?? '' }))
    },
  }
}
