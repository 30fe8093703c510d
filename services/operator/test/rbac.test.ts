import t from 'tap'
import {
  CoordinationV1Api,
  CoreV1Api,
  loadAllYaml,
  RbacAuthorizationV1Api,
  type V1ConfigMap,
  type V1Lease,
  type V1Role,
  type V1RoleBinding,
  type V1ServiceAccount,
} from '@kubernetes/client-node'
import { startRotatingTokenIssuer, waitFor } from '@expenses/testing'
import { helm, KUBE_VERSION } from '../../../test/k8s/helpers.js'
import { apiStatus, kubeClients } from '../src/kubernetes.js'
import { KubernetesError } from '../src/reconciler.js'
import { secretNameForKid } from '../src/naming.js'
import { ROTATE_NOW_ANNOTATION } from '../src/tracker/rotation.js'
import { trackerApi } from './tracker-helper.js'
import { CONSUMER, loadKubeConfig, managedKids, managedSecrets, newNamespace, readConsumer, reconcilerFor, startControlPlane, startOperator } from './helper.js'

// The generated chart's ServiceAccount, Role and RoleBinding applied to a real apiserver running RBAC, and
// the operator's reconcile run with that ServiceAccount's own token: proves the Role grants enough, and
// that it grants nothing outside the release namespace.
const { kube, clients, kubeConfig } = await startControlPlane(t, ['kongConsumers', 'kongPlugins', 'kafkaTopics', 'kafkaUsers', 'expenseTrackers'])
const issuer = await startRotatingTokenIssuer()
t.teardown(() => issuer.close())

/** Renders charts/operator into `namespace` and applies its RBAC objects; returns the ServiceAccount's token. */
async function installChartRbac(namespace: string, options: { binding: boolean }): Promise<string> {
  const rendered = helm(['template', 'ops', 'charts/operator', '-n', namespace, '--kube-version', KUBE_VERSION])
  if (rendered.code !== 0) throw new Error(`helm template charts/operator failed:\n${rendered.stderr}`)
  const objects = loadAllYaml(rendered.stdout) as { kind: string }[]
  const core = kubeConfig.makeApiClient(CoreV1Api)
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api)
  const account = objects.find((o) => o.kind === 'ServiceAccount') as V1ServiceAccount
  const role = objects.find((o) => o.kind === 'Role') as V1Role
  const binding = objects.find((o) => o.kind === 'RoleBinding') as V1RoleBinding
  const configMap = objects.find((o) => o.kind === 'ConfigMap') as V1ConfigMap
  const lease = objects.find((o) => o.kind === 'Lease') as V1Lease
  await core.createNamespacedConfigMap({ namespace, body: configMap })
  // The chart creates the Lease; the Role may only read and renew it.
  await kubeConfig.makeApiClient(CoordinationV1Api).createNamespacedLease({ namespace, body: lease })
  await core.createNamespacedServiceAccount({ namespace, body: account })
  await rbac.createNamespacedRole({ namespace, body: role })
  if (options.binding) await rbac.createNamespacedRoleBinding({ namespace, body: binding })
  const request = await core.createNamespacedServiceAccountToken({
    namespace,
    name: account.metadata?.name ?? '',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  })
  const token = request.status?.token
  if (!token) throw new Error('TokenRequest returned no token')
  return token
}

t.test("with the chart's Role and RoleBinding the ServiceAccount can run every step: create, rotate, retire", async (t) => {
  const namespace = await newNamespace(clients)
  const token = await installChartRbac(namespace, { binding: true })
  const asOperator = kubeClients(loadKubeConfig(kube.kubeconfigFor(token, `operator-${namespace}`)))
  // The owner the chart's ConfigMap names (itself), read with the Role's resourceNames-scoped get.
  const reconciler = reconcilerFor(asOperator, namespace, issuer.jwksUrl, { ownerConfigMap: 'ops-operator' })

  const first = await reconciler.reconcile()
  t.equal(first.consumer, 'created')
  const owner = await clients.core.readNamespacedConfigMap({ name: 'ops-operator', namespace })
  t.equal(owner.data?.OPERATOR_OWNER_CONFIGMAP, 'ops-operator', 'the chart names its own ConfigMap as the owner')
  t.equal(first.ownerUid, owner.metadata?.uid, 'the ServiceAccount may read its owner ConfigMap')
  await clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'someone-elses' } } })
  const other = await asOperator.core.readNamespacedConfigMap({ name: 'someone-elses', namespace }).then(
    () => 200,
    (err) => apiStatus(err),
  )
  t.equal(other, 403, 'but no other ConfigMap (resourceNames)')
  const oldKid = issuer.signingKid
  const newKid = issuer.rotate()
  t.equal((await reconciler.reconcile()).consumer, 'updated')
  issuer.retire(oldKid)
  t.equal((await reconciler.reconcile()).deleted.length, 1)
  t.same(await managedKids(clients, namespace), [newKid])
  t.equal((await readConsumer(clients, namespace))?.credentials?.length, 1)
})

t.test('the whole operator runs as the ServiceAccount: its watch is allowed and repairs a deleted Secret', async (t) => {
  const namespace = await newNamespace(clients)
  const token = await installChartRbac(namespace, { binding: true })
  // The Lease the chart's ConfigMap names, which is the one Lease the Role lets it read and renew.
  const { app } = await startOperator(t, {
    kubeConfig: loadKubeConfig(kube.kubeconfigFor(token, `operator-loop-${namespace}`)),
    namespace,
    jwksUrl: issuer.jwksUrl,
    env: { LEASE_NAME: 'ops-operator' },
  })
  await waitFor(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, { what: 'ready as the ServiceAccount' })
  const name = secretNameForKid(CONSUMER, issuer.signingKid)
  await clients.core.deleteNamespacedSecret({ namespace, name })
  await waitFor(async () => (await managedSecrets(clients, namespace)).has(name), { timeoutMs: 15_000, what: 'recreated through the watch' })
  t.pass('recreated')
})

t.test('the Role grants nothing in another namespace', async (t) => {
  const home = await newNamespace(clients)
  const elsewhere = await newNamespace(clients)
  const token = await installChartRbac(home, { binding: true })
  const asOperator = kubeClients(loadKubeConfig(kube.kubeconfigFor(token, `operator-away-${home}`)))
  await t.rejects(reconcilerFor(asOperator, elsewhere, issuer.jwksUrl).reconcile(), { name: 'KubernetesError', message: /list managed Secrets: HTTP 403/ })
})

t.test('without the RoleBinding the ServiceAccount is forbidden and the failure is a KubernetesError', async (t) => {
  const namespace = await newNamespace(clients)
  const token = await installChartRbac(namespace, { binding: false })
  const asOperator = kubeClients(loadKubeConfig(kube.kubeconfigFor(token, `operator-unbound-${namespace}`)))
  const err = await reconcilerFor(asOperator, namespace, issuer.jwksUrl)
    .reconcile()
    .catch((e: unknown) => e)
  t.type(err, KubernetesError)
  t.match((err as Error).message, /HTTP 403/)
  t.equal(await readConsumer(clients, namespace, CONSUMER), undefined, 'nothing was written')
})

t.test("when the KongConsumer cannot be updated, the retired key's Secret is not deleted (consumer first, deletes last)", async (t) => {
  const namespace = await newNamespace(clients)
  const token = await installChartRbac(namespace, { binding: true })
  const asOperator = kubeClients(loadKubeConfig(kube.kubeconfigFor(token, `operator-order-${namespace}`)))
  const rotating = await startRotatingTokenIssuer()
  t.teardown(() => rotating.close())
  const reconciler = reconcilerFor(asOperator, namespace, rotating.jwksUrl)
  await reconciler.reconcile()
  const oldKid = rotating.signingKid
  rotating.rotate()
  await reconciler.reconcile()

  // Take away the right to change the consumer (the Role keeps get/list/create only).
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api)
  const role = (await rbac.listNamespacedRole({ namespace })).items[0]
  if (!role?.metadata?.name) throw new Error('no Role')
  const rules = (role.rules ?? []).map((r) => (r.resources?.includes('kongconsumers') ? { ...r, verbs: ['get', 'list', 'create'] } : r))
  await rbac.replaceNamespacedRole({ namespace, name: role.metadata.name, body: { ...role, rules } })

  rotating.retire(oldKid)
  await t.rejects(reconciler.reconcile(), { name: 'KubernetesError', message: /update KongConsumer .*HTTP 403/ })
  t.same(await managedKids(clients, namespace), [oldKid, rotating.signingKid].sort(), 'the old credential is still there')
  t.equal((await readConsumer(clients, namespace))?.credentials?.length, 2, 'and still listed')
})

t.test('no rule of the chart grants "*", in any values file, and there is no ClusterRole', async (t) => {
  const files = ['ci/default-values.yaml', 'ci/production-values.yaml', 'ci/minimal-values.yaml']
  let rules = 0
  for (const file of files) {
    const rendered = helm(['template', 'ops', 'charts/operator', '-f', `charts/operator/${file}`, '--kube-version', KUBE_VERSION])
    t.equal(rendered.code, 0, rendered.stderr)
    const objects = loadAllYaml(rendered.stdout) as { kind: string; rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[] }[]
    t.notOk(
      objects.some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'),
      `${file}: namespaced only`,
    )
    for (const rule of objects.filter((o) => o.kind === 'Role').flatMap((o) => o.rules ?? [])) {
      rules++
      const wildcard = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...(rule.verbs ?? [])].filter((v) => v.includes('*'))
      t.same(wildcard, [], `${file}: ${JSON.stringify(rule)} grants no wildcard`)
    }
  }
  t.ok(rules > 10, `${rules} rules checked`)
})

t.test('the ExpenseTracker controller runs as the ServiceAccount: apply, status, Events, the rotation Job, the Lease, cleanup', async (t) => {
  const namespace = await newNamespace(clients)
  const token = await installChartRbac(namespace, { binding: true })
  const api = trackerApi(kubeConfig, namespace)
  await api.deployment('auth-service', { available: true })
  await startOperator(t, {
    kubeConfig: loadKubeConfig(kube.kubeconfigFor(token, `operator-tracker-${namespace}`)),
    namespace,
    jwksUrl: issuer.jwksUrl,
    env: { LEASE_NAME: 'ops-operator' },
  })
  await api.create('ops', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] }, deployments: ['auth-service'] }, { [ROTATE_NOW_ANNOTATION]: 'check' })
  const tracker = await waitFor(
    async () => {
      const now = await api.read('ops')
      return now?.status?.keys?.lastRotationJob && api.condition(now, 'Degraded')?.status === 'False' ? now : undefined
    },
    { what: 'reconciled as the ServiceAccount', timeoutMs: 30_000 },
  )
  t.equal(api.condition(tracker, 'Ready')?.reason, 'WaitingForTopics', 'nothing refused: only Strimzi is missing, as everywhere here')
  t.equal((await api.list('KafkaTopic', 'ops')).length, 10)
  t.equal((await api.list('KafkaUser', 'ops')).length, 4)
  t.equal((await api.list('KongPlugin', 'ops')).length, 1)
  t.equal((await api.jobs('ops')).length, 1, 'the Job was created')
  t.ok((await api.events('ops')).length > 0, 'Events were written')
  const lease = await kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'ops-operator', namespace })
  t.ok(lease.spec?.holderIdentity, 'the Lease was taken')
  await api.remove('ops')
  await waitFor(async () => (await api.read('ops')) === undefined, { what: 'cleaned up and released', timeoutMs: 20_000 })
  t.same(await api.list('KafkaTopic', 'ops'), [])
})
