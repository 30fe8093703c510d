/**
 * Every image, built for real from its Dockerfile (buildah, no Docker engine here) and run:
 *   1. the build succeeds and the image is what the Dockerfile promises: non-root, node as the exec-form
 *      entrypoint, production dependencies only, Node 24, a size budget;
 *   2. each service's migrate command, run from its image, creates its schema in a fresh database (and
 *      a second run changes nothing);
 *   3. all the images together - services and gateway, started with their own ENTRYPOINT, ENV, WORKDIR
 *      and USER on a read-only root filesystem (as the charts run them), on the host network against the
 *      local Postgres and Kafka - answer /readyz, and a user's journey through the gateway image works:
 *      signup, the profile from user.registered, a bank SMS parsed into an expense;
 *   4. SIGTERM stops each one gracefully (exit 0).
 * The base image `node:24-bookworm-slim` cannot be pulled here (no registry); build-images.sh makes a
 * stand-in under that name from Debian packages and Node's npm-packaged binary (see its header).
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t from 'tap'
import { freePorts, requireEnv } from '@expenses/testing'
import { imageTargets } from '../../scripts/k8s/services.js'
import { serviceProcesses, upstreamEnvVar } from '../../scripts/system/services.js'
import { budDockerfile, buildImages, inspectImage, missingBuilder, repoRoot, runReadOnly, workingContainer, type ImageConfig } from './buildah.js'
// The operator's test control plane: a real etcd + kube-apiserver with Kong's KongConsumer CRD.
import { CONSUMER, managedKids, newNamespace, startControlPlane } from '../../services/operator/test/helper.js'

// Building five images on two cores (cold: the monorepo compile and five dependency installs).
t.setTimeout(45 * 60_000)

/** Above this an image has picked up something it should not ship (dev dependencies, sources, caches). */
const SIZE_BUDGET_BYTES = 450 * 1024 * 1024
const NODE_MAJOR = 'v24.'

const targets = imageTargets()
const nodeTargets = targets.filter((x) => x.kind !== 'static')
const web = targets.find((x) => x.kind === 'static')
/** The web image is nginx on Debian slim plus the built files: far below a Node image. */
const WEB_SIZE_BUDGET_BYTES = 150 * 1024 * 1024
const ref = (name: string) => `expenses/${name}:dev`
const migrating = new Map(serviceProcesses.filter((s) => s.migrates && s.databaseEnv).map((s) => [s.name, s.databaseEnv!]))

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/**
 * The web image's own nginx.conf with `listen` moved to `port`: the host network is shared with other
 * tests, so the image's fixed port could be taken. Passed with -c after the image's ENTRYPOINT.
 */
async function webConfOnPort(imageConf: string, imagePort: number, port: number): Promise<string> {
  if (!imageConf.includes(`listen ${imagePort};`)) throw new Error(`the web image's nginx.conf does not listen on ${imagePort}`)
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'web-image-')), 'nginx.conf')
  await writeFile(file, imageConf.replace(`listen ${imagePort};`, `listen 127.0.0.1:${port};`))
  return file
}

const missing = await missingBuilder()
t.test('the image builder is available', async (t) => {
  t.equal(missing, undefined, missing ?? 'buildah and debootstrap present, running as root')
})

if (missing === undefined) {
  const built = new Set<string>()

  t.test('every image builds from its Dockerfile', async (t) => {
    const res = await buildImages(targets.map((x) => x.name))
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('build-images:'))
    t.comment(lines.join('\n'))
    t.equal(res.code, 0, 'build-images.sh exits 0')
    for (const target of targets) {
      const ok = lines.some((l) => l.startsWith(`build-images: expenses/${target.name}:dev built in`))
      t.ok(ok, `${target.name} built`)
      if (ok) built.add(target.name)
    }
  })

  t.test('the Dockerfile refuses a service image without a SERVICE it can build, in one line that says how', async (t) => {
    // The shared build stage is cached by the builds above: these fail within seconds, at the first per-service step.
    for (const [options, why] of [
      [[], 'no SERVICE'],
      [['--build-arg', 'SERVICE=nope'], 'SERVICE names no folder under services/'],
    ] as const) {
      const res = await budDockerfile(options, 'expenses/refused:dev')
      t.not(res.code, 0, `${why}: the build fails`)
      t.match(res.stdout + res.stderr, /Dockerfile: build a service with --build-arg SERVICE=<a folder under services\/>/, `${why}: says what to pass`)
    }
    t.equal((await inspectImage('expenses/refused:dev').catch(() => undefined))?.config, undefined, 'and tags no image')
  })

  t.test('each image runs node 24 as a non-root user, with production dependencies only', async (t) => {
    const sizes: string[] = []
    for (const target of nodeTargets.filter((x) => built.has(x.name))) {
      await t.test(target.name, async (t) => {
        const { config, sizeBytes } = await inspectImage(ref(target.name))
        sizes.push(`${target.name} ${(sizeBytes / 1e6).toFixed(0)} MB`)
        t.equal(config.User, 'node', 'USER node')
        t.same(config.Entrypoint, ['node', 'dist/main.js'], 'exec-form entrypoint: node is PID 1 and gets SIGTERM')
        t.equal(config.WorkingDir, `/app/services/${target.dir}`)
        t.equal(config.Labels?.['org.opencontainers.image.title'], target.dir, 'labelled with the service it was built for (build arg SERVICE)')
        t.ok(config.Env?.includes('NODE_ENV=production'), 'NODE_ENV=production')
        t.ok(sizeBytes > 50e6 && sizeBytes < SIZE_BUDGET_BYTES, `${(sizeBytes / 1e6).toFixed(0)} MB is under the ${SIZE_BUDGET_BYTES / 2 ** 20} MiB budget`)

        const ctr = await workingContainer(ref(target.name))
        t.teardown(() => ctr.remove())
        const whoami = await ctr.run(['sh', '-c', 'id -u; node --version'])
        t.equal(whoami.code, 0, whoami.stderr)
        const [uid, version] = whoami.stdout.trim().split('\n')
        t.equal(uid, '1000', 'runs as uid 1000 (node)')
        t.ok(version?.startsWith(NODE_MAJOR), `node ${version}`)
        // Build-only packages and the TypeScript sources stay in the build stage.
        const leftovers = await ctr.run([
          'sh',
          '-c',
          'for p in /app/node_modules/typescript /app/node_modules/prisma /app/node_modules/tap /app/node_modules/tsx /app/node_modules/eslint src; do [ -e "$p" ] && echo "$p"; done; true',
        ])
        t.equal(leftovers.stdout.trim(), '', 'no TypeScript, Prisma CLI, tap, tsx, eslint or src/ in the image')
        const entry = await ctr.run(['test', '-f', 'dist/main.js'])
        t.equal(entry.code, 0, 'dist/main.js is in the image')
      })
    }
    t.comment(`image sizes: ${sizes.join(', ')}`)
  })

  t.test(
    'the web image: nginx as uid 101 on a read-only root serves the app with its headers, and stops gracefully',
    { skip: web ? false : 'the route table names no web app' },
    async (t) => {
      if (!web || !built.has(web.name)) return t.fail('the web image was not built')
      const { config, sizeBytes } = await inspectImage(ref(web.name))
      t.equal(config.User, '101:101', 'USER 101:101 (not root)')
      t.same(config.Entrypoint, ['nginx', '-e', 'stderr', '-g', 'daemon off;'], 'nginx in the foreground is PID 1')
      t.equal(config.StopSignal, 'SIGQUIT', "SIGQUIT: nginx's graceful stop")
      t.ok(config.ExposedPorts && `${web.port}/tcp` in config.ExposedPorts, `exposes ${web.port}`)
      t.ok(sizeBytes < WEB_SIZE_BUDGET_BYTES, `${(sizeBytes / 1e6).toFixed(0)} MB is under the ${WEB_SIZE_BUDGET_BYTES / 2 ** 20} MiB budget`)
      const files = await workingContainer(ref(web.name))
      t.teardown(() => files.remove())
      const listing = await files.run(['sh', '-c', 'ls /usr/share/nginx/html; ls /usr/share/nginx/html/assets; command -v node npm || true'])
      t.match(listing.stdout, /^index\.html$/m, 'the built index.html')
      t.match(listing.stdout, /^index-[\w-]+\.js$/m, 'content-hashed assets')
      t.notMatch(listing.stdout, /\/node|\/npm/, 'no Node runtime in the image')

      // The image's own nginx.conf, headers and files; only the port differs (webConfOnPort).
      const [port] = await freePorts(1)
      const conf = await webConfOnPort((await files.run(['cat', '/etc/nginx/nginx.conf'])).stdout, web.port, port!)
      const run = await runReadOnly(ref(web.name), config, {}, [...config.Entrypoint!, '-c', '/tmp/nginx.conf'], { 'nginx.conf': conf })
      t.teardown(() => run.remove())
      let output = ''
      run.output.on('data', (c: Buffer) => (output += c.toString()))
      const exited = new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)))
      const base = `http://127.0.0.1:${port}`
      await eventually(
        async () => {
          if (run.child.exitCode !== null) throw new Error(`nginx exited with ${run.child.exitCode}: ${output.slice(-1500)}`)
          return (await fetch(`${base}/readyz`)).status === 200 ? true : undefined
        },
        'nginx /readyz',
        30_000,
      )
      t.equal((await fetch(`${base}/healthz`)).status, 200, '/healthz')

      const index = await fetch(`${base}/`)
      const html = await index.text()
      t.equal(index.status, 200)
      t.match(index.headers.get('content-type'), /^text\/html/)
      t.equal(index.headers.get('cache-control'), 'no-cache', 'index.html is revalidated')
      const csp = index.headers.get('content-security-policy') ?? ''
      t.match(csp, /script-src 'self'(;|$)/, 'no inline script')
      t.match(csp, /frame-ancestors 'none'/, 'no framing')
      t.equal(index.headers.get('x-content-type-options'), 'nosniff')
      t.equal(index.headers.get('server'), 'nginx', 'no version in the Server header')
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
      t.ok(script, 'index.html names a hashed script')
      const asset = await fetch(`${base}${script}`)
      t.equal(asset.status, 200)
      t.match(asset.headers.get('content-type'), /javascript/)
      t.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable')
      t.match(asset.headers.get('content-security-policy'), /default-src 'self'/, 'headers on assets too')

      const missingFile = await fetch(`${base}/expense/v9/nothing-here`)
      t.equal(missingFile.status, 404)
      t.match(missingFile.headers.get('content-type'), /^application\/problem\+json/)
      t.match(await missingFile.json(), { status: 404, code: 'not_found' }, 'a machine-readable 404, not an HTML page')
      t.match(missingFile.headers.get('content-security-policy'), /default-src/, 'headers on errors too')
      t.equal((await fetch(`${base}/.env`)).status, 404, 'no dot files')
      const post = await fetch(`${base}/`, { method: 'POST', body: 'x' })
      t.equal(post.status, 405)
      t.match(await post.json(), { status: 405, code: 'method_not_allowed' })
      t.equal(post.headers.get('allow'), 'GET, HEAD')

      run.child.kill('SIGQUIT')
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000)
      t.equal(await exited, 0, `exits 0 after SIGQUIT ${output.slice(-500)}`)
      clearTimeout(timer)
      t.notMatch(output, /\[(emerg|alert|crit)\]/, 'nginx reported no error (a write outside /tmp would be one)')
    },
  )

  t.test('the images migrate, run together, serve a user through the gateway image, and stop gracefully', async (t) => {
    const suite = t
    const admin = new pg.Client({ connectionString: requireEnv('POSTGRES_ADMIN_URL') })
    await admin.connect()
    t.teardown(() => admin.end())
    const suffix = randomBytes(3).toString('hex')
    const kafkaBrokers = requireEnv('KAFKA_BROKERS')
    const running: Array<{ name: string; child: ChildProcess; output: () => string }> = []
    const containers: Array<{ remove(): Promise<unknown> }> = []
    const databases: string[] = []
    t.teardown(async () => {
      for (const { child } of running) if (child.exitCode === null) child.kill('SIGKILL')
      for (const ctr of containers) await ctr.remove()
      for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined)
    })

    // A fresh database per service, owned by that service's own role (as a cluster's would be).
    const databaseUrls = new Map<string, string>()
    for (const [service, envName] of migrating) {
      const url = new URL(requireEnv(envName))
      const db = `img_${service.replace(/-service$/, '')}_${suffix}`
      await admin.query(`CREATE DATABASE ${db} OWNER ${url.username}`)
      databases.push(db)
      url.pathname = `/${db}`
      databaseUrls.set(service, url.toString())
    }

    const configs = new Map<string, ImageConfig>()
    const launch = async (name: string, env: Record<string, string>, argv?: readonly string[], tmpFiles?: Record<string, string>) => {
      if (!built.has(name)) throw new Error(`${name} was not built`)
      if (!configs.has(name)) configs.set(name, (await inspectImage(ref(name))).config)
      const run = await runReadOnly(ref(name), configs.get(name)!, env, argv, tmpFiles)
      containers.push(run)
      let output = ''
      const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20_000))
      run.output.on('data', keep)
      const exited = new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)))
      return { child: run.child, output: () => output, exited }
    }

    await t.test('each service migrates its own fresh database from its image', async (t) => {
      for (const [service, databaseUrl] of databaseUrls) {
        const dir = service.replace(/-service$/, '')
        const expected = readdirSync(path.join(repoRoot, 'services', dir, 'prisma/migrations'), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort()
        const migrate = () => launch(service, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }, ['node', 'dist/migrate.js'])
        const first = await migrate()
        t.equal(await first.exited, 0, `${service} migrate exits 0 ${first.output().slice(-500)}`)
        const applied = new pg.Client({ connectionString: databaseUrl })
        await applied.connect()
        const rows = await applied.query<{ migration_name: string }>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1',
        )
        t.same(
          rows.rows.map((r) => r.migration_name),
          expected,
          `${service}: every migration applied`,
        )
        const second = await migrate()
        t.equal(await second.exited, 0, `${service}: a second migrate is a no-op`)
        const again = await applied.query('SELECT count(*)::int AS n FROM _prisma_migrations')
        t.equal(again.rows[0].n, expected.length, `${service}: nothing applied twice`)
        await applied.end()
      }
    })

    const free = await freePorts(targets.length)
    const ports = new Map(targets.map((target, i) => [target.name, free[i]!]))
    const urlOf = (name: string) => `http://127.0.0.1:${ports.get(name)}`
    const jwksUrl = `${urlOf('auth-service')}/auth/v1/jwks`

    const start = async (name: string, env: Record<string, string>, tmpFiles?: Record<string, string>) => {
      const { child, output } = await launch(
        name,
        {
          PORT: String(ports.get(name)),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          KAFKA_BROKERS: kafkaBrokers,
          AUTH_JWKS_URL: jwksUrl,
          // Own consumer groups: never take partitions from the other tests' consumers on the shared Kafka.
          KAFKA_GROUP_ID: `${name}-image-${suffix}`,
          ...env,
        },
        undefined,
        tmpFiles,
      )
      running.push({ name, child, output })
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output().slice(-1500)}`)
        const res = await fetch(`${urlOf(name)}/readyz`)
        return res.status === 200 ? true : undefined
      }, `${name} /readyz`)
    }

    await t.test('every image starts read-only as its own ENTRYPOINT and answers /readyz against the local Postgres and Kafka', async (t) => {
      await start('auth-service', { DATABASE_URL: databaseUrls.get('auth-service')! })
      for (const service of ['user-service', 'ds-service', 'expense-service']) {
        await start(service, { DATABASE_URL: databaseUrls.get(service)! })
      }
      const upstreams: Record<string, string> = Object.fromEntries([...migrating.keys()].map((s) => [upstreamEnvVar(s), urlOf(s)]))
      if (web && built.has(web.name)) {
        // The web image behind the gateway image, as the chart runs them without Kong (WEB_URLS).
        const ctr = await workingContainer(ref(web.name))
        const imageConf = (await ctr.run(['cat', '/etc/nginx/nginx.conf'])).stdout
        await ctr.remove()
        const webConfig = (await inspectImage(ref(web.name))).config
        const conf = await webConfOnPort(imageConf, web.port, ports.get(web.name)!)
        const site = await launch(web.name, {}, [...webConfig.Entrypoint!, '-c', '/tmp/nginx.conf'], { 'nginx.conf': conf })
        running.push({ name: web.name, child: site.child, output: site.output })
        await eventually(async () => ((await fetch(`${urlOf(web.name)}/readyz`)).status === 200 ? true : undefined), 'the web image /readyz', 30_000)
        upstreams.WEB_URLS = urlOf(web.name)
      }
      await start('gateway', upstreams)
      for (const { name } of running) {
        const res = await fetch(`${urlOf(name)}/readyz`)
        t.equal(res.status, 200, `${name} ready`)
      }
    })

    await t.test('a user signs up, gets a profile and an expense from a bank SMS, through the gateway image', async (t) => {
      const gateway = urlOf('gateway')
      const user = {
        username: `img_${suffix}`,
        password: 'images all the way down',
        email: `img.${suffix}@example.com`,
        firstName: 'Ana',
        lastName: 'Lima',
      }
      const signup = await fetch(`${gateway}/auth/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) })
      t.equal(signup.status, 201, 'signup through the gateway')
      const { accessToken, userId } = (await signup.json()) as { accessToken: string; userId: string }
      const auth = { authorization: `Bearer ${accessToken}` }

      const unauthenticated = await fetch(`${gateway}/user/v1/me`)
      t.equal(unauthenticated.status, 401, 'no token, no profile')

      const profile = await eventually(async () => {
        const res = await fetch(`${gateway}/user/v1/me`, { headers: auth })
        return res.status === 200 ? ((await res.json()) as { userId: string; username: string }) : undefined
      }, 'the profile from user.registered')
      t.match(profile, { userId, username: user.username })

      const sms = 'Rs.499.00 debited from A/c XX4821 on 14-03-24 to VPA bigbasket@hdfcbank (UPI Ref No 407499912345). Avl Bal Rs 10,000.00 -HDFC Bank'
      const posted = await fetch(`${gateway}/ds/v1/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ text: sms, sender: 'VM-HDFCBK', receivedAt: '2024-03-14T09:30:00Z' }),
      })
      t.equal(posted.status, 202, 'the SMS is accepted')
      const { messageId } = (await posted.json()) as { messageId: string }
      const expense = await eventually(async () => {
        const res = await fetch(`${gateway}/expense/v1/expenses`, { headers: auth })
        const body = (await res.json()) as { items?: Array<{ messageId: string; amount: string; currency: string; type: string }> }
        return body.items?.find((e) => e.messageId === messageId)
      }, 'the expense')
      t.match(expense, { amount: '499.00', currency: 'INR', type: 'debit' })

      if (web) {
        const page = await fetch(`${gateway}/`)
        t.equal(page.status, 200, 'the web app through the gateway image')
        t.match(await page.text(), /<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/, "the web image's index.html")
        t.equal((await fetch(`${gateway}/nope/v1/x`, { method: 'POST' })).status, 404, 'a write to an unknown path stays the gateway 404')
      }
    })

    await t.test("the operator image syncs auth-service's signing keys from the auth image into Kong credentials on a real kube-apiserver", async (t) => {
      // Lives until the end of the suite: the operator still talks to it when SIGTERM comes.
      const plane = await startControlPlane(suite)
      const namespace = await newNamespace(plane.clients)
      await start(
        'operator',
        { OPERATOR_NAMESPACE: namespace, KONG_CONSUMER_NAME: CONSUMER, KUBECONFIG: '/tmp/kubeconfig', SYNC_INTERVAL_MS: '2000' },
        {
          kubeconfig: plane.kube.kubeconfigPath,
        },
      )
      const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Array<{ kid: string }> }
      const kids = jwks.keys.map((k) => k.kid).sort()
      t.ok(kids.length > 0, 'auth-service publishes keys')
      const synced = await eventually(async () => {
        const managed = await managedKids(plane.clients, namespace)
        return managed.length === kids.length ? managed : undefined
      }, 'the operator to write one credential per key')
      t.same(synced, kids, 'one Kong jwt credential per auth-service key')
    })

    await t.test('SIGTERM stops every image gracefully', async (t) => {
      // Reverse start order: the gateway first, auth-service (the JWKS source) last.
      for (const { name, child, output } of [...running].reverse()) {
        if (child.exitCode !== null) {
          t.fail(`${name} had already exited with ${child.exitCode}: ${output().slice(-1000)}`)
          continue
        }
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        const code = await exited
        clearTimeout(timer)
        t.equal(code, 0, `${name} exits 0 after SIGTERM ${code === 0 ? '' : output().slice(-1000)}`)
      }
    })
  })
}
