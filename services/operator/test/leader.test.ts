import t, { type Test } from 'tap'
import { CoordinationV1Api } from '@kubernetes/client-node'
import { freePorts, startRotatingTokenIssuer, waitFor } from '@expenses/testing'
import { newNamespace, startControlPlane, startMain } from './helper.js'
import { trackerApi } from './tracker-helper.js'

// Two operator processes (src/main.ts, as two replicas of the chart run it) against one real apiserver:
// only the one holding the Lease acts, and when it is killed with SIGKILL (no chance to release the
// Lease) the standby takes over within the lease duration and repairs what changed meanwhile.
const { kube, kubeConfig, clients } = await startControlPlane(t, ['kongConsumers', 'kongPlugins', 'kafkaTopics', 'kafkaUsers', 'expenseTrackers'])
const issuer = await startRotatingTokenIssuer()
t.teardown(() => issuer.close())

const LEASE_DURATION_MS = 4_000
const LEASE_RETRY_MS = 500

interface Replica {
  name: string
  port: number
  proc: ReturnType<typeof startMain>
}

async function replica(t: Test, namespace: string, name: string): Promise<Replica> {
  const [port] = await freePorts(1)
  const proc = startMain({
    PORT: String(port),
    HOST: '127.0.0.1',
    KUBECONFIG: kube.kubeconfigPath,
    OPERATOR_NAMESPACE: namespace,
    AUTH_JWKS_URL: issuer.jwksUrl,
    POD_NAME: name,
    LEASE_NAME: 'operator-lease',
    LEASE_DURATION_MS: String(LEASE_DURATION_MS),
    LEASE_RETRY_MS: String(LEASE_RETRY_MS),
    SYNC_INTERVAL_MS: '60000',
    RETRY_MAX_MS: '1000',
    LOG_LEVEL: 'warn',
  })
  t.teardown(() => {
    proc.child.kill('SIGKILL')
  })
  return { name, port: port ?? 0, proc }
}

async function metric(r: Replica, name: string): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${r.port}/metrics`).then(
    (res) => res.text(),
    () => '',
  )
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ').pop())
}

t.test('two replicas: one leads and reconciles, the standby never does, and takes over within the lease after a SIGKILL', async (t) => {
  const namespace = await newNamespace(clients)
  const api = trackerApi(kubeConfig, namespace)
  const leases = kubeConfig.makeApiClient(CoordinationV1Api)
  const a = await replica(t, namespace, 'replica-a')
  const b = await replica(t, namespace, 'replica-b')
  const replicas = [a, b]

  const leaderName = await waitFor(
    async () => {
      const lease = await leases.readNamespacedLease({ name: 'operator-lease', namespace }).catch(() => undefined)
      return lease?.spec?.holderIdentity || undefined
    },
    { what: 'a Lease holder', timeoutMs: 30_000 },
  )
  const leader = replicas.find((r) => r.name === leaderName)
  const standby = replicas.find((r) => r.name !== leaderName)
  if (!leader || !standby) throw new Error(`unexpected holder ${leaderName}`)
  await waitFor(async () => (await metric(leader, 'operator_leader')) === 1 && (await metric(standby, 'operator_leader')) === 0, {
    what: 'leader 1, standby 0',
    timeoutMs: 15_000,
  })
  // Both are ready: the standby serves its probes while it waits.
  for (const r of replicas)
    await waitFor(async () => (await fetch(`http://127.0.0.1:${r.port}/readyz`).catch(() => undefined))?.status === 200, {
      what: `${r.name} ready`,
      timeoutMs: 30_000,
    })

  // Sample both all along: never two leaders at once.
  let sampling = true
  let bothLeading = 0
  let samples = 0
  const sampler = (async () => {
    while (sampling) {
      const [x, y] = await Promise.all(replicas.map((r) => metric(r, 'operator_leader')))
      samples++
      if (x === 1 && y === 1) bothLeading++
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()

  await api.create('expenses', { rateLimits: { tiers: [{ name: 'login', perMinute: 10 }] } })
  await waitFor(async () => (await api.list('KongPlugin', 'expenses')).length === 1, { what: 'the leader reconciled', timeoutMs: 20_000 })
  // The counter moves when a pass ends, just after its last write.
  const leaderPasses = await waitFor(async () => (await sumOutcomes(leader)) || undefined, { what: 'a counted pass', timeoutMs: 10_000 })
  t.ok(leaderPasses > 0, `the leader reconciled (${leaderPasses} passes)`)
  t.equal(await sumOutcomes(standby), 0, 'the standby never reconciled')

  const killedAt = Date.now()
  leader.proc.child.kill('SIGKILL')
  await leader.proc.exited
  await waitFor(async () => (await metric(standby, 'operator_leader')) === 1, {
    what: 'the standby leads',
    timeoutMs: LEASE_DURATION_MS + 10_000,
    intervalMs: 100,
  })
  const takeover = Date.now() - killedAt
  t.ok(takeover <= LEASE_DURATION_MS + 3 * LEASE_RETRY_MS, `took over in ${takeover} ms (lease ${LEASE_DURATION_MS} ms)`)
  t.ok(takeover >= LEASE_DURATION_MS - 2 * LEASE_RETRY_MS, `not before the dead leader's lease ran out (${takeover} ms)`)
  const lease = await leases.readNamespacedLease({ name: 'operator-lease', namespace })
  t.equal(lease.spec?.holderIdentity, standby.name, 'the Lease names the new leader')
  t.ok((lease.spec?.leaseTransitions ?? 0) >= 1, 'and counts the transition')

  // Drift while nobody led is repaired by the new leader.
  await api.delete('KongPlugin', 'expenses-login-rate-limit')
  await waitFor(async () => (await api.get('KongPlugin', 'expenses-login-rate-limit')) !== undefined, { what: 'repaired by the new leader', timeoutMs: 20_000 })
  // As above, the counter moves just after the pass's last write, so wait for it rather than read it once.
  const newLeaderPasses = await waitFor(async () => (await sumOutcomes(standby)) || undefined, { what: 'a pass counted by the new leader', timeoutMs: 10_000 })
  t.ok(newLeaderPasses > 0, `the new leader reconciles (${newLeaderPasses} passes)`)

  sampling = false
  await sampler
  t.ok(samples > 20, `sampled ${samples} times`)
  t.equal(bothLeading, 0, 'never two leaders at once')

  // A graceful stop releases the Lease at once: a new replica need not wait out the lease.
  const c = await replica(t, namespace, 'replica-c')
  await waitFor(async () => (await fetch(`http://127.0.0.1:${c.port}/readyz`).catch(() => undefined))?.status === 200, {
    what: 'replica-c ready',
    timeoutMs: 30_000,
  })
  const stoppedAt = Date.now()
  standby.proc.child.kill('SIGTERM')
  t.equal(await standby.proc.exited, 0, 'the leader exits 0 on SIGTERM')
  await waitFor(async () => (await metric(c, 'operator_leader')) === 1, { what: 'replica-c leads', timeoutMs: LEASE_DURATION_MS + 10_000, intervalMs: 100 })
  t.ok(Date.now() - stoppedAt < LEASE_DURATION_MS, `released: replica-c led after ${Date.now() - stoppedAt} ms, before the lease would have run out`)
})

async function sumOutcomes(r: Replica): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${r.port}/metrics`).then((res) => res.text())
  return text
    .split('\n')
    .filter((l) => l.startsWith('operator_tracker_reconciles_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0)
}
