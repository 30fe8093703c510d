/**
 * The dev-loop files name every service: skaffold.yaml and the Tiltfile, each checked twice - as text
 * (fast, precise messages) and by the real tools evaluating them without a cluster (`tilt alpha
 * tiltfile-result`, `skaffold diagnose` / `skaffold render --offline`, built by scripts/tools/install.sh) -
 * compose.yaml (validated against the Compose Specification schema), the Dockerfiles, and the umbrella
 * values files they deploy with.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { buildSpec, DOCKERFILE } from '../../scripts/k8s/dockerfile.js'
import { chartedServices, imageTargets, type ServiceInfo } from '../../scripts/k8s/services.js'
import { composeSchemaPath, kubeconform, parseObjects, render, repoRoot, runWithChartDeps, tempFile, tool } from './helpers.js'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')
const exists = (path: string) => existsSync(join(repoRoot, path))
/** skaffold's template variable suffix for an image name: every non-alphanumeric becomes `_`. */
const skaffoldKey = (image: string) => image.replace(/[^a-zA-Z0-9]/g, '_')

interface SkaffoldConfig {
  metadata: { name: string }
  requires?: { configs: string[] }[]
  manifests?: { rawYaml?: string[] }
  build?: { artifacts: { image: string; context: string; docker: { dockerfile: string; buildArgs?: Record<string, string>; target?: string } }[] }
  deploy?: { helm?: { releases: { chartPath: string; valuesFiles?: string[]; setValueTemplates?: Record<string, string> }[] } }
  profiles?: { name: string; patches?: { path: string; value: unknown }[] }[]
}

export function skaffoldProblems(text: string, services: readonly ServiceInfo[]): string[] {
  const configs = parseAllDocuments(text).map((d) => d.toJS() as SkaffoldConfig)
  const problems: string[] = []
  const app = configs.find((c) => c.build?.artifacts)
  if (!app) return ['no config with build artifacts']
  const artifacts = new Map(app.build?.artifacts.map((a) => [a.image, a]))
  for (const target of imageTargets()) {
    const artifact = artifacts.get(`expenses/${target.name}`)
    if (!artifact) problems.push(`no artifact for expenses/${target.name}`)
    else {
      const { args, target: stage } = buildSpec(target)
      if (artifact.docker.dockerfile !== DOCKERFILE) problems.push(`${target.name}: wrong Dockerfile`)
      if (JSON.stringify(artifact.docker.buildArgs ?? {}) !== JSON.stringify(args)) problems.push(`${target.name}: wrong build args`)
      if (artifact.docker.target !== stage) problems.push(`${target.name}: wrong target`)
    }
  }
  const release = app.deploy?.helm?.releases.find((r) => r.chartPath === 'charts/expenses-tracker')
  if (!release) return [...problems, 'no helm release of charts/expenses-tracker']
  // Every image that runs in the cluster (the services', the operator's, the web app's; not the local
  // gateway's) is a subchart of the same name.
  const others = imageTargets().filter((i) => i.name !== 'gateway' && !services.some((s) => s.chart === i.name))
  for (const chart of [...services.map((s) => s.chart), ...others.map((i) => i.name)]) {
    const key = skaffoldKey(`expenses/${chart}`)
    const templates = release.setValueTemplates ?? {}
    if (templates[`${chart}.image.repository`] !== `{{.IMAGE_REPO_${key}}}`) problems.push(`${chart}: image.repository not wired`)
    if (templates[`${chart}.image.tag`] !== `{{.IMAGE_TAG_${key}}}`) problems.push(`${chart}: image.tag not wired`)
  }
  const files = [
    ...(release.valuesFiles ?? []),
    ...configs.flatMap((c) => c.manifests?.rawYaml ?? []),
    ...app.build!.artifacts.map((a) => a.docker.dockerfile),
    ...(app.profiles ?? []).flatMap((p) => (p.patches ?? []).flatMap((patch) => (Array.isArray(patch.value) ? patch.value : []))),
  ]
  for (const file of files) if (typeof file === 'string' && !exists(file)) problems.push(`missing file ${file}`)
  const profiles = (app.profiles ?? []).map((p) => p.name)
  for (const name of ['dev', 'prod']) if (!profiles.includes(name)) problems.push(`no ${name} profile`)
  const platform = configs.find((c) => c.manifests?.rawYaml?.some((f) => f.startsWith('k8s/strimzi/')))
  if (!platform) problems.push('Strimzi manifests are not deployed')
  else if (!app.requires?.some((r) => r.configs.includes(platform.metadata.name))) problems.push('the app does not require the platform config')
  return problems
}

export function tiltfileProblems(text: string, services: readonly ServiceInfo[]): string[] {
  const problems: string[] = []
  const block = /SERVICES = \{([^}]*)\}/.exec(text)?.[1] ?? ''
  const listed = new Map([...block.matchAll(/'([a-z-]+)':\s*'([a-z-]+)'/g)].map((m) => [m[1], m[2]]))
  for (const svc of services) {
    if (listed.get(svc.chart) !== svc.dir) problems.push(`SERVICES lacks '${svc.chart}': '${svc.dir}'`)
  }
  for (const chart of listed.keys()) {
    if (!services.some((s) => s.chart === chart)) problems.push(`SERVICES names unknown service ${chart}`)
  }
  const required: [RegExp, string][] = [
    [/docker_build\(ref, context='\.', dockerfile='Dockerfile', build_args=build_args, target=target/, 'docker_build from the Dockerfile'],
    [/custom_build\(\s*ref,\s*'bash scripts\/cluster\/dev-image\.sh %s \$EXPECTED_REF' % name/, 'custom_build by buildah on the local cluster'],
    [/build_image\(\s*chart,\s*build_args=\{'SERVICE': folder\}/, 'an image per service'],
    [/build_image\('operator', build_args=\{'SERVICE': 'operator'\}\)/, 'the operator image'],
    [/build_image\('web', target='web'\)/, 'the web app image'],
    [/build_image\('gateway', build_args=\{'SERVICE': 'gateway'\}\)/, 'the gateway image on the local cluster'],
    [/live_update=\[[\s\S]*sync\('services\/%s\/dist' % folder/, 'live_update syncing dist/'],
    [/\[HELM, 'template', RELEASE, 'charts\/expenses-tracker'/, 'helm template of the umbrella chart'],
    [/k8s_yaml\('k8s\/dev\/namespaces.yaml'\)/, 'namespaces applied'],
    [/resource_deps=deps/, 'resource_deps on the services'],
    [/\[KAFKA, chart \+ '-postgresql'/, 'Kafka and Postgres before each service'],
    [/port-forward svc\/kong-gateway-proxy/, 'Kong proxy port-forward'],
    [/labels=\['services'\]/, 'labels grouping'],
  ]
  for (const [pattern, what] of required) if (!pattern.test(text)) problems.push(`missing: ${what}`)
  for (const path of text.matchAll(/'((?:k8s|charts)\/[^'%*]+)'/g)) {
    if (path[1] && !exists(path[1])) problems.push(`missing file ${path[1]}`)
  }
  return problems
}

const services = chartedServices()

t.test('skaffold.yaml builds every image and wires every service image into the umbrella release', async (t) => {
  t.same(skaffoldProblems(read('skaffold.yaml'), services), [])
})

t.test('the skaffold check fails when a service is missing', async (t) => {
  const text = read('skaffold.yaml')
    .replace(/\n {4}- image: expenses\/ds-service\n.*\n.*\n/, '\n')
    .replace(/ {10}ds-service\.image\.tag.*\n/, '')
  const problems = skaffoldProblems(text, services)
  t.ok(problems.includes('no artifact for expenses/ds-service'), problems.join('\n'))
  t.ok(problems.includes('ds-service: image.tag not wired'), problems.join('\n'))
})

t.test('the Tiltfile names every service image and chart and orders infra first', async (t) => {
  t.same(tiltfileProblems(read('Tiltfile'), services), [])
})

t.test('the Tiltfile check fails when a service is missing', async (t) => {
  const text = read('Tiltfile').replace("    'expense-service': 'expense',\n", '')
  t.same(tiltfileProblems(text, services), ["SERVICES lacks 'expense-service': 'expense'"])
})

t.test('compose.yaml follows the Compose Specification and runs every service behind Kong', async (t) => {
  const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> }
  // kubeconform picks a schema by apiVersion/kind: wrap the Compose schema to accept those two keys.
  const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as { properties: Record<string, unknown> }
  schema.properties.apiVersion = { const: 'expenses.local/v1' }
  schema.properties.kind = { const: 'Compose' }
  const schemaFile = tempFile('compose.json', JSON.stringify(schema))
  const check = (doc: object) =>
    kubeconform(JSON.stringify({ apiVersion: 'expenses.local/v1', kind: 'Compose', ...doc }), [
      schemaFile.replace(/compose\.json$/, '{{ .ResourceKind }}.json'),
    ])
  t.same(check(compose).problems, [], 'valid against the Compose Specification')
  t.not(
    check({ ...compose, services: { ...compose.services, kong: { ...compose.services.kong, restart_policy: 'always' } } }).problems,
    [],
    'an unknown service key is rejected',
  )

  for (const svc of services) {
    const service = compose.services[svc.chart]
    t.equal(service?.image, `expenses/${svc.chart}:dev`, `${svc.chart} uses its image`)
    t.same(service?.build, { context: '.', dockerfile: 'Dockerfile', args: { SERVICE: svc.dir } }, `${svc.chart}: the Dockerfile with SERVICE=${svc.dir}`)
    t.match(service?.depends_on, {
      [`${svc.dir}-db`]: { condition: 'service_healthy' },
      kafka: { condition: 'service_healthy' },
      [`${svc.dir}-migrate`]: { condition: 'service_completed_successfully' },
    })
    t.same(compose.services[`${svc.dir}-migrate`]?.entrypoint, ['node', 'dist/migrate.js'])
    t.match(compose.services.kong?.depends_on, { [svc.chart]: { condition: 'service_healthy' } })
  }
  t.match(compose.services.kong, { environment: { KONG_DATABASE: 'off' }, volumes: ['./k8s/kong/kong.yml:/kong/kong.yml:ro'] })
  t.ok(compose.services.gateway, 'the local gateway is available (profile gateway)')
  t.match(
    compose.services.web,
    { image: 'expenses/web:dev', build: { context: '.', dockerfile: 'Dockerfile', target: 'web' }, read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'] },
    'the web app, hardened',
  )
  t.match(compose.services.kong?.depends_on, { web: { condition: 'service_started' } })
  t.match(compose.services.gateway?.environment, { WEB_URLS: 'http://web:8080' }, 'the local gateway profile serves it too')
  const kong = parse(read('k8s/kong/kong.yml')) as { services: { name: string; url: string; routes: { paths: string[]; methods?: string[] }[] }[] }
  t.match(
    kong.services.find((s) => s.name === 'web'),
    { url: 'http://web:8080', routes: [{ paths: ['/'], methods: ['GET', 'HEAD'] }] },
    'Kong sends / to it',
  )
})

t.test('every umbrella values file the dev loops deploy with renders valid objects', async (t) => {
  for (const file of readdirSync(join(repoRoot, 'k8s/values'))) {
    const objects = render('expenses-tracker', ['-f', `k8s/values/${file}`])
    const text = objects.map((o) => JSON.stringify(o)).join('\n---\n')
    t.same(kubeconform(text).problems, [], file)
  }
})

t.test('one Dockerfile builds every image: node 24 slim, node as PID 1 as a non-root user, the build stage shared', async (t) => {
  const text = read('Dockerfile')
  t.notOk(
    readdirSync(join(repoRoot, 'services')).some((dir) => exists(`services/${dir}/Dockerfile`)),
    'no per-service Dockerfile beside it',
  )
  t.match(text, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m)
  const stages = [...text.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => `${m[2]} <- ${m[1]}`)
  t.same(
    stages,
    [
      'manifests <- ${NODE_IMAGE}',
      'build <- ${NODE_IMAGE}',
      'web-build <- build',
      'web <- debian:bookworm-slim',
      'service-files <- build',
      'service <- ${NODE_IMAGE}',
    ],
    'one install-and-compile stage for all; the Node services are the default (last) target',
  )
  t.equal((text.match(/^RUN npm run build$/gm) ?? []).length, 1, 'the monorepo is compiled once')
  const service = text.slice(text.lastIndexOf('\nFROM '))
  t.match(service, /^ARG SERVICE$/m, 'the service stage is parameterised by SERVICE')
  t.match(service, /^USER node$/m, 'drops root')
  t.match(service, /^WORKDIR \/app\/services\/\$SERVICE$/m)
  t.match(service, /^ENTRYPOINT \["node", "dist\/main\.js"\]$/m, 'exec-form entrypoint')
  t.match(service, /npm ci [^\n]*--omit=dev[^\n]*-w "services\/\$SERVICE"/, 'production deps of that one workspace')
  for (const target of imageTargets()) {
    const { args, target: stage } = buildSpec(target)
    if (target.kind === 'static') t.equal(stage, 'web', `${target.name}: the web target`)
    else {
      // npm ci -w takes the folder: it must be the workspace the image is named for.
      t.same(args, { SERVICE: target.dir }, `${target.name}: SERVICE=${target.dir}`)
      t.equal((JSON.parse(read(`services/${target.dir}/package.json`)) as { name: string }).name, target.pkg, `services/${target.dir} is ${target.pkg}`)
    }
  }
  t.ok(exists('.dockerignore'))
  t.match(read('.dockerignore'), /node_modules/)
})

t.test('the web image is built on the shared build stage and runs nginx on Debian slim as uid 101, PID 1', async (t) => {
  const targets = imageTargets().filter((i) => i.kind === 'static')
  t.same(
    targets.map((i) => i.name),
    ['web'],
    'one static image: the web app',
  )
  const dockerfile = read('Dockerfile')
  const text = dockerfile.slice(dockerfile.indexOf('FROM build AS web-build'), dockerfile.indexOf('FROM build AS service-files'))
  t.match(text, /^RUN npm run build -w @expenses\/web$/m)
  t.match(text, /^FROM debian:bookworm-slim AS web$/m)
  t.match(text, /^USER 101:101$/m, 'drops root')
  t.match(text, /^STOPSIGNAL SIGQUIT$/m, 'graceful stop')
  t.match(text, /^ENTRYPOINT \["nginx", "-e", "stderr", "-g", "daemon off;"\]$/m)
  const conf = read('services/web/nginx/nginx.conf')
  t.match(conf, /^pid \/tmp\/nginx\.pid;$/m, 'writes its pid under /tmp')
  for (const temp of conf.match(/^\s*\w+_temp_path .*$/gm) ?? []) t.match(temp, /\/tmp\//, `${temp.trim()} under /tmp`)
  t.equal((conf.match(/include \/etc\/nginx\/headers\/security\.conf;/g) ?? []).length, 5, 'the headers in every location that answers')
})

// --- the real tools ---------------------------------------------------------------------------------

const KIND_CONTEXT = 'kind-expenses'
/** The project's own cluster (scripts/cluster/cluster.sh writes this context). */
const LOCAL_CONTEXT = 'expenses-local'
/** Images that run in the cluster: all but the local gateway (Kong is the gateway there, services.ts). */
const clusterImages = () =>
  imageTargets()
    .filter((i) => i.name !== 'gateway')
    .map((i) => `expenses/${i.name}`)

/**
 * Environment for tilt/skaffold without a cluster: a throw-away HOME (both keep state there) and a
 * kubeconfig whose contexts point at a port nothing listens on - the checks must never need a cluster.
 * `helm` on PATH is Helm 3 for skaffold v2.16 (see scripts/tools/install.sh), Helm 4 otherwise.
 */
function offlineEnv(context: string, helm: 'helm' | 'helm3'): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'dev-loop-'))
  const cluster = (name: string) => ({ name, cluster: { server: 'https://127.0.0.1:1' } })
  const names = [KIND_CONTEXT, LOCAL_CONTEXT, 'prod-cluster']
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map(cluster),
    contexts: names.map((name) => ({ name, context: { cluster: name, user: 'nobody' } })),
    users: [{ name: 'nobody', user: { token: 'unused' } }],
    'current-context': context,
  }
  writeFileSync(join(home, 'kubeconfig'), JSON.stringify(kubeconfig))
  const bin = join(home, 'bin')
  mkdirSync(bin)
  symlinkSync(tool(helm), join(bin, 'helm'))
  return { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, KUBECONFIG: join(home, 'kubeconfig'), HELM: tool('helm') }
}

interface TiltManifest {
  Name: string
  ImageTargets?: { selector: string; LiveUpdateSpec: { syncs?: { localPath: string; containerPath: string }[] }; BuildDetails?: { args?: string[] } }[] | null
  ResourceDependencies?: string[] | null
  Labels?: Record<string, string> | null
  DeployTarget?: { yaml?: string; ServeCmd?: { args?: string[] } } | null
}

function tiltfileResult(context = KIND_CONTEXT) {
  const run = runWithChartDeps(tool('tilt'), ['alpha', 'tiltfile-result', '--file', 'Tiltfile'], offlineEnv(context, 'helm'))
  const manifests = run.code === 0 ? (JSON.parse(run.stdout) as { Manifests: TiltManifest[] }).Manifests : []
  return { ...run, manifests: new Map(manifests.map((m) => [m.Name, m])) }
}

/**
 * packages/<folder> of every @expenses/* workspace package a service runs, directly or through another
 * package (from the package.json files): live_update must sync the dist/ of each.
 */
function workspaceDeps(dir: string): string[] {
  const byName = new Map(
    readdirSync(join(repoRoot, 'packages'))
      .filter((folder) => exists(`packages/${folder}/package.json`))
      .map((folder) => [(JSON.parse(read(`packages/${folder}/package.json`)) as { name: string }).name, folder]),
  )
  const depsOf = (file: string) => Object.keys((JSON.parse(read(file)) as { dependencies?: Record<string, string> }).dependencies ?? {})
  const found = new Set<string>()
  const visit = (names: string[]) => {
    for (const folder of names.flatMap((name) => byName.get(name) ?? [])) {
      if (found.has(folder)) continue
      found.add(folder)
      visit(depsOf(`packages/${folder}/package.json`))
    }
  }
  visit(depsOf(`services/${dir}/package.json`))
  return [...found]
}

t.test('tilt evaluates the Tiltfile: every service image, chart resource, dependency and live_update sync', async (t) => {
  const result = tiltfileResult()
  t.equal(result.code, 0, `tilt alpha tiltfile-result:\n${result.stderr}`)
  const { manifests } = result
  for (const name of ['namespaces', 'kafka', 'kafka-ready', 'tsc-watch', 'kong-proxy']) t.ok(manifests.get(name), `resource ${name}`)
  const kafkaYaml = manifests.get('kafka')?.DeployTarget?.yaml ?? ''
  for (const kind of ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser']) t.match(kafkaYaml, `kind: ${kind}\n`, `kafka deploys its ${kind}`)

  for (const svc of services) {
    const service = manifests.get(svc.chart)
    t.same(
      service?.ImageTargets?.map((i) => i.selector),
      [svc.image],
      `${svc.chart} runs the image Tilt builds`,
    )
    t.match(service?.DeployTarget?.yaml ?? '', /kind: Deployment\n/, `${svc.chart} deploys its Deployment`)
    const deps = ['kafka-ready', `${svc.chart}-postgresql`, `${svc.chart}-migrate`, ...(svc.chart === 'auth-service' ? [] : ['auth-service'])]
    t.same([...(service?.ResourceDependencies ?? [])].sort(), deps.sort(), `${svc.chart} waits for Kafka, its database, its migration (and the JWKS)`)
    t.same(manifests.get(`${svc.chart}-migrate`)?.ResourceDependencies, [`${svc.chart}-postgresql`], `${svc.chart} migrates after its Postgres`)
    t.ok(manifests.get(`${svc.chart}-postgresql`), `${svc.chart}-postgresql resource`)

    const syncs = (service?.ImageTargets?.[0]?.LiveUpdateSpec.syncs ?? []).map((s) => `${s.localPath} -> ${s.containerPath}`)
    const expected = [`services/${svc.dir}`, ...workspaceDeps(svc.dir).map((folder) => `packages/${folder}`)].map((d) => `${d}/dist -> /app/${d}/dist`)
    t.same(syncs.sort(), expected.sort(), `${svc.chart} live_update syncs its own and every package's dist/ it runs`)
  }
  const built = new Set([...manifests.values()].flatMap((m) => m.ImageTargets?.map((i) => i.selector) ?? []))
  t.same([...built].sort(), clusterImages().sort(), 'Tilt builds exactly the images that run in the cluster, each used by a resource')
  const deployed = [...manifests.values()].map((m) => m.DeployTarget?.yaml ?? '').join('\n---\n')
  t.notMatch(deployed, /name: expenses-test-/, 'the `helm test` pods are filtered out')
})

t.test('on the local cluster (context expenses-local) tilt builds every image with buildah, the gateway too, and waits for the dev Kafka', async (t) => {
  const result = tiltfileResult(LOCAL_CONTEXT)
  t.equal(result.code, 0, `tilt alpha tiltfile-result:\n${result.stderr}`)
  const { manifests } = result
  const targets = [...manifests.values()].flatMap((m) => m.ImageTargets ?? [])
  const built = new Set(targets.map((i) => i.selector))
  t.same(
    [...built].sort(),
    imageTargets()
      .map((i) => `expenses/${i.name}`)
      .sort(),
    'every image, the gateway included (no Kong there)',
  )
  for (const target of targets) {
    const name = target.selector.replace('expenses/', '')
    t.same(target.BuildDetails?.args, ['sh', '-c', `bash scripts/cluster/dev-image.sh ${name} $EXPECTED_REF`], `${name}: built by dev-image.sh`)
  }
  for (const name of ['kafka-ready', 'kong-proxy']) t.notOk(manifests.get(name), `no ${name} (no Strimzi or Kong operator there)`)
  t.match(manifests.get('kafka')?.DeployTarget?.yaml ?? '', /kind: StatefulSet\n[\s\S]*name: expenses-kafka-kafka\n/, "kafka is the chart's dev Kafka")
  for (const svc of services) {
    t.ok(manifests.get(svc.chart)?.ResourceDependencies?.includes('kafka'), `${svc.chart} waits for the dev Kafka`)
    t.same(manifests.get(`${svc.chart}-postgresql`)?.ResourceDependencies, ['namespaces', 'volumes'], `${svc.chart}-postgresql after the volumes are recycled`)
  }
  t.match(manifests.get('gateway')?.DeployTarget?.yaml ?? '', /type: NodePort/, 'the gateway on its NodePort')
})

t.test('tilt refuses to deploy to a kube context the Tiltfile does not allow', async (t) => {
  const result = tiltfileResult('prod-cluster')
  t.equal(result.code, 5, 'exit code 5: the Tiltfile failed')
  t.match(result.stderr, /prod-cluster might be( a)? production/)
})

/** Fixed image references instead of a build, so skaffold render needs no Docker and no git tag. */
function buildArtifacts(): string {
  const builds = imageTargets().map((i) => ({ imageName: `expenses/${i.name}`, tag: `expenses/${i.name}:checked` }))
  return tempFile('builds.json', JSON.stringify({ builds }))
}

function skaffold(args: string[]) {
  return runWithChartDeps(tool('skaffold'), [...args, '--update-check=false', '--interactive=false'], offlineEnv(KIND_CONTEXT, 'helm3'))
}

t.test('skaffold parses skaffold.yaml and applies the prod profile', async (t) => {
  for (const profile of ['dev', 'prod']) {
    const r = skaffold(['diagnose', '--yaml-only', '-p', profile])
    t.equal(r.code, 0, `skaffold diagnose -p ${profile}:\n${r.stderr}`)
    const app = parseAllDocuments(r.stdout).map((d) => d.toJS() as SkaffoldConfig & { build?: { local?: { push?: boolean } } })
    const config = app.find((c) => c.metadata.name === 'expenses-tracker')
    const values = profile === 'prod' ? 'k8s/values/production.yaml' : 'k8s/values/dev.yaml'
    t.same(config?.deploy?.helm?.releases[0]?.valuesFiles, [join(repoRoot, values)], `${profile} deploys with ${values}`)
    t.equal(config?.build?.local?.push, profile === 'prod', `${profile}: push images ${profile === 'prod'}`)
  }
})

t.test('skaffold -p local-cluster deploys every image it is given, the gateway included, and the chart runs its dev Kafka', async (t) => {
  const r = skaffold(['render', '--offline=true', '-p', 'local-cluster', `--build-artifacts=${buildArtifacts()}`])
  t.equal(r.code, 0, `skaffold render -p local-cluster:\n${r.stderr}`)
  const images = new Set(r.stdout.match(/image: \S+/g))
  for (const target of imageTargets()) t.ok(images.has(`image: docker.io/expenses/${target.name}:checked`), `${target.name} runs as built`)
  const objects = parseObjects(r.stdout)
  t.ok(
    objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'expenses-kafka-kafka'),
    'the dev Kafka',
  )
  t.ok(
    objects.some((o) => o.kind === 'Kafka'),
    'the Strimzi Kafka resource is still applied',
  )
  for (const kind of ['KafkaTopic', 'KafkaUser'])
    t.notOk(
      objects.some((o) => o.kind === kind),
      `no static ${kind}: the ExpenseTracker owns them`,
    )
  t.same(kubeconform(r.stdout).problems, [], 'every rendered object is schema-valid')
})

t.test('skaffold rejects a skaffold.yaml with an unknown field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skaffold-'))
  writeFileSync(join(dir, 'skaffold.yaml'), read('skaffold.yaml').replace('setValueTemplates:', 'setValueTemplate:'))
  const r = skaffold(['diagnose', '--yaml-only', '-f', join(dir, 'skaffold.yaml')])
  t.not(r.code, 0, 'skaffold diagnose fails')
  t.match(r.stderr, /setValueTemplate/)
})

t.test('skaffold renders every service with its built image, and the result is schema-valid', async (t) => {
  for (const profile of ['dev', 'prod']) {
    const r = skaffold(['render', '--offline=true', '-p', profile, `--build-artifacts=${buildArtifacts()}`])
    t.equal(r.code, 0, `skaffold render -p ${profile}:\n${r.stderr}`)
    const objects = parseObjects(r.stdout)
    const images = new Set(r.stdout.match(/image: \S+/g))
    for (const image of clusterImages()) t.ok(images.has(`image: ${image}:checked`), `${profile}: ${image} runs as built`)
    for (const svc of services) {
      t.ok(
        objects.some((o) => o.kind === 'Deployment' && o.metadata.name === svc.chart),
        `${profile}: ${svc.chart} Deployment`,
      )
    }
    for (const kind of ['Namespace', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser'])
      t.ok(
        objects.some((o) => o.kind === kind),
        `${profile}: ${kind} from the platform config`,
      )
    t.same(kubeconform(r.stdout).problems, [], `${profile}: every rendered object is schema-valid`)
  }
})
