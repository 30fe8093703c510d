/**
 * The two dev loops for real, on the project's own single-node cluster (context expenses-local): `tilt ci`
 * with the Tiltfile, then scripts/cluster/skaffold-deploy.sh (`skaffold deploy -p local-cluster`) and
 * `skaffold delete -p local-cluster`. Each builds every image with buildah from the one Dockerfile and imports
 * it into the cluster's containerd (scripts/cluster/dev-image.sh), deploys the umbrella chart with
 * k8s/values/local-cluster.yaml, and must end
 * with a user served through the in-cluster gateway. Runs after release.cluster.test.ts (files run in
 * name order), on the namespace that test leaves empty; each loop removes what it made, claims included.
 *
 * Not covered: Tilt's live_update (it needs `tilt up` and a file change; `tilt ci` stops once everything is
 * ready), and skaffold's own build step: its builders need a Docker API even around a custom script (it asks
 * the Docker daemon for the image id), which this machine does not have, so `skaffold run` and `skaffold dev`
 * cannot build here; skaffold-deploy.sh builds with buildah and skaffold deploys.
 */
import { mkdtempSync, symlinkSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { eventually, newUser } from '../e2e/support.js'
import { gatewayUrl, items, kubeconfig, kubectl, namespace, release, repoRoot, request, run } from './support.js'

t.setTimeout(60 * 60_000)

const bin = path.join(repoRoot, '.tools/bin')
/** Every image the release runs, by the name dev-image.sh takes. */
const IMAGES = ['auth-service', 'user-service', 'ds-service', 'expense-service', 'operator', 'gateway', 'web']

/**
 * A throw-away HOME (Tilt and skaffold keep state there), the cluster's kubeconfig, and on PATH kubectl and
 * the helm each tool wants: skaffold v2.16 predates Helm 4 (scripts/tools/install.sh builds helm3 for it).
 */
function devLoopEnv(helm: 'helm' | 'helm3'): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(tmpdir(), 'dev-loop-cluster-'))
  const tools = path.join(home, 'bin')
  mkdirSync(tools)
  symlinkSync(path.join(bin, helm), path.join(tools, 'helm'))
  symlinkSync(path.join(bin, 'kubectl'), path.join(tools, 'kubectl'))
  return { ...process.env, HOME: home, KUBECONFIG: kubeconfig, PATH: `${tools}:${process.env.PATH ?? ''}`, HELM: path.join(bin, 'helm') }
}

/** The images the release's Deployments run, by container name. */
async function deployedImages(): Promise<Map<string, string>> {
  const images = new Map<string, string>()
  for (const d of await items('deployments')) {
    for (const c of d.spec.template.spec.containers) images.set(d.metadata.name, c.image)
  }
  return images
}

/** Signup through the gateway, then the profile that user-service made from the Kafka event. */
async function userServed(t: Test, who: string) {
  const user = newUser()
  const signup = await eventually(
    async () => {
      const res = await request('POST', `${gatewayUrl}/auth/v1/signup`, undefined, user, 30_000).catch(() => undefined)
      return res && res.status !== 502 && res.status !== 503 ? res : undefined
    },
    `${who}: the gateway to answer a signup`,
    120_000,
  )
  // The body's code only: a successful signup's body holds tokens, which test output must not show.
  t.equal(signup.status, 201, `${who}: signup through the gateway (${(signup.body as { code?: string } | undefined)?.code ?? 'created'})`)
  if (signup.status !== 201) return
  const token = (signup.body as { accessToken: string }).accessToken
  const profile = await eventually(
    async () => {
      const res = await request('GET', `${gatewayUrl}/user/v1/me`, token, undefined, 30_000)
      return res.status === 200 ? res.body : undefined
    },
    `${who}: the profile from user.registered`,
    120_000,
  ).catch((err: Error) => err)
  t.match(profile, { username: user.username }, `${who}: the profile arrived through Kafka`)
  const message = await request('POST', `${gatewayUrl}/ds/v1/messages`, token, {
    text: 'Rs.499.00 debited from a/c **4821 on 14-03-24 to VPA zomato@icici (UPI Ref No 407312345679). -HDFC Bank',
    sender: 'VM-HDFCBK',
    receivedAt: '2024-03-14T09:30:00Z',
  })
  t.equal(message.status, 202, `${who}: a bank message accepted`)
  const expense = await eventually(
    async () => {
      const res = await request('GET', `${gatewayUrl}/expense/v1/expenses?limit=10`, token, undefined, 30_000)
      const found = (res.body?.items ?? []) as { amount: string; currency: string }[]
      return res.status === 200 && found.length > 0 ? found[0] : undefined
    },
    `${who}: the expense from the parsed message`,
    120_000,
  ).catch((err: Error) => err)
  t.match(expense, { amount: '499.00', currency: 'INR' }, `${who}: the message became an expense`)
}

/**
 * What a developer does to start afresh: the ExpenseTracker first (the operator runs its finalizer while it
 * still runs), then the tool's own teardown, then the data claims (the chart README's label selector).
 */
async function tearDown(t: Test, who: string, down: () => Promise<{ code: number; stdout: string; stderr: string }>) {
  const tracker = await kubectl(['-n', namespace, 'delete', 'expensetracker', release, '--ignore-not-found', '--wait=true', '--timeout=120s'])
  t.equal(tracker.code, 0, `${who}: the ExpenseTracker deleted (${tracker.stderr})`)
  const res = await down()
  t.equal(res.code, 0, `${who}: teardown exits 0\n${res.stderr.slice(-2000)}`)
  const gone = await eventually(
    async () => ((await items('deployments,statefulsets,jobs,pods')).length === 0 ? true : undefined),
    `${who}: the workloads to be gone`,
    180_000,
  ).catch(() => false)
  t.ok(gone, `${who}: no Deployment, StatefulSet, Job or pod left`)
  const pvcs = await kubectl(['-n', namespace, 'delete', 'pvc', '-l', `app.kubernetes.io/instance=${release}`, '--wait=true'])
  t.equal(pvcs.code, 0, pvcs.stderr)
}

t.test('the namespace is empty before the dev loops start (release.cluster.test.ts uninstalled its release)', async (t) => {
  t.same(
    (await items('deployments,statefulsets,pvc')).map((o) => `${o.kind}/${o.metadata.name}`),
    [],
  )
})

t.test('tilt ci: every image built by buildah and imported, the release up, a user served through the gateway; tilt down', async (t) => {
  const env = devLoopEnv('helm')
  const args = ['--file', path.join(repoRoot, 'Tiltfile'), '--context', 'expenses-local']
  // A port of its own for Tilt's API server, away from a developer's `tilt up` on the default 10350.
  const ciArgs = ['--port', '10399']
  const started = Date.now()
  const ci = await run(path.join(bin, 'tilt'), ['ci', '--timeout', '25m', ...ciArgs, ...args], 30 * 60_000, env)
  t.equal(ci.code, 0, `tilt ci exits 0 (${Math.round((Date.now() - started) / 1000)} s)\n${(ci.stdout + ci.stderr).slice(-6000)}`)
  t.comment(`tilt ci took ${Math.round((Date.now() - started) / 1000)} s`)
  if (ci.code === 0) {
    const images = await deployedImages()
    for (const name of IMAGES) {
      const deployment = name === 'operator' ? `${release}-operator` : name
      t.match(images.get(deployment), new RegExp(`^(docker\\.io/)?expenses/${name}:tilt-build-\\d+$`), `${deployment} runs the image Tilt built`)
    }
    await userServed(t, 'tilt')
  }
  await tearDown(t, 'tilt down', () => run(path.join(bin, 'tilt'), ['down', ...args], 10 * 60_000, env))
})

t.test(
  'skaffold on the cluster (scripts/cluster/skaffold-deploy.sh): images built and imported, skaffold deploy, a user served; skaffold delete',
  async (t) => {
    const env = devLoopEnv('helm3')
    const tag = `skaffold-${Date.now()}`
    const started = Date.now()
    const up = await run('bash', [path.join(repoRoot, 'scripts/cluster/skaffold-deploy.sh'), '--status-check=true'], 30 * 60_000, { ...env, SKAFFOLD_TAG: tag })
    t.equal(up.code, 0, `skaffold-deploy.sh exits 0 (${Math.round((Date.now() - started) / 1000)} s)\n${(up.stdout + up.stderr).slice(-6000)}`)
    t.comment(`building, importing and skaffold deploy took ${Math.round((Date.now() - started) / 1000)} s`)
    t.match(up.stdout + up.stderr, /Deployments stabilized/, "skaffold's status check saw every workload ready")
    if (up.code === 0) {
      const images = await deployedImages()
      for (const name of IMAGES) {
        const deployment = name === 'operator' ? `${release}-operator` : name
        t.equal(images.get(deployment), `docker.io/expenses/${name}:${tag}`, `${deployment} runs the image built for skaffold`)
      }
      await userServed(t, 'skaffold')
    }
    const common = ['-p', 'local-cluster', '--kube-context', 'expenses-local', '--update-check=false', '--interactive=false']
    await tearDown(t, 'skaffold delete', () => run(path.join(bin, 'skaffold'), ['delete', ...common], 10 * 60_000, env))
  },
)
