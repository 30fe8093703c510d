import t, { type Test } from 'tap'
import { createLogger } from '@expenses/platform'
import { startRotatingTokenIssuer, waitFor } from '@expenses/testing'
import { apiStatus } from '../src/kubernetes.js'
import { DEFAULT_SPEC, type ExpenseTracker } from '../src/tracker/crd.js'
import { EventRecorder } from '../src/tracker/events.js'
import { trackerClients } from '../src/tracker/kube.js'
import { FINALIZER, TrackerReconciler } from '../src/tracker/reconcile.js'
import { ROTATE_NOW_ANNOTATION } from '../src/tracker/rotation.js'
import { installCrds, newNamespace, startControlPlane, startOperator } from './helper.js'
import { trackerApi } from './tracker-helper.js'

// The ExpenseTracker controller against a real kube-apiserver with Kong's and Strimzi's real CRDs and our
// own. What cannot run here is played by the test and said so where it happens: Strimzi's operators (a
// Ready condition on topics and users) and the Deployment controller (a Deployment's status).
const { kubeConfig, clients } = await startControlPlane(t, ['kongConsumers', 'kongPlugins', 'kafkaTopics', 'kafkaUsers', 'expenseTrackers'])
const issuer = await startRotatingTokenIssuer()
t.teardown(() => issuer.close())

const TOPICS = 10 // 5 event topics and their dead-letter topics (packages/events/src/topics.ts)
const USERS = 4 // auth-, user-, ds- and expense-service

async function setup(t: Test) {
  const namespace = await newNamespace(clients)
  const api = trackerApi(kubeConfig, namespace)
  const operator = await startOperator(t, { kubeConfig, namespace, jwksUrl: issuer.jwksUrl, env: { SYNC_INTERVAL_MS: '60000' } })
  return { namespace, api, operator }
}

/** Polls until `probe` gives something truthy, and returns it. */
const until = <T>(probe: () => Promise<T | false | undefined>, what: string, timeoutMs = 20_000) =>
  waitFor(async () => (await probe()) || undefined, { what, timeoutMs, intervalMs: 100 })

async function rejection(fn: () => Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await fn()
    return { status: 200, message: '' }
  } catch (err) {
    const body = (err as { body?: unknown }).body
    return { status: apiStatus(err), message: typeof body === 'string' ? body : JSON.stringify(body) }
  }
}

t.test('the CRD fills an empty spec with its defaults and refuses what Kafka or the JWKS could not live with', async (t) => {
  const namespace = await newNamespace(clients)
  const api = trackerApi(kubeConfig, namespace)
  const created = await api.create('defaults', {})
  t.same(created.spec, DEFAULT_SPEC, 'spec: {} becomes DEFAULT_SPEC (the static k8s/strimzi YAML is made from it)')
  t.equal(created.spec.kafka.strimzi, true)

  const refused = async (spec: Record<string, unknown>, pattern: RegExp, what: string, status = 422) => {
    const result = await rejection(() => api.create(`bad-${Math.random().toString(16).slice(2, 8)}`, spec))
    t.equal(result.status, status, `${what}: ${status}`)
    t.match(result.message, pattern, `${what}: the message says why`)
  }
  await refused({ topics: { replicas: 1, minInSyncReplicas: 2 } }, /minInSyncReplicas cannot exceed replicas/, 'min ISR above replicas')
  await refused(
    { signingKeys: { rotationPeriodHours: 1, retainOldKeysMinutes: 60 } },
    /retainOldKeysMinutes must be shorter than the rotation period/,
    'retention not shorter than the period',
  )
  await refused({ rateLimits: { tiers: [{ name: 'Login!', perMinute: 10 }] } }, /name/, 'a tier name that is no DNS label')
  await refused({ rateLimits: { tiers: [{ name: 'login', perMinute: 10, perHour: 5 }] } }, /perHour cannot be below perMinute/, 'perHour below perMinute')
  await refused(
    {
      rateLimits: {
        tiers: [
          { name: 'a', perMinute: 1 },
          { name: 'a', perMinute: 2 },
        ],
      },
    },
    /Duplicate value/,
    'two tiers of one name',
  )
  await refused({ topics: { partitions: 0 } }, /partitions/, 'zero partitions')
  await refused({ surprise: true }, /unknown field \\"spec.surprise\\"/, 'an unknown field (strict validation, as kubectl sends)', 400)

  await api.patchSpec('defaults', { topics: { partitions: 12 } })
  const shrink = await rejection(() => api.patchSpec('defaults', { topics: { partitions: 8 } }))
  t.equal(shrink.status, 422, 'partitions cannot shrink')
  t.match(shrink.message, /partitions can only grow/)
})

t.test('a tracker gets its topics, users and rate-limit plugins, a finalizer, Events, and a status that turns Ready', async (t) => {
  const { api, operator } = await setup(t)
  await api.deployment('auth-service', { available: true })
  await api.deployment('expense-service', { available: false })
  const tracker = await api.create('expenses', {
    rateLimits: {
      tiers: [
        { name: 'auth-login', perMinute: 10 },
        { name: 'expense', perMinute: 600, perHour: 20_000, limitBy: 'consumer' },
      ],
    },
    deployments: ['auth-service', 'expense-service'],
  })

  await until(async () => (await api.list('KongPlugin', 'expenses')).length === 2, 'the plugins (applied last)')
  const topics = await api.list('KafkaTopic', 'expenses')
  const users = await api.list('KafkaUser', 'expenses')
  const plugins = await api.list('KongPlugin', 'expenses')
  t.equal(topics.length, TOPICS, 'one KafkaTopic per topic of the event kit')
  t.equal(users.length, USERS, 'one KafkaUser per service')
  t.same(
    plugins.map((p) => p.metadata.name).sort(),
    ['expenses-auth-login-rate-limit', 'expenses-expense-rate-limit'],
    'one KongPlugin per tier, named as the Ingresses reference them',
  )
  const expense = plugins.find((p) => p.metadata.name === 'expenses-expense-rate-limit')
  t.same(expense?.config, { minute: 600, hour: 20_000, policy: 'local', limit_by: 'consumer' })
  for (const object of [...topics, ...users, ...plugins]) {
    const owner = object.metadata.ownerReferences?.[0]
    if (owner?.uid !== tracker.metadata.uid || owner?.controller !== true) t.fail(`${object.metadata.name} is not controlled by the tracker`)
    if (object.metadata.labels?.['strimzi.io/cluster'] === undefined && object.plugin === undefined)
      t.fail(`${object.metadata.name} has no strimzi.io/cluster label`)
  }
  const event = topics.find((o) => o.metadata.name === 'bank-message.received.v1')
  t.same(event?.spec, {
    topicName: 'bank-message.received.v1',
    partitions: 6,
    replicas: 1,
    config: { 'retention.ms': 14 * 86_400_000, 'min.insync.replicas': 1 },
  })
  const dlq = topics.find((o) => o.metadata.name === 'bank-message.received.v1.dlq')
  t.same(dlq?.spec, {
    topicName: 'bank-message.received.v1.dlq',
    partitions: 1,
    replicas: 1,
    config: { 'retention.ms': 720 * 3_600_000, 'min.insync.replicas': 1 },
  })
  const ds = users.find((u) => u.metadata.name === 'ds-service')
  t.ok(JSON.stringify(ds?.spec).includes('expense.parsed.v1'), "ds-service's ACLs name the topic it writes")

  let current = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Ready')?.reason === 'WaitingForTopics' ? now : undefined
  }, 'status written')
  t.ok(current.metadata.finalizers?.includes(FINALIZER), 'the finalizer is on')
  t.equal(api.condition(current, 'Progressing')?.status, 'True')
  t.equal(api.condition(current, 'Degraded')?.status, 'False')
  t.equal(current.status?.kafka?.summary, `0/${TOPICS} topics, 0/${USERS} users`)
  t.equal(current.status?.observedGeneration, current.metadata.generation)

  // Strimzi's part, played here: the topic and user operators mark what Kafka has.
  for (const topic of topics) await api.markReady('KafkaTopic', topic.metadata.name)
  current = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Ready')?.reason === 'WaitingForUsers' ? now : undefined
  }, 'waiting for users')
  for (const user of users) await api.markReady('KafkaUser', user.metadata.name)
  current = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Ready')?.reason === 'WaitingForDeployments' ? now : undefined
  }, 'waiting for the unavailable Deployment')
  t.match(api.condition(current, 'Ready')?.message, /expense-service/)
  // The Deployment controller's part, played here: expense-service's pods became available.
  await api.deploymentAvailable('expense-service')
  current = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Ready')?.status === 'True' ? now : undefined
  }, 'Ready')
  t.equal(api.condition(current, 'Ready')?.reason, 'AllReady')
  t.equal(api.condition(current, 'Progressing')?.status, 'False')
  t.equal(current.status?.kafka?.summary, `${TOPICS}/${TOPICS} topics, ${USERS}/${USERS} users`)
  t.equal(current.status?.keys?.published, 1, 'the one key of the JWKS, with its Kong credential')
  t.same(current.status?.deployments, { available: 2, total: 2 })

  const events = await api.events('expenses')
  t.equal(events.filter((e) => e.reason === 'Created').length, TOPICS + USERS + 2, 'one Event per object created')
  t.ok(
    events.every((e) => e.type === 'Normal'),
    'no warnings',
  )

  // An idle pass changes nothing: no new Events, the status' transition times stay.
  const stamp = api.condition(current, 'Ready')?.lastTransitionTime
  operator.operator.trackers.enqueueAll()
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  t.equal((await api.events('expenses')).length, events.length, 'a pass with nothing to do records nothing')
  t.equal(api.condition(await api.read('expenses'), 'Ready')?.lastTransitionTime, stamp)
  t.match(await metrics(operator), /operator_tracker_reconciles_total\{[^}]*outcome="ok"[^}]*\} [1-9]/)
  t.match(await metrics(operator), /operator_workqueue_depth\{[^}]*\} 0/)
})

t.test('a spec change is applied: partitions, retention and tiers; a tier removed takes its plugin with it', async (t) => {
  const { api } = await setup(t)
  await api.create('expenses', {
    rateLimits: {
      tiers: [
        { name: 'login', perMinute: 10 },
        { name: 'other', perMinute: 600 },
      ],
    },
  })
  await until(async () => (await api.list('KongPlugin', 'expenses')).length === 2, 'the plugins')
  await api.patchSpec('expenses', { topics: { partitions: 8, retentionHours: 48 }, rateLimits: { tiers: [{ name: 'login', perMinute: 20 }] } })

  const topic = await until(async () => {
    const now = await api.get('KafkaTopic', 'expense.parsed.v1')
    return now?.spec?.partitions === 8 ? now : undefined
  }, 'partitions 8')
  t.same(topic.spec?.config, { 'retention.ms': 48 * 3_600_000, 'min.insync.replicas': 1 })
  t.equal((await api.get('KafkaTopic', 'expense.parsed.v1.dlq'))?.spec?.partitions, 1, 'dead-letter topics keep one partition')
  const plugins = await until(async () => {
    const now = await api.list('KongPlugin', 'expenses')
    return now.length === 1 && now[0]?.config?.minute === 20 ? now : undefined
  }, 'the tier change')
  t.equal(plugins[0]?.metadata.name, 'expenses-login-rate-limit')
  const status = await until(async () => {
    const now = await api.read('expenses')
    return now?.status?.observedGeneration === now?.metadata.generation && (now?.metadata.generation ?? 0) >= 2 ? now : undefined
  }, 'observedGeneration caught up')
  t.equal(status.status?.gateway?.rateLimitTiers, 1)
  t.ok(
    (await api.events('expenses')).some((e) => e.reason === 'Deleted' && e.message.includes('expenses-other-rate-limit')),
    'the removal has its Event',
  )
})

t.test('drift is repaired at once: a deleted topic comes back, an edited plugin is set back, foreign objects are left alone', async (t) => {
  const { api } = await setup(t)
  await api.create('expenses', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] } })
  await until(async () => (await api.list('KongPlugin', 'expenses')).length === 1, 'set up (plugins are applied last)')
  await api.patch('KongPlugin', 'expenses-login-rate-limit', { config: { minute: 9999 } })
  await api.delete('KafkaTopic', 'user.registered.v1')
  // Someone else's plugin in the same namespace, without our label: never ours to prune.
  const { custom } = clients
  const namespace = (await api.read('expenses'))?.metadata.namespace ?? ''
  await custom.createNamespacedCustomObject({
    group: 'configuration.konghq.com',
    version: 'v1',
    plural: 'kongplugins',
    namespace,
    body: { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata: { name: 'someone-elses' }, plugin: 'cors' },
  })

  await until(async () => (await api.get('KafkaTopic', 'user.registered.v1')) !== undefined, 'the deleted topic restored')
  await until(async () => (await api.get('KongPlugin', 'expenses-login-rate-limit'))?.config?.minute === 10, 'the edited plugin set back')
  t.pass('both repaired by the watch, long before the 60 s resync')
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  t.ok(await api.get('KongPlugin', 'someone-elses'), 'an unlabelled object is never pruned')
})

t.test('with kafka.strimzi false (Kafka not run by Strimzi) no topics or users are made, earlier ones are pruned, and Ready needs no Strimzi', async (t) => {
  const { api } = await setup(t)
  await api.create('expenses', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] } })
  await until(async () => (await api.list('KafkaUser', 'expenses')).length === USERS, 'made while strimzi is true')
  await api.patchSpec('expenses', { kafka: { strimzi: false } })
  await until(async () => (await api.list('KafkaTopic', 'expenses')).length === 0 && (await api.list('KafkaUser', 'expenses')).length === 0, 'pruned')
  const ready = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Ready')?.status === 'True' ? now : undefined
  }, 'Ready without any topic')
  t.equal(ready.status?.kafka?.summary, 'not managed (spec.kafka.strimzi: false)')
  t.equal((await api.list('KongPlugin', 'expenses')).length, 1, 'the rest is still made')
})

t.test('deleting the tracker deletes what it owns, then the finalizer lets it go', async (t) => {
  const { api } = await setup(t)
  await api.create('expenses', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] } })
  await until(
    async () => (await api.list('KafkaUser', 'expenses')).length === USERS && (await api.read('expenses'))?.metadata.finalizers?.includes(FINALIZER),
    'set up',
  )
  await api.remove('expenses')
  await until(async () => (await api.read('expenses')) === undefined, 'the tracker gone')
  t.same(await api.list('KafkaTopic', 'expenses'), [], 'no topic left')
  t.same(await api.list('KafkaUser', 'expenses'), [], 'no user left')
  t.same(await api.list('KongPlugin', 'expenses'), [], 'no plugin left')
})

t.test("signing keys rotate through auth-service's own job, once per request, and a failed job shows as Degraded", async (t) => {
  const { api } = await setup(t)
  await api.deployment('auth-service', {
    available: true,
    image: 'registry.example.com/expenses/auth-service:1.2.3',
    env: [{ name: 'ACCESS_TOKEN_TTL_SECONDS', value: '900' }],
  })
  await api.create('expenses', { signingKeys: { retainOldKeysMinutes: 45 } }, { [ROTATE_NOW_ANNOTATION]: 'suspected-leak-1' })

  const jobs = await until(async () => {
    const now = await api.jobs('expenses')
    return now.length === 1 ? now : undefined
  }, 'the rotation Job')
  const job = jobs[0]
  const container = job?.spec?.template.spec?.containers[0]
  t.equal(container?.image, 'registry.example.com/expenses/auth-service:1.2.3', "auth-service's own image")
  t.same(container?.command, ['node', 'dist/rotate-keys.js'], 'its rotate-keys job')
  t.same(
    container?.env,
    [
      { name: 'ACCESS_TOKEN_TTL_SECONDS', value: '900' },
      { name: 'RETAIN_OLD_KEY_SECONDS', value: '2700' },
    ],
    "its environment, plus the tracker's retention",
  )
  t.equal(job?.spec?.template.metadata?.labels?.['app.kubernetes.io/name'], 'auth-service-rotate-keys', "never selected by auth-service's Service")
  t.equal(job?.spec?.template.spec?.restartPolicy, 'Never')
  t.equal(job?.metadata?.ownerReferences?.[0]?.kind, 'ExpenseTracker')

  const rotating = await until(async () => {
    const now = await api.read('expenses')
    return now?.status?.keys?.lastRotationJob === job?.metadata?.name ? now : undefined
  }, 'the status names the Job')
  t.match(api.condition(rotating, 'Progressing')?.message, /rotation Job .* running/, 'Progressing says the rotation runs')
  t.ok(rotating.status?.keys?.nextRotationTime, 'the next scheduled rotation is shown')
  t.ok((await api.events('expenses')).some((e) => e.reason === 'RotatingSigningKey'))

  // The same request is served once, however often the tracker is looked at.
  await api.patchSpec('expenses', { topics: { partitions: 7 } })
  await until(async () => (await api.read('expenses'))?.status?.observedGeneration === 2, 'another pass')
  t.equal((await api.jobs('expenses')).length, 1, 'no second Job for the same request')

  // The Job controller's part, played here: the Job ran out of retries.
  await api.failJob(job?.metadata?.name ?? '')
  const failed = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Degraded')?.reason === 'KeyRotationFailed' ? now : undefined
  }, 'Degraded')
  t.match(api.condition(failed, 'Degraded')?.message, /kubectl logs job\//)

  await api.annotate('expenses', { [ROTATE_NOW_ANNOTATION]: 'suspected-leak-2' })
  await until(async () => (await api.jobs('expenses')).length === 2, 'a new request, a new Job')
})

t.test('a scheduled rotation: nothing before the period is over, one Job once it is, the next counted from it', async (t) => {
  // The reconciler alone (no loop), with a clock the test moves: a period is an hour at least.
  const namespace = await newNamespace(clients)
  const api = trackerApi(kubeConfig, namespace)
  await api.deployment('auth-service', { available: true })
  const created = await api.create('expenses', { signingKeys: { rotationPeriodHours: 24, retainOldKeysMinutes: 30 } })
  const start = new Date(created.metadata.creationTimestamp ?? Date.now()).getTime()
  let now = start
  const clientsFor = trackerClients(kubeConfig)
  const logger = createLogger({ service: 'operator', level: 'silent' })
  const reconciler = new TrackerReconciler({
    clients: clientsFor,
    namespace,
    logger,
    keyState: () => ({ ok: true, published: 1, message: 'in step' }),
    events: new EventRecorder(clientsFor.core, logger, 'test'),
    now: () => new Date(now),
  })
  now = start + 23 * 3_600_000
  await reconciler.reconcile('expenses')
  t.same(await api.jobs('expenses'), [], 'no rotation before the period is over')
  now = start + 24 * 3_600_000 + 1_000
  await reconciler.reconcile('expenses')
  const jobs = await api.jobs('expenses')
  t.equal(jobs.length, 1, 'one Job once it is')
  const status = (await api.read('expenses'))?.status?.keys
  t.equal(status?.lastRotationTime, new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'))
  t.equal(status?.nextRotationTime, new Date(now + 24 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), 'the next one counted from this one')
  now += 3_600_000
  await reconciler.reconcile('expenses')
  t.equal((await api.jobs('expenses')).length, 1, 'an hour later: still one')
})

t.test('a rotation with no auth-service Deployment to run in is Degraded, with the setting to fix', async (t) => {
  const { api } = await setup(t)
  await api.create('expenses', { signingKeys: { authDeployment: 'no-such-auth' } }, { [ROTATE_NOW_ANNOTATION]: 'now' })
  const tracker = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Degraded')?.status === 'True' ? now : undefined
  }, 'Degraded')
  t.equal(api.condition(tracker, 'Degraded')?.reason, 'KeyRotationFailed')
  t.match(api.condition(tracker, 'Degraded')?.message, /no-such-auth.*spec\.signingKeys\.authDeployment/)
  t.same(await api.jobs('expenses'), [])
})

t.test('while Strimzi is not installed the tracker is Degraded and says so; once its CRDs appear the topics follow', async (t) => {
  // A control plane of its own: Kong's CRDs and ours, Strimzi's not (yet).
  const plane = await startControlPlane(t, ['kongConsumers', 'kongPlugins', 'expenseTrackers'])
  const namespace = await newNamespace(plane.clients)
  const api = trackerApi(plane.kubeConfig, namespace)
  await startOperator(t, { kubeConfig: plane.kubeConfig, namespace, jwksUrl: issuer.jwksUrl, env: { SYNC_INTERVAL_MS: '60000', RETRY_MAX_MS: '1000' } })
  await api.create('expenses', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] }, deployments: ['auth-service'] })

  const degraded: ExpenseTracker = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Degraded')?.status === 'True' ? now : undefined
  }, 'Degraded')
  t.equal(api.condition(degraded, 'Degraded')?.reason, 'DependencyMissing')
  t.match(api.condition(degraded, 'Degraded')?.message, /kafkatopics\.kafka\.strimzi\.io, kafkausers\.kafka\.strimzi\.io/)
  t.equal(api.condition(degraded, 'Ready')?.status, 'False')
  t.equal(degraded.status?.kafka?.summary, 'Strimzi CRDs missing')
  t.equal((await api.list('KongPlugin', 'expenses')).length, 1, 'what can be made is made meanwhile')

  await installCrds(plane.kubeConfig, ['kafkaTopics', 'kafkaUsers'])
  await until(async () => (await api.list('KafkaTopic', 'expenses')).length === TOPICS, 'the topics, once Strimzi is there', 30_000)
  const after = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Degraded')?.reason === 'DeploymentMissing' ? now : undefined
  }, 'the next problem: the Deployment')
  t.match(api.condition(after, 'Degraded')?.message, /auth-service/)
  await api.deployment('auth-service', { available: true })
  const fine = await until(async () => {
    const now = await api.read('expenses')
    return api.condition(now, 'Degraded')?.status === 'False' ? now : undefined
  }, 'no longer Degraded')
  t.equal(api.condition(fine, 'Ready')?.reason, 'WaitingForTopics', 'now only waiting for Strimzi to make the topics')
})

async function metrics(operator: Awaited<ReturnType<typeof startOperator>>): Promise<string> {
  return (await operator.app.inject({ method: 'GET', url: '/metrics' })).body
}
