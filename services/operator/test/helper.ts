import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ApiextensionsV1Api, KubeConfig, loadYaml, type V1CustomResourceDefinition, type V1Secret } from '@kubernetes/client-node'
import { createLogger } from '@expenses/platform'
import { startTestKubeApiserver, waitFor, type TestKubeApiserver } from '@expenses/testing'
import { buildOperatorApp } from '../src/app.js'
import { loadOperatorConfig } from '../src/config.js'
import { KONG_CONSUMER, kubeClients, type KongConsumer, type KubeClients } from '../src/kubernetes.js'
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../src/naming.js'
import { Reconciler } from '../src/reconciler.js'

/**
 * Kong's real KongConsumer CRD (github.com/kong/kubernetes-configuration, config/crd/ingress-controller),
 * extracted from its Go module by scripts/tools/install.sh.
 */
const KONG_CONSUMER_CRD = path.resolve(import.meta.dirname, '../../../.tools/crds/kong/configuration.konghq.com_kongconsumers.yaml')

function kongConsumerCrd(): V1CustomResourceDefinition {
  if (!existsSync(KONG_CONSUMER_CRD)) {
    const message = `${KONG_CONSUMER_CRD} is missing: run bash scripts/tools/install.sh`
    console.error(message)
    throw new Error(message)
  }
  return loadYaml<V1CustomResourceDefinition>(readFileSync(KONG_CONSUMER_CRD, 'utf8'))
}

export interface ControlPlane {
  kube: TestKubeApiserver
  kubeConfig: KubeConfig
  clients: KubeClients
}

export function loadKubeConfig(file: string): KubeConfig {
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromFile(file)
  return kubeConfig
}

/** A real etcd + kube-apiserver for this test file, with the KongConsumer CRD installed. */
export async function startControlPlane(t: Test): Promise<ControlPlane> {
  const kube = await startTestKubeApiserver()
  t.teardown(() => kube.stop())
  const kubeConfig = loadKubeConfig(kube.kubeconfigPath)
  const clients = kubeClients(kubeConfig)
  const crds = kubeConfig.makeApiClient(ApiextensionsV1Api)
  const crd = kongConsumerCrd()
  await crds.createCustomResourceDefinition({ body: crd })
  const name = crd.metadata?.name ?? ''
  await waitFor(
    async () => {
      const current = await crds.readCustomResourceDefinition({ name })
      return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
    },
    { what: 'KongConsumer CRD established' },
  )
  // Established can precede the first request being routed; a list proves the resource is served.
  await waitFor(
    () =>
      clients.custom
        .listNamespacedCustomObject({ group: KONG_CONSUMER.group, version: KONG_CONSUMER.version, plural: KONG_CONSUMER.plural, namespace: 'default' })
        .then(() => true, () => false),
    { what: 'kongconsumers served' },
  )
  return { kube, kubeConfig, clients }
}

/** A fresh namespace per test, so tests in one file never see each other's Secrets. */
export async function newNamespace(clients: KubeClients): Promise<string> {
  const name = `op-${randomBytes(4).toString('hex')}`
  await clients.core.createNamespace({ body: { metadata: { name } } })
  return name
}

export const CONSUMER = 'expenses-auth-service'

export function reconcilerFor(clients: KubeClients, namespace: string, jwksUrl: string, options: { ownerConfigMap?: string } = {}): Reconciler {
  return new Reconciler({ clients, namespace, consumer: CONSUMER, jwksUrl, jwksTimeoutMs: 2_000, ingressClass: 'kong', ...options })
}

/** Secrets carrying our managed-by label, by name. */
export async function managedSecrets(clients: KubeClients, namespace: string): Promise<Map<string, V1Secret>> {
  const list = await clients.core.listNamespacedSecret({ namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` })
  return new Map(list.items.map((s) => [s.metadata?.name ?? '', s]))
}

export async function readConsumer(clients: KubeClients, namespace: string, name = CONSUMER): Promise<KongConsumer | undefined> {
  try {
    return (await clients.custom.getNamespacedCustomObject({
      group: KONG_CONSUMER.group,
      version: KONG_CONSUMER.version,
      plural: KONG_CONSUMER.plural,
      namespace,
      name,
    })) as KongConsumer
  } catch {
    return undefined
  }
}

/** A Secret's data, base64-decoded. */
export function decoded(secret: V1Secret | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
}

/** The kids our Secrets carry (data.key), sorted. */
export async function managedKids(clients: KubeClients, namespace: string): Promise<string[]> {
  return [...(await managedSecrets(clients, namespace)).values()].map((s) => decoded(s).key ?? '').sort()
}

/** The operator (reconcile loop + HTTP app) in-process, as main.ts builds it; stopped at teardown. */
export async function startOperator(
  t: Test,
  options: { kubeConfig: KubeConfig; namespace: string; jwksUrl: string; intervalMs?: number; env?: Record<string, string> },
) {
  const config = loadOperatorConfig({
    OPERATOR_NAMESPACE: options.namespace,
    AUTH_JWKS_URL: options.jwksUrl,
    KONG_CONSUMER_NAME: CONSUMER,
    SYNC_INTERVAL_MS: String(options.intervalMs ?? 60_000),
    RETRY_MAX_MS: '1000',
    JWKS_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...options.env,
  })
  const built = await buildOperatorApp({ config, kubeConfig: options.kubeConfig, logger: createLogger({ service: 'operator', level: 'silent' }) })
  built.operator.start()
  t.teardown(async () => {
    await built.operator.stop()
    await built.app.close()
  })
  return built
}
