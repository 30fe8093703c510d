import t from 'tap'
import { freePorts, startRotatingTokenIssuer, waitFor } from '@expenses/testing'
import { managedKids, newNamespace, startControlPlane, startMain } from './helper.js'

// src/main.ts as a real process (the image's `node dist/main.js`), talking to the real apiserver
// through a kubeconfig named by KUBECONFIG.
const { kube, clients } = await startControlPlane(t)
const freePort = async (): Promise<number> => (await freePorts(1))[0]!

t.test('the process syncs, serves its probes and stops gracefully on SIGTERM with exit code 0', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await startRotatingTokenIssuer()
  t.teardown(() => issuer.close())
  const port = await freePort()
  const proc = startMain({
    PORT: String(port),
    HOST: '127.0.0.1',
    KUBECONFIG: kube.kubeconfigPath,
    OPERATOR_NAMESPACE: namespace,
    AUTH_JWKS_URL: issuer.jwksUrl,
    SHUTDOWN_TIMEOUT_MS: '5000',
  })
  t.teardown(() => {
    proc.child.kill('SIGKILL')
  })
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 30_000,
    what: `ready process (output so far: ${proc.output().slice(-500)})`,
  })
  t.same(await managedKids(clients, namespace), [issuer.signingKid])
  t.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /operator_managed_credentials\{[^}]*\} 1/)

  const started = Date.now()
  proc.child.kill('SIGTERM')
  t.equal(await proc.exited, 0, 'exit code 0')
  t.ok(Date.now() - started < 5_000, 'within SHUTDOWN_TIMEOUT_MS')
  t.match(proc.output(), /shutdown step done: reconcile loop/)
  t.match(proc.output(), /shutdown complete/)
  t.same(await managedKids(clients, namespace), [issuer.signingKid], 'stopping deletes nothing')
})

t.test('outside a cluster without OPERATOR_NAMESPACE the process exits 1 and names the variable', async (t) => {
  const proc = startMain({ KUBECONFIG: kube.kubeconfigPath, PORT: String(await freePort()) })
  t.equal(await proc.exited, 1)
  t.match(proc.output(), /OPERATOR_NAMESPACE is required outside a cluster/)
})
