import t, { type Test } from 'tap'
import { startRotatingTokenIssuer, waitFor } from '@expenses/testing'
import { secretNameForKid } from '../src/naming.js'
import { CONSUMER, managedKids, managedSecrets, newNamespace, readConsumer, startControlPlane, startOperator } from './helper.js'

// The reconcile loop as it runs in the process: interval, watch-driven repairs, backoff, /readyz, /metrics.
// The apiserver outage test stops this file's apiserver, so it runs last.
const plane = await startControlPlane(t)
const { clients, kubeConfig } = plane

async function issuerFor(test: Test) {
  const issuer = await startRotatingTokenIssuer()
  test.teardown(() => issuer.close())
  return issuer
}

async function readyz(app: Awaited<ReturnType<typeof startOperator>>['app']) {
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  return { status: res.statusCode, body: res.json() as { status: string; checks: Record<string, string> } }
}

async function metric(app: Awaited<ReturnType<typeof startOperator>>['app'], line: RegExp): Promise<number | undefined> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const match = text.split('\n').find((l) => line.test(l))
  return match === undefined ? undefined : Number(match.split(' ').pop())
}

t.test('the running operator syncs at start, is ready, and exports its metrics', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const { app } = await startOperator(t, { kubeConfig, namespace, jwksUrl: issuer.jwksUrl })
  await waitFor(async () => (await readyz(app)).status === 200, { what: 'ready' })
  t.same(await managedKids(clients, namespace), [issuer.signingKid])
  t.same((await readyz(app)).body.checks, { leaderElection: 'ok', jwks: 'ok', kubernetes: 'ok' })
  t.equal(await metric(app, /^operator_managed_credentials\{/), 1)
  t.equal(await metric(app, /^operator_reconciles_total\{outcome="ok"/), 1)
  t.equal(await metric(app, /^operator_credential_changes_total\{action="created"/), 1)
})

t.test('a managed Secret deleted by hand is recreated at once through the watch, not at the next interval', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  // Interval far beyond the test's patience: only the watch can explain a quick repair.
  await startOperator(t, { kubeConfig, namespace, jwksUrl: issuer.jwksUrl, intervalMs: 600_000 })
  const name = secretNameForKid(CONSUMER, issuer.signingKid)
  await waitFor(async () => (await managedSecrets(clients, namespace)).has(name), { what: 'first sync' })
  const before = (await managedSecrets(clients, namespace)).get(name)?.metadata?.uid

  await clients.core.deleteNamespacedSecret({ namespace, name })
  const recreated = await waitFor(async () => (await managedSecrets(clients, namespace)).get(name), { timeoutMs: 15_000, what: 'recreated Secret' })
  t.not(recreated.metadata?.uid, before, 'a new object')
  t.same((await readConsumer(clients, namespace))?.credentials, [name])
})

t.test('while the JWKS fails, /readyz says so, the error is counted, retries back off and nothing is deleted', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const { app } = await startOperator(t, { kubeConfig, namespace, jwksUrl: issuer.jwksUrl, intervalMs: 600_000 })
  await waitFor(async () => (await readyz(app)).status === 200, { what: 'ready' })
  const kid = issuer.signingKid

  issuer.fault('empty')
  const served = issuer.jwksRequests
  // The watch sees this edit and asks for a pass, which now hits the broken JWKS.
  const name = secretNameForKid(CONSUMER, kid)
  const secret = (await managedSecrets(clients, namespace)).get(name)
  await clients.core.replaceNamespacedSecret({ namespace, name, body: { ...secret, metadata: { ...secret?.metadata, annotations: { edited: 'yes' } } } })
  const unready = await waitFor(
    async () => {
      const r = await readyz(app)
      return r.status === 503 ? r : undefined
    },
    { what: 'unready' },
  )
  t.match(unready.body.checks.jwks, /no keys/)
  await waitFor(async () => issuer.jwksRequests >= served + 3, { timeoutMs: 15_000, what: 'retries with backoff (RETRY_MAX_MS 1000)' })
  t.ok(((await metric(app, /^operator_reconciles_total\{outcome="jwks_error"/)) ?? 0) >= 3, 'errors counted')
  t.same(await managedKids(clients, namespace), [kid], 'the credential is still there')

  issuer.fault('none')
  await waitFor(async () => (await readyz(app)).status === 200, { timeoutMs: 15_000, what: 'ready again' })
})

t.test('an apiserver outage makes /readyz fail; after it the operator reconnects and catches up at once', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const { app } = await startOperator(t, { kubeConfig, namespace, jwksUrl: issuer.jwksUrl, intervalMs: 600_000 })
  await waitFor(async () => (await readyz(app)).status === 200, { what: 'ready' })
  const oldKid = issuer.signingKid

  await plane.kube.stopApiserver()
  const unready = await waitFor(
    async () => {
      const r = await readyz(app)
      return r.status === 503 ? r : undefined
    },
    { timeoutMs: 20_000, what: 'unready during the outage' },
  )
  t.match(unready.body.checks.kubernetes, /watch|ECONNREFUSED|connect/)
  // A rotation during the outage: nobody can write it now, and the next interval is 10 minutes away.
  const newKid = issuer.rotate()

  await plane.kube.startApiserver()
  await waitFor(async () => (await readyz(app)).status === 200, { timeoutMs: 60_000, what: 'ready after the outage' })
  await waitFor(async () => (await managedKids(clients, namespace)).length === 2, { timeoutMs: 20_000, what: 'the new key synced' })
  t.same(await managedKids(clients, namespace), [oldKid, newKid].sort())
})
