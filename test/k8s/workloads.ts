/**
 * The rules every rendered workload must follow, as a pure function over rendered objects so the
 * rules themselves can be tested against deliberately broken objects.
 */
import type { K8sObject } from './helpers.js'

interface Container {
  name: string
  lifecycle?: { preStop?: { sleep?: { seconds?: number } } }
  image?: string
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> }
  securityContext?: {
    runAsNonRoot?: boolean
    allowPrivilegeEscalation?: boolean
    readOnlyRootFilesystem?: boolean
    capabilities?: { drop?: string[] }
  }
  livenessProbe?: { httpGet?: { path?: string } }
  readinessProbe?: { httpGet?: { path?: string } }
  env?: { name: string; value?: string }[]
}

interface PodSpec {
  containers?: Container[]
  initContainers?: Container[]
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } }
  terminationGracePeriodSeconds?: number
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet'])

function podSpecOf(object: K8sObject): PodSpec | undefined {
  if (object.kind === 'Pod') return object.spec as PodSpec
  const template = (object.spec as { template?: { spec?: PodSpec } } | undefined)?.template
  return ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(object.kind) ? template?.spec : undefined
}

function containerProblems(object: K8sObject, pod: PodSpec, c: Container, init = false): string[] {
  const where = `${object.kind}/${object.metadata.name} container ${c.name}`
  const problems: string[] = []
  if (!c.image || !/[:@]/.test(c.image) || c.image.endsWith(':latest')) problems.push(`${where}: image must be pinned (${c.image})`)
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (c.resources?.[kind]?.[resource] === undefined) problems.push(`${where}: missing resources.${kind}.${resource}`)
    }
  }
  const sc = c.securityContext ?? {}
  if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) problems.push(`${where}: runAsNonRoot is not true`)
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`)
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`)
  if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities.drop lacks ALL`)
  // Init containers run to completion before the pod starts; Kubernetes allows them no probes.
  if (LONG_RUNNING.has(object.kind) && !init) {
    if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`)
    if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`)
  }
  return problems
}

/** The service Deployments: probes on the conventional endpoints and a grace period that outlasts the drain. */
function deploymentProblems(object: K8sObject, pod: PodSpec, configMaps: Map<string, Record<string, string>>): string[] {
  const where = `Deployment/${object.metadata.name}`
  const problems: string[] = []
  for (const c of pod.containers ?? []) {
    if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${where}: liveness probe is not GET /healthz`)
    if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: readiness probe is not GET /readyz`)
  }
  // From the service's ConfigMap, or (the gateway) from the container's own env. A workload without one
  // (nginx of the web app, which drains on its stop signal) must at least outlast its preStop pause.
  const fromEnv = pod.containers?.[0]?.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value
  const declared = configMaps.get(object.metadata.name)?.SHUTDOWN_TIMEOUT_MS ?? fromEnv
  const grace = pod.terminationGracePeriodSeconds ?? 30
  if (declared !== undefined) {
    const shutdownMs = Number(declared)
    if (!(grace * 1000 > shutdownMs)) problems.push(`${where}: terminationGracePeriodSeconds ${grace}s <= SHUTDOWN_TIMEOUT_MS ${shutdownMs}ms`)
  } else {
    const pause = pod.containers?.[0]?.lifecycle?.preStop?.sleep?.seconds
    if (pause === undefined) problems.push(`${where}: no SHUTDOWN_TIMEOUT_MS and no preStop pause`)
    else if (!(grace > pause + 5)) problems.push(`${where}: terminationGracePeriodSeconds ${grace}s leaves under 5s after the ${pause}s preStop pause`)
  }
  return problems
}

export function workloadProblems(objects: readonly K8sObject[]): string[] {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]))
  const problems: string[] = []
  for (const object of objects) {
    const pod = podSpecOf(object)
    if (!pod) continue
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
      problems.push(`${object.kind}/${object.metadata.name}: pod seccompProfile is not RuntimeDefault`)
    }
    for (const c of pod.initContainers ?? []) problems.push(...containerProblems(object, pod, c, true))
    for (const c of pod.containers ?? []) problems.push(...containerProblems(object, pod, c))
    if (object.kind === 'Deployment') problems.push(...deploymentProblems(object, pod, configMaps))
  }
  return problems
}
