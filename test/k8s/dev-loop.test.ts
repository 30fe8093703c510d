/**
 * The dev-loop files name every service: skaffold.yaml (parsed with `yaml`), the Tiltfile (read as
 * text: Tilt itself is not installed here, see docs/kubernetes.md), compose.yaml (validated against
 * the Compose Specification schema), the Dockerfiles, and the umbrella values files they deploy with.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { chartedServices, imageTargets, type ServiceInfo } from '../../scripts/k8s/services.js'
import { composeSchemaPath, kubeconform, render, repoRoot, tempFile } from './helpers.js'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')
const exists = (path: string) => existsSync(join(repoRoot, path))
/** skaffold's template variable suffix for an image name: every non-alphanumeric becomes `_`. */
const skaffoldKey = (image: string) => image.replace(/[^a-zA-Z0-9]/g, '_')

interface SkaffoldConfig {
  metadata: { name: string }
  requires?: { configs: string[] }[]
  manifests?: { rawYaml?: string[] }
  build?: { artifacts: { image: string; context: string; docker: { dockerfile: string } }[] }
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
    else if (artifact.docker.dockerfile !== `services/${target.dir}/Dockerfile`) problems.push(`${target.name}: wrong Dockerfile`)
  }
  const release = app.deploy?.helm?.releases.find((r) => r.chartPath === 'charts/expenses-tracker')
  if (!release) return [...problems, 'no helm release of charts/expenses-tracker']
  for (const svc of services) {
    const key = skaffoldKey(`expenses/${svc.chart}`)
    const templates = release.setValueTemplates ?? {}
    if (templates[`${svc.chart}.image.repository`] !== `{{.IMAGE_REPO_${key}}}`) problems.push(`${svc.chart}: image.repository not wired`)
    if (templates[`${svc.chart}.image.tag`] !== `{{.IMAGE_TAG_${key}}}`) problems.push(`${svc.chart}: image.tag not wired`)
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
    [/docker_build\(\s*'expenses\/' \+ chart,[\s\S]*dockerfile='services\/%s\/Dockerfile' % folder/, 'docker_build per service'],
    [/live_update=\[[\s\S]*sync\('services\/%s\/dist' % folder/, 'live_update syncing dist/'],
    [/helm\(\s*'charts\/expenses-tracker'/, 'helm render of the umbrella chart'],
    [/k8s_yaml\('k8s\/dev\/namespaces.yaml'\)/, 'namespaces applied'],
    [/resource_deps=deps/, 'resource_deps on the services'],
    [/'kafka-ready', chart \+ '-postgresql'/, 'Kafka and Postgres before each service'],
    [/port-forward svc\/kong-gateway-proxy/, 'Kong proxy port-forward'],
    [/labels=\['services'\]/, 'labels grouping'],
  ]
  for (const [pattern, what] of required) if (!pattern.test(text)) problems.push(`missing: ${what}`)
  for (const path of text.matchAll(/'((?:k8s|charts)\/[^'%]+)'/g)) {
    if (path[1] && !exists(path[1])) problems.push(`missing file ${path[1]}`)
  }
  return problems
}

const services = chartedServices()

t.test('skaffold.yaml builds every image and wires every service image into the umbrella release', async (t) => {
  t.same(skaffoldProblems(read('skaffold.yaml'), services), [])
})

t.test('the skaffold check fails when a service is missing', async (t) => {
  const text = read('skaffold.yaml').replace(/\n {4}- image: expenses\/ds-service\n.*\n.*\n/, '\n').replace(/ {10}ds-service\.image\.tag.*\n/, '')
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
    kubeconform(JSON.stringify({ apiVersion: 'expenses.local/v1', kind: 'Compose', ...doc }), [schemaFile.replace(/compose\.json$/, '{{ .ResourceKind }}.json')])
  t.same(check(compose).problems, [], 'valid against the Compose Specification')
  t.not(check({ ...compose, services: { ...compose.services, kong: { ...compose.services.kong, restart_policy: 'always' } } }).problems, [], 'an unknown service key is rejected')

  for (const svc of services) {
    const service = compose.services[svc.chart]
    t.equal(service?.image, `expenses/${svc.chart}:dev`, `${svc.chart} uses its image`)
    t.match(service?.build, { dockerfile: `services/${svc.dir}/Dockerfile` })
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
})

t.test('every umbrella values file the dev loops deploy with renders valid objects', async (t) => {
  for (const file of readdirSync(join(repoRoot, 'k8s/values'))) {
    const objects = render('expenses-tracker', ['-f', `k8s/values/${file}`])
    const text = objects.map((o) => JSON.stringify(o)).join('\n---\n')
    t.same(kubeconform(text).problems, [], file)
  }
})

t.test('every image has a Dockerfile on node 24 slim, running node as PID 1 as a non-root user', async (t) => {
  for (const target of imageTargets()) {
    const text = read(`services/${target.dir}/Dockerfile`)
    t.match(text, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m, target.name)
    t.match(text, /^USER node$/m, `${target.name} drops root`)
    t.match(text, /^ENTRYPOINT \["node", "dist\/main\.js"\]$/m, `${target.name} exec-form entrypoint`)
    t.match(text, new RegExp(`npm ci [^\\n]*--omit=dev[^\\n]*-w ${target.pkg}`), `${target.name} production deps only`)
  }
  t.ok(exists('.dockerignore'))
  t.match(read('.dockerignore'), /node_modules/)
})
