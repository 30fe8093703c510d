/**
 * The umbrella chart on a real single-node Kubernetes (kubelet, containerd + runc, CNI bridge, CoreDNS;
 * scripts/cluster/cluster.sh), as a platform team meets it: helm install --wait, helm test, a user's
 * journey through the in-cluster gateway, the operator across a key rotation (its Job, run by the real Job
 * controller) and a leader change, pods deleted under load,
 * a rolling upgrade under traffic and an uninstall. The subtests run in order on one release.
 *
 * Not real here (nothing can run them without a registry): Kong (the project's gateway serves instead,
 * generated from the same api/routes.yaml) and the Strimzi operator (the chart's dev Kafka serves; the
 * Strimzi objects are applied so the real API server checks them against the real CRDs).
 */
import t from 'tap'
import { eventually, expectSettledExactlyOnce, messages, newUser, type Client } from '../e2e/support.js'
import { gatewayUrl, helm, repoRoot, installChart, items, kubectl, namespace, release, request, run, sleep } from './support.js'

t.setTimeout(60 * 60_000)

/** A Client (the e2e helpers' interface) on fresh connections to the in-cluster gateway. */
function api(token?: string): Client {
  return {
    async request(method, path, body) {
      const reply = await request(method, `${gatewayUrl}${path}`, token, body, 30_000)
      return { ...reply, headers: new Headers() }
    },
  }
}

async function signupInCluster() {
  const user = newUser()
  const res = await request('POST', `${gatewayUrl}/auth/v1/signup`, undefined, user)
  if (res.status !== 201) throw new Error(`signup through the gateway: ${res.status} ${JSON.stringify(res.body)}`)
  return { user, ...(res.body as { userId: string; accessToken: string }) }
}

/** Every pod of the release: its phase, readiness, restarts and how it runs. */
async function podReport() {
  const pods = await items('pods')
  return pods.map((pod) => {
    const statuses = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]
    return {
      name: pod.metadata.name as string,
      phase: pod.status.phase as string,
      job: (pod.metadata.ownerReferences ?? []).some((o: { kind: string }) => o.kind === 'Job'),
      ready: (pod.status.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
      restarts: statuses.reduce((n: number, s: { restartCount: number }) => n + s.restartCount, 0),
      nonRoot: pod.spec.securityContext?.runAsNonRoot === true && (pod.spec.securityContext?.runAsUser ?? 0) > 0,
      readOnlyRoot: [...(pod.spec.initContainers ?? []), ...pod.spec.containers].every(
        (c: { securityContext?: { readOnlyRootFilesystem?: boolean } }) => c.securityContext?.readOnlyRootFilesystem === true,
      ),
    }
  })
}

t.test('helm install --wait: migrations first, every pod ready as non-root on a read-only root, no restarts', async (t) => {
  const install = await installChart()
  t.equal(install.code, 0, `cluster.sh install:\n${install.stdout}\n${install.stderr}`)
  if (install.code !== 0) {
    t.comment((await kubectl(['-n', namespace, 'get', 'pods,jobs', '-o', 'wide'])).stdout)
    return
  }
  t.match(install.stdout, /Gateway: http:\/\/10\.244\.0\.1:30080\nWeb app: http:\/\/10\.244\.0\.1:30080\//, 'ends with the gateway and web app URLs')

  const jobs = await items('jobs')
  const migrations = jobs.filter((j) => /-migrate-\d+$/.test(j.metadata.name))
  t.same(
    migrations.map((j) => j.metadata.name).sort(),
    ['auth-service', 'ds-service', 'expense-service', 'user-service'].map((s) => `${s}-migrate-1`),
  )
  for (const job of migrations) {
    t.equal(job.status.succeeded, 1, `${job.metadata.name} succeeded`)
    t.notOk(job.status.failed, `${job.metadata.name} had no failed pod (its first connection is retried while Postgres starts)`)
  }

  const pods = await podReport()
  const serving = pods.filter((p) => !p.job)
  t.ok(serving.length >= 10, `the services, their databases, Kafka, the gateway and the operator run (${serving.map((p) => p.name).join(', ')})`)
  for (const pod of pods) {
    t.ok(pod.job ? pod.phase === 'Succeeded' : pod.phase === 'Running' && pod.ready, `${pod.name} is ${pod.job ? 'done' : 'ready'} (${pod.phase})`)
    t.equal(pod.restarts, 0, `${pod.name} never restarted`)
    t.ok(pod.nonRoot, `${pod.name} runs as a non-root uid`)
    t.ok(pod.readOnlyRoot, `${pod.name} has a read-only root filesystem in every container`)
  }

  // The services' init containers waited for their migration before the service process started.
  for (const pod of await items('pods', ['-l', 'app.kubernetes.io/name in (auth-service,user-service,ds-service,expense-service)'])) {
    const wait = (pod.status.initContainerStatuses ?? []).find((s: { name: string }) => s.name === 'wait-for-migrations')
    t.equal(wait?.state?.terminated?.exitCode, 0, `${pod.metadata.name}: wait-for-migrations finished before the service started`)
  }
})

t.test('helm test passes through the in-cluster gateway', async (t) => {
  const res = await helm(['test', release, '-n', namespace, '--timeout', '5m'])
  t.equal(res.code, 0, res.stdout + res.stderr)
  t.match(res.stdout, /Phase:\s+Succeeded/)
})

t.test('the web app: its own nginx pod serves / through the in-cluster gateway, with the security headers', async (t) => {
  const [pod] = await items('pods', ['-l', 'app.kubernetes.io/name=web'])
  t.equal(pod?.spec.securityContext.runAsUser, 101, 'nginx runs as uid 101')
  const index = await fetch(`${gatewayUrl}/`)
  const html = await index.text()
  t.equal(index.status, 200)
  t.match(index.headers.get('content-type'), /^text\/html/)
  t.match(index.headers.get('content-security-policy'), /script-src 'self'(;|$)/, 'no inline script')
  t.match(index.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  t.equal(index.headers.get('cache-control'), 'no-cache')
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
  t.ok(script, 'index.html names a hashed script')
  const asset = await fetch(`${gatewayUrl}${script}`)
  t.equal(asset.status, 200, `${script} through the gateway`)
  t.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable')
  const unknown = await fetch(`${gatewayUrl}/no/such/page`)
  t.equal(unknown.status, 404)
  t.match(await unknown.json(), { code: 'not_found' }, "the web server's 404 is a problem document too")
  t.equal((await request('POST', `${gatewayUrl}/`, undefined, {})).status, 404, 'a write to a page stays the gateway 404')
})

t.test("a user's journey through the gateway: signup, profile via Kafka, messages one by one and in a batch, expenses, summary", async (t) => {
  const alice = await signupInCluster()
  const me = api(alice.accessToken)
  const profile = await eventually(
    async () => {
      const res = await me.request('GET', '/user/v1/me')
      return res.status === 200 ? res.body : undefined
    },
    'the profile from user.registered',
    90_000,
  )
  t.match(profile, { userId: alice.userId, username: alice.user.username })

  const one = await me.request('POST', '/ds/v1/messages', {
    text: 'Rs.1,250.00 debited from a/c **4821 on 14-03-24 to VPA swiggy@icici (UPI Ref No 407312345678). Not you? Call 18002586161 -HDFC Bank',
    sender: 'VM-HDFCBK',
    receivedAt: '2024-03-14T09:30:00Z',
  })
  t.equal(one.status, 202, JSON.stringify(one.body))
  const batch = messages(12, 7)
  const posted = await me.request('POST', '/ds/v1/messages:batch', { messages: batch })
  t.equal(posted.status, 202, JSON.stringify(posted.body))
  const ids = [one.body.messageId, ...(posted.body.results ?? posted.body.items).map((r: { messageId: string }) => r.messageId)]
  await expectSettledExactlyOnce(t, me, ids, 1 + batch.filter((m) => !m.text.includes('OTP')).length)

  const summary = await me.request('GET', '/expense/v1/summary?from=2024-03-01&to=2024-04-30&groupBy=category')
  t.equal(summary.status, 200)
  t.match(JSON.stringify(summary.body), /"currency":"INR"/)
  t.match(JSON.stringify(summary.body), /1250\.00/)
})

t.test("the operator keeps Kong's jwt credentials in step with the JWKS across a key rotation", async (t) => {
  const kids = async () => ((await request('GET', `${gatewayUrl}/auth/v1/jwks`)).body.keys as { kid: string }[]).map((k) => k.kid).sort()
  const credentialKids = async () =>
    (await items('secrets', ['-l', 'konghq.com/credential=jwt'])).map((s) => Buffer.from(s.data.key, 'base64').toString('utf8')).sort()
  const before = await kids()
  t.ok(before.length >= 1, 'auth-service publishes a key')
  t.same(
    await eventually(
      async () => {
        const creds = await credentialKids()
        return JSON.stringify(creds) === JSON.stringify(before) ? creds : undefined
      },
      'one Kong credential per published key',
      60_000,
    ),
    before,
  )
  t.ok((await items('kongconsumers.configuration.konghq.com')).length >= 1, 'a KongConsumer holds them')

  // The rotation as a platform team asks for it: a new value on the ExpenseTracker's annotation. The
  // operator runs auth-service's own rotate-keys as a Job in auth-service's pod template; the real Job
  // controller and kubelet run it against auth-service's database.
  const annotate = await kubectl([
    '-n',
    namespace,
    'annotate',
    'expensetracker',
    release,
    `expenses-tracker.io/rotate-keys=cluster-${Date.now()}`,
    '--overwrite',
  ])
  t.equal(annotate.code, 0, annotate.stderr)
  const job = await eventually(
    async () => {
      const jobs = await items('jobs', ['-l', `expenses-tracker.io/tracker=${release}`])
      return jobs.find((j) => (j.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True'))
    },
    'the rotation Job to complete',
    180_000,
  )
  t.same(job.spec.template.spec.containers[0].command, ['node', 'dist/rotate-keys.js'], "auth-service's rotate-keys ran")
  const tracker = (await items('expensetrackers')).find((e) => e.metadata.name === release)
  t.equal(tracker?.status?.keys?.lastRotationJob, job.metadata.name, 'the tracker names the Job')
  const after = await eventually(
    async () => {
      const now = await kids()
      return now.length > before.length ? now : undefined
    },
    'the new key in the JWKS',
    60_000,
  )
  t.ok(
    before.every((k) => after.includes(k)),
    'the old key stays published while its tokens live',
  )
  const creds = await eventually(
    async () => {
      const c = await credentialKids()
      return JSON.stringify(c) === JSON.stringify(after) ? c : undefined
    },
    'a Kong credential for the new key',
    90_000,
  )
  t.same(creds, after)

  // Tokens of the new key work through the gateway.
  const bob = await signupInCluster()
  t.equal((await request('GET', `${gatewayUrl}/user/v1/me`, bob.accessToken)).status === 401, false, 'a token of the new key is accepted')
})

t.test('the ExpenseTracker: two operator pods, one Lease holder, Ready, the rate-limit plugins it owns, a takeover that repairs drift', async (t) => {
  const operators = (await items('pods', ['-l', 'app.kubernetes.io/name=operator'])).filter((p) => p.status.phase === 'Running')
  t.equal(operators.length, 2, 'two operator replicas run')
  const lease = (await items('leases')).find((l) => l.metadata.name === `${release}-operator`)
  t.ok(
    operators.some((p) => p.metadata.name === lease?.spec?.holderIdentity),
    `one of them holds the Lease (${lease?.spec?.holderIdentity})`,
  )
  const tracker = await eventually(
    async () => {
      const found = (await items('expensetrackers')).find((e) => e.metadata.name === release)
      return found?.status?.observedGeneration === found?.metadata.generation ? found : undefined
    },
    'the tracker reconciled',
    120_000,
  )
  const conditions = Object.fromEntries((tracker.status.conditions as { type: string; reason: string; status: string }[]).map((c) => [c.type, c]))
  // The chart's dev Kafka serves here (no Strimzi operator): the umbrella sets kafka.strimzi false, so the
  // tracker makes no KafkaTopics or KafkaUsers and is Ready on its Deployments and keys. (`helm install
  // --wait` waited for that: Helm 4 waits for a custom resource whose Ready condition is False.)
  t.equal(tracker.spec.kafka.strimzi, false, 'the umbrella maps devKafka onto the spec')
  t.equal(conditions.Ready?.status, 'True', `Ready (${conditions.Ready?.reason})`)
  t.equal(conditions.Degraded?.status, 'False')
  t.equal(tracker.status.deployments.available, tracker.status.deployments.total, 'every Deployment it watches is available')
  t.ok(tracker.status.deployments.total >= 5, 'the services and the web app are watched')
  t.same(await items('kafkatopics', ['-l', `expenses-tracker.io/tracker=${release}`]), [], 'no KafkaTopics where Strimzi does not run Kafka')
  const plugins = await items('kongplugins', ['-l', `expenses-tracker.io/tracker=${release}`])
  t.ok(plugins.length >= 8, `its rate-limit KongPlugins (${plugins.length})`)

  // The leader pod deleted: the other takes over and repairs drift.
  const leader = lease?.spec?.holderIdentity as string
  const del = await kubectl(['-n', namespace, 'delete', 'pod', leader, '--wait=false'])
  t.equal(del.code, 0, del.stderr)
  await eventually(
    async () => {
      const now = (await items('leases')).find((l) => l.metadata.name === `${release}-operator`)
      return now?.spec?.holderIdentity && now.spec.holderIdentity !== leader ? now : undefined
    },
    'another pod holds the Lease',
    60_000,
  )
  const plugin = `${release}-auth-login-rate-limit`
  const deleted = await kubectl(['-n', namespace, 'delete', 'kongplugin', plugin])
  t.equal(deleted.code, 0, deleted.stderr)
  await eventually(async () => (await items('kongplugins')).some((k) => k.metadata.name === plugin), 'the plugin restored by the new leader', 60_000)
  t.pass('drift repaired after a leader change')
})

t.test('pods deleted while messages stream in: every accepted message ends as exactly one expense or one rejection', async (t) => {
  const user = await signupInCluster()
  const me = api(user.accessToken)
  const accepted: string[] = []
  let transactions = 0
  let refused = 0
  let streaming = true
  const stream = (async () => {
    for (let round = 0; streaming && round < 200; round++) {
      const batch = messages(8, 100 + round)
      try {
        const res = await me.request('POST', '/ds/v1/messages:batch', { messages: batch })
        if (res.status === 202) {
          accepted.push(...(res.body.results ?? res.body.items).map((r: { messageId: string }) => r.messageId))
          transactions += batch.filter((m) => !m.text.includes('OTP')).length
        } else {
          refused++
        }
      } catch {
        // Not accepted (the connection broke while ds-service was replaced): the client would retry.
        refused++
      }
      await sleep(500)
    }
  })()

  for (const selector of ['app.kubernetes.io/name=ds-service', 'app.kubernetes.io/name=expenses-tracker-kafka', 'app.kubernetes.io/name=expense-service']) {
    await sleep(4000)
    const before = await kubectl(['-n', namespace, 'get', 'pod', '-l', selector, '-o', 'name'])
    const doomed = before.stdout.split('\n').filter(Boolean)
    t.ok(doomed.length > 0, `${selector} has pods to delete`)
    const del = await kubectl(['-n', namespace, 'delete', 'pod', '-l', selector, '--wait=false'])
    t.equal(del.code, 0, `deleted ${selector}: ${del.stderr}`)
    // Until the deleted pods are gone, `wait -l` would also wait on them and fail with NotFound when they go.
    const gone = await kubectl(['-n', namespace, 'wait', '--for=delete', ...doomed, '--timeout=180s'], 200_000)
    t.ok(gone.code === 0 || /NotFound|not found/.test(gone.stderr), `the deleted ${selector} pods terminated: ${gone.stderr}`)
    const ready = await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod', '-l', selector, '--timeout=300s'], 320_000)
    t.equal(ready.code, 0, `Kubernetes brought ${selector} back: ${ready.stderr}`)
  }
  await sleep(4000)
  streaming = false
  await stream
  t.comment(`accepted ${accepted.length} messages (${transactions} transactions), ${refused} batches refused while a pod was replaced`)
  t.ok(accepted.length > 0, 'messages were accepted during the deletions')
  try {
    await expectSettledExactlyOnce(t, me, accepted, transactions)
  } catch (err) {
    // CI keeps only this output: say where the pipeline stood, then fail.
    t.comment(await clusterDiagnostics(['ds-service', 'expense-service', 'expenses-tracker-kafka']))
    throw err
  }
})

/** Pods, restarts and the last log lines of the named apps, for a failure message. */
async function clusterDiagnostics(apps: string[]): Promise<string> {
  const parts = [(await kubectl(['-n', namespace, 'get', 'pods', '-o', 'wide'])).stdout]
  for (const app of apps) {
    const logs = await kubectl(['-n', namespace, 'logs', '-l', `app.kubernetes.io/name=${app}`, '--all-containers', '--tail=60', '--prefix'], 60_000)
    parts.push(`--- ${app} ---\n${logs.stdout}${logs.stderr}`)
  }
  return parts.join('\n')
}

t.test('helm upgrade with a new image tag rolls every Deployment with zero failed requests', async (t) => {
  // A new tag of the same images: what a release does, and every Deployment's pod template changes.
  const images = ['auth-service', 'user-service', 'ds-service', 'expense-service', 'operator', 'gateway', 'web']
  const socket = `${process.env.CLUSTER_STATE ?? `${repoRoot}/.local/cluster`}/containerd/containerd.sock`
  for (const image of images) {
    const from = `docker.io/expenses/${image}:dev`
    const tagged = await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'tag', '--force', from, `docker.io/expenses/${image}:dev-upgrade`], 60_000)
    t.equal(tagged.code, 0, `tagged ${image}:dev-upgrade: ${tagged.stderr}`)
  }
  const user = await signupInCluster()
  let ok = 0
  const failures: string[] = []
  let running = true
  const client = (async () => {
    for (let i = 0; running; i++) {
      const path = ['/expense/v1/expenses?limit=5', '/user/v1/me', '/ds/v1/messages?limit=5', '/'][i % 4]!
      try {
        const res = await request('GET', `${gatewayUrl}${path}`, user.accessToken)
        if (res.status === 200) ok++
        else failures.push(`${path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`)
      } catch (error) {
        failures.push(`${path} -> ${(error as Error).message}`)
      }
      await sleep(150)
    }
  })()
  await sleep(2000)
  const sets = images.flatMap((image) => ['--set', `${image}.image.tag=dev-upgrade`])
  const upgrade = await helm([
    'upgrade',
    release,
    'charts/expenses-tracker',
    '-n',
    namespace,
    '-f',
    'k8s/values/local-cluster.yaml',
    ...sets,
    '--wait',
    '--timeout',
    '15m',
  ])
  await sleep(5000)
  running = false
  await client
  t.equal(upgrade.code, 0, upgrade.stdout + upgrade.stderr)
  const deployments = await items('deployments')
  for (const d of deployments) {
    const image = d.spec.template.spec.containers[0].image as string
    t.match(image, /:dev-upgrade$/, `${d.metadata.name} runs the new tag`)
    t.equal(d.status.updatedReplicas, d.spec.replicas, `${d.metadata.name} rolled out`)
  }
  t.ok(ok > 50, `the client kept being served during the upgrade (${ok} requests)`)
  t.same(failures, [], 'no request failed during the upgrade')
  const jobs = (await items('jobs')).map((j) => j.metadata.name)
  t.ok(jobs.includes('auth-service-migrate-2') && !jobs.includes('auth-service-migrate-1'), `the upgrade ran its own migration Job (${jobs.join(', ')})`)
})

t.test('helm uninstall removes everything the release made except the PersistentVolumeClaims', async (t) => {
  // The chart README's order: the tracker is kept on uninstall (its topics hold events), so delete it first;
  // its finalizer, run by the operator, deletes what it owns.
  const tracker = await kubectl(['-n', namespace, 'delete', 'expensetracker', release, '--wait=true', '--timeout=120s'])
  t.equal(tracker.code, 0, tracker.stdout + tracker.stderr)
  t.same(await items('kongplugins', ['-l', `expenses-tracker.io/tracker=${release}`]), [], 'what it owned went with it')
  const res = await helm(['uninstall', release, '-n', namespace, '--wait', '--timeout', '5m'])
  t.equal(res.code, 0, res.stdout + res.stderr)
  const kinds =
    'deployments,statefulsets,jobs,pods,services,configmaps,secrets,serviceaccounts,poddisruptionbudgets,networkpolicies,ingresses,leases,kongplugins.configuration.konghq.com,kongconsumers.configuration.konghq.com,expensetrackers.expenses-tracker.io,kafkatopics.kafka.strimzi.io,kafkausers.kafka.strimzi.io'
  const left = await eventually(
    async () => {
      const all = await items(kinds)
      // The namespace's own kube-root-ca.crt ConfigMap and default ServiceAccount are Kubernetes', not the release's.
      const ours = all.filter(
        (o) => !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') && !(o.kind === 'ServiceAccount' && o.metadata.name === 'default'),
      )
      return ours.length === 0 ? ours : undefined
    },
    'the release objects to be gone',
    180_000,
  ).catch(async () =>
    (await items(kinds)).filter(
      (o) => !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') && !(o.kind === 'ServiceAccount' && o.metadata.name === 'default'),
    ),
  )
  t.same(
    left.map((o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`),
    [],
    'nothing but the PVCs is left',
  )
  const pvcs = (await items('pvc')).map((p) => p.metadata.name).sort()
  t.same(
    pvcs,
    [
      'data-auth-service-postgresql-0',
      'data-ds-service-postgresql-0',
      'data-expense-service-postgresql-0',
      'data-expenses-kafka-kafka-0',
      'data-user-service-postgresql-0',
    ],
    'the data volumes are kept (chart README)',
  )

  // What the chart README tells a user who wants to start afresh; `cluster.sh install` then recycles the volumes.
  const del = await kubectl(['-n', namespace, 'delete', 'pvc', '-l', `app.kubernetes.io/instance=${release}`, '--wait=true'])
  t.equal(del.code, 0, del.stderr)
  t.same(await items('pvc'), [], 'the documented label selector deletes every data volume claim')
})
