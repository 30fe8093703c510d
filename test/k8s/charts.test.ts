/**
 * Every chart with every ci/*-values.yaml: `helm lint --strict`, `helm template`, each rendered object
 * valid against its kind's strict schema (kubeconform, local schemas) and every workload hardened.
 * Offline checks only: nothing here talks to a cluster (docs/kubernetes.md says what that leaves out).
 */
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { ALL_CHARTS, ciValuesFiles, helm, kubeconform, render, repoRoot, SERVICE_CHARTS, template, UMBRELLA } from './helpers.js'
import { workloadProblems } from './workloads.js'

for (const chart of ALL_CHARTS) {
  for (const values of ciValuesFiles(chart)) {
    const name = `${chart} with ${relative(repoRoot, values)}`
    t.test(`${name}: lints strictly, renders schema-valid and hardened objects`, async (t) => {
      const lint = helm(['lint', '--strict', `charts/${chart}`, '-f', values])
      t.equal(lint.code, 0, `helm lint --strict:\n${lint.stdout}${lint.stderr}`)

      const rendered = template(chart, ['-f', values])
      t.equal(rendered.code, 0, rendered.stderr)
      const validation = kubeconform(rendered.stdout)
      t.same(validation.problems, [], 'every object matches its kind schema')
      t.ok(validation.valid > 0, 'kubeconform validated objects')

      t.same(workloadProblems(render(chart, ['-f', values])), [], 'image, probes, resources, security context')
    })
  }
}

t.test('the lib library chart lints strictly', async (t) => {
  const lint = helm(['lint', '--strict', 'charts/lib'])
  t.equal(lint.code, 0, lint.stdout + lint.stderr)
})

t.test('the workload rules flag a container without probes, limits or a hardened context', async (t) => {
  const [deployment] = render('auth-service').filter((o) => o.kind === 'Deployment')
  if (!deployment) throw new Error('auth-service renders no Deployment')
  const pod = (deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec
  const container = pod.containers[0] as Record<string, unknown>
  delete container.readinessProbe
  container.resources = { requests: { cpu: '1', memory: '1Gi' } }
  container.securityContext = { runAsNonRoot: true, readOnlyRootFilesystem: false, capabilities: { drop: ['NET_RAW'] } }
  container.image = 'expenses/auth-service:latest'
  const problems = workloadProblems([deployment]).join('\n')
  for (const expected of [
    'no readinessProbe',
    'readiness probe is not GET /readyz',
    'missing resources.limits.cpu',
    'missing resources.limits.memory',
    'allowPrivilegeEscalation is not false',
    'readOnlyRootFilesystem is not true',
    'capabilities.drop lacks ALL',
    'image must be pinned',
  ]) {
    t.match(problems, expected)
  }
})

t.test('kubeconform rejects a field the Kubernetes schema does not know', async (t) => {
  const text = template('auth-service').stdout.replace('readinessProbe:', 'readinessProbes:')
  const { problems } = kubeconform(text)
  t.ok(
    problems.some((p) => p.includes("additional properties 'readinessProbes' not allowed")),
    problems.join('\n'),
  )
})

t.test("custom resources are checked against the operators' real CRDs, strictly", async (t) => {
  const umbrella = template('expenses-tracker', ['-f', 'charts/expenses-tracker/ci/production-values.yaml'])
  t.equal(umbrella.code, 0, umbrella.stderr)
  const byKind = (text: string, kind: string) =>
    parseAllDocuments(text)
      .map((d) => String(d))
      .filter((d) => d.includes(`\nkind: ${kind}\n`))
  const [plugin] = byKind(umbrella.stdout, 'KongPlugin')
  const [consumer] = byKind(umbrella.stdout, 'KongConsumer')
  const [monitor] = byKind(umbrella.stdout, 'ServiceMonitor')
  const strimzi = readFileSync(join(repoRoot, 'k8s/strimzi/kafka.yaml'), 'utf8')
  if (!plugin || !consumer || !monitor) throw new Error('the production umbrella renders no KongPlugin, KongConsumer or ServiceMonitor')
  t.same(kubeconform([plugin, consumer, monitor, strimzi].join('\n---\n')).problems, [], 'as rendered, all valid')

  const rejected: [string, string, RegExp][] = [
    ['a misspelt KongPlugin field', plugin.replace(/^plugin:/m, 'plugins:'), /additional properties 'plugins' not allowed/],
    ['a misspelt KongConsumer field', consumer.replace(/^username:/m, 'userName:'), /additional properties 'userName' not allowed/],
    ['a misspelt ServiceMonitor field', monitor.replace(/^ {2}endpoints:/m, '  endpoint:'), /additional properties 'endpoint' not allowed/],
    ['a misspelt KafkaNodePool field', strimzi.replace('roles:', 'role:'), /additional properties 'role' not allowed/],
    // Both are fine in kafka.strimzi.io/v1beta2 and gone from v1: only the real v1 schema knows that.
    ['the oauth listener authentication removed in v1', strimzi.replace('type: scram-sha-512', 'type: oauth'), /authentication\/type': value must be one of/],
    ['a Kafka without spec (required from v1)', 'apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: k\n', /missing propert.*spec/],
    ['the retired v1beta2 API', strimzi.replaceAll('kafka.strimzi.io/v1', 'kafka.strimzi.io/v1beta2'), /could not find schema/],
  ]
  for (const [what, text, message] of rejected) t.match(kubeconform(text).problems.join('\n'), message, what)

  // Fields we don't use are still known: the schemas cover the whole CRD, not just our subset.
  const exporter = strimzi.replace('  entityOperator:', '  kafkaExporter:\n    topicRegex: ".*"\n  entityOperator:')
  t.same(kubeconform(exporter).problems, [], 'an unused but real Kafka field (kafkaExporter) is accepted')
})

t.test('strict values schemas reject unknown and invalid values', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['a typo at the top level', ['--set', 'replicaCont=3'], /additional properties 'replicaCont' not allowed/],
    ['a typo inside resources', ['--set', 'resources.requests.cpus=1'], /additional properties 'cpus' not allowed/],
    ['a typo in a nested section', ['--set', 'postgresql.persistance.size=2Gi'], /additional properties 'persistance' not allowed/],
    ['an unknown log level', ['--set', 'logLevel=verbose'], /logLevel/],
    ['an external database without its Secret', ['--set', 'postgresql.enabled=false'], /existingSecret/],
  ]
  for (const chart of SERVICE_CHARTS) {
    for (const [what, args, message] of cases) {
      const r = template(chart, args)
      t.not(r.code, 0, `${chart}: ${what} must fail`)
      t.match(r.stderr, message, `${chart}: ${what}`)
    }
  }
  const umbrella = template('expenses-tracker', ['--set', 'auth-service.replicaCont=3'])
  t.not(umbrella.code, 0, 'the umbrella rejects a typo inside a service section')
  const umbrellaTop = template('expenses-tracker', ['--set', 'ingres.enabled=false'])
  t.not(umbrellaTop.code, 0, 'the umbrella rejects a typo in its own keys')
  t.match(umbrellaTop.stderr, /ingres/)
})

t.test('templates refuse unsafe combinations the schema cannot express', async (t) => {
  const grace = template('auth-service', ['--set', 'terminationGracePeriodSeconds=10'])
  t.not(grace.code, 0, 'a grace period shorter than preStop + SHUTDOWN_TIMEOUT_MS fails')
  t.match(grace.stderr, /terminationGracePeriodSeconds \(10\) must be greater than/)

  const both = template('auth-service', ['--set', 'database.existingSecret=db'])
  t.not(both.code, 0, 'an external database Secret with the bundled Postgres still on fails')
  t.match(both.stderr, /set postgresql.enabled=false/)

  const noLimits = template('auth-service', ['--set', 'resources.limits=null'])
  t.not(noLimits.code, 0, 'resources without limits fail')
})

t.test('the umbrella NOTES tell a user where the API is: the gateway and dev Kafka when enabled, Kong otherwise', async (t) => {
  const notes = (values: string[]) => {
    const r = helm(['install', 'expenses', `charts/${UMBRELLA}`, '-n', 'expenses', '--dry-run=client', ...values])
    t.equal(r.code, 0, r.stderr)
    return r.stdout.slice(r.stdout.indexOf('NOTES:'))
  }
  const local = notes(['-f', 'k8s/values/local-cluster.yaml'])
  t.match(local, /project's gateway .* serves the API as the\s+Service gateway:8080/)
  t.match(local, /curl -i http:\/\/<node address>:30080\/auth\/v1\/jwks/, 'the NodePort of k8s/values/local-cluster.yaml')
  t.match(local, /Kafka is the chart's dev broker \(expenses-kafka-kafka-bootstrap:9092/)
  t.match(local, /The web app is at \/ on the same address \(http:\/\/<node address>:30080\/\)/)
  t.notMatch(notes(['-f', 'k8s/values/local-cluster.yaml', '--set', 'web.enabled=false']), /web app/, 'no web app, no line about it')
  const kong = notes([])
  t.notMatch(kong, /project's gateway|dev broker/, 'neither appears when they are off')
  t.match(kong, /^The API is served by Kong/m)
})

t.test('web: the chart serves the image default headers, lets nothing out, and refuses headers nginx cannot hold', async (t) => {
  const objects = render('web')
  const configMap = objects.find((o) => o.kind === 'ConfigMap')
  const imageCopy = readFileSync(join(repoRoot, 'services/web/nginx/headers/security.conf'), 'utf8')
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('add_header'))
      .sort()
  t.same(lines(String((configMap?.data as Record<string, string>)['security.conf'])), lines(imageCopy), "the chart's headers are the image's (the gateway's)")
  t.match(imageCopy, /content-security-policy "[^"]*script-src 'self';[^"]*frame-ancestors 'none'/, 'CSP without inline script and no framing')
  const policy = objects.find((o) => o.kind === 'NetworkPolicy')
  t.same((policy?.spec as { egress: unknown[] }).egress, [], 'no egress at all')
  const deployment = objects.find((o) => o.kind === 'Deployment')
  const pod = (deployment?.spec as { template: { spec: { securityContext: { runAsUser: number } } } }).template.spec
  t.equal(pod.securityContext.runAsUser, 101, 'the unprivileged nginx user of the image')

  const tightened = render('web', ['--set', 'securityHeaders.strict-transport-security=max-age=600'])
  t.match(
    String((tightened.find((o) => o.kind === 'ConfigMap')?.data as Record<string, string>)['security.conf']),
    /add_header strict-transport-security "max-age=600" always;/,
  )
  for (const [what, args, message] of [
    ['a typo', ['--set', 'replicaCont=2'], /additional properties 'replicaCont' not allowed/],
    ['a header value with a quote', ['--set-string', 'securityHeaders.x-test=a"b'], /securityHeaders/],
    ['a header name with a space', ['--set-string', 'securityHeaders.x test=1'], /'x test' does not match/],
    ['a port the image does not listen on', ['--set', 'port=80'], /port/],
  ] as const) {
    const r = template('web', [...args])
    t.not(r.code, 0, `${what} must fail`)
    t.match(r.stderr, message, what)
  }
})

t.test('umbrella: the web app behind the Ingress at / and, without Kong, behind the gateway through WEB_URLS', async (t) => {
  const withKong = render(UMBRELLA)
  t.ok(
    withKong.some((o) => o.kind === 'Deployment' && o.metadata.name === 'web'),
    'the web Deployment keeps the route table name',
  )
  t.ok(withKong.some((o) => o.kind === 'Service' && o.metadata.name === 'web'))
  const gatewayEnv = (objects: typeof withKong) => {
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')
    const env = (gateway?.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0]?.env ?? []
    return Object.fromEntries(env.map((e) => [e.name, e.value]))
  }
  const noKong = render(UMBRELLA, ['-f', 'charts/expenses-tracker/ci/no-kong-values.yaml'])
  t.equal(gatewayEnv(noKong).WEB_URLS, 'http://web:8080')
  const webPolicy = noKong.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web')
  t.match(JSON.stringify(webPolicy?.spec), /"app.kubernetes.io\/name":"expenses-tracker-gateway"/, 'the gateway may reach it')
  const off = render(UMBRELLA, ['-f', 'charts/expenses-tracker/ci/no-kong-values.yaml', '--set', 'web.enabled=false'])
  t.equal(gatewayEnv(off).WEB_URLS, undefined, 'no web app, no WEB_URLS')
  t.notOk(off.some((o) => o.metadata.name === 'web'))
})
