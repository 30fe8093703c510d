/**
 * Drift checks for everything scripts/k8s/generate.ts derives (charts' values/schemas/READMEs, the
 * umbrella's copy of api/routes.yaml, k8s/kong/kong.yml, k8s/strimzi/{topics,users}.yaml), plus the
 * Strimzi objects checked against packages/events/src/topics.ts and their CRD schemas.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { allTopicSpecs } from '../../packages/events/src/topics.js'
import { generatedFiles, staleFiles } from '../../scripts/k8s/generate.js'
import { kongDeclarative } from '../../scripts/k8s/kong.js'
import { readRouteTable } from '../../scripts/k8s/routes.js'
import { aclsForService as aclsFor } from '../../scripts/k8s/strimzi.js'
import { kubeconform, parseObjects, repoRoot } from './helpers.js'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

t.test('every generated file is up to date (run node --import=tsx scripts/k8s/generate.ts)', async (t) => {
  t.same(staleFiles(), [])
})

t.test('the drift check notices a changed generated file', async (t) => {
  const files = generatedFiles()
  files['k8s/kong/kong.yml'] = `${files['k8s/kong/kong.yml']}# edited by hand\n`
  t.same(staleFiles(files), ['k8s/kong/kong.yml'])
})

t.test("the umbrella chart's route table is a byte-identical copy of api/routes.yaml", async (t) => {
  t.equal(read('charts/expenses-tracker/files/routes.yaml'), read('api/routes.yaml'))
})

t.test('kong.yml routes every route of the table to its service without stripping the path', async (t) => {
  const kong = parse(read('k8s/kong/kong.yml')) as ReturnType<typeof kongDeclarative> & {
    _format_version: string
    services: { name: string; url: string; routes: { name: string; paths: string[]; strip_path: boolean; plugins: { name: string }[] }[] }[]
  }
  t.equal(kong._format_version, '3.0')
  const table = readRouteTable()
  for (const route of table.routes) {
    const service = kong.services.find((s) => s.routes.some((r) => r.name === route.name))
    t.equal(service?.name, route.service, `${route.name} goes to ${route.service}`)
    t.equal(service?.url, `http://${route.service}:${table.services.get(route.service)?.port}`)
    const kongRoute = service?.routes.find((r) => r.name === route.name)
    t.same(kongRoute?.paths, [route.prefix])
    t.equal(kongRoute?.strip_path, false)
    t.equal(
      kongRoute?.plugins.some((p) => p.name === 'jwt'),
      route.auth === 'required',
      `${route.name} jwt iff auth required`,
    )
  }
})

t.test('there is one KafkaTopic per topic of topics.ts, dead-letter topics included', async (t) => {
  const objects = parseObjects(read('k8s/strimzi/topics.yaml'))
  const specs = allTopicSpecs()
  t.same(objects.map((o) => (o.spec as { topicName: string }).topicName).sort(), specs.map((s) => s.name).sort())
  t.ok(
    specs.some((s) => s.name.endsWith('.dlq')),
    'dead-letter topics are part of the list',
  )
  for (const spec of specs) {
    const topic = objects.find((o) => (o.spec as { topicName: string }).topicName === spec.name)
    t.match(topic?.spec, { partitions: spec.partitions, config: { 'retention.ms': spec.retentionMs } }, spec.name)
  }
})

t.test('KafkaUser ACLs grant exactly what topics.ts says each service produces and consumes', async (t) => {
  const ops = (service: string, topic: string) => aclsFor(service).find((a) => a.resource.type === 'topic' && a.resource.name === topic)?.operations ?? []
  t.same(ops('auth-service', 'user.registered.v1'), ['Write', 'Describe'])
  t.same(ops('user-service', 'user.registered.v1'), ['Read', 'Describe'])
  t.same(ops('user-service', 'user.registered.v1.dlq'), ['Write', 'Describe'], 'a consumer may dead-letter')
  t.same(ops('ds-service', 'bank-message.received.v1'), ['Read', 'Write', 'Describe'])
  t.same(ops('expense-service', 'user.registered.v1'), [], 'no access to topics it does not use')
  t.same(ops('auth-service', 'expense.parsed.v1'), [])
  t.notOk(
    aclsFor('auth-service').some((a) => a.resource.type === 'group'),
    'no group for a pure producer',
  )
  t.same(aclsFor('expense-service').find((a) => a.resource.type === 'group')?.resource, {
    type: 'group',
    name: 'expense-service',
    patternType: 'prefix',
  })
  const users = parseObjects(read('k8s/strimzi/users.yaml'))
  t.same(users.map((u) => u.metadata.name).sort(), ['auth-service', 'ds-service', 'expense-service', 'user-service'])
  for (const user of users) {
    t.same((user.spec as { authentication: unknown }).authentication, { type: 'scram-sha-512' })
  }
})

t.test('k8s/ manifests are valid against the Kubernetes and Strimzi schemas', async (t) => {
  const text = ['k8s/strimzi/kafka.yaml', 'k8s/strimzi/topics.yaml', 'k8s/strimzi/users.yaml', 'k8s/dev/namespaces.yaml']
    .map((path) => `---\n${read(path)}`)
    .join('\n')
  const result = kubeconform(text)
  t.same(result.problems, [])
  t.equal(result.valid, parseObjects(text).length, 'every object was validated')
})

t.test('the Strimzi schemas reject a misspelt or deprecated field', async (t) => {
  const user = read('k8s/strimzi/users.yaml').split('---\n')[0] ?? ''
  t.not(kubeconform(user.replace('operations:', 'operation:')).problems, [], 'the removed singular `operation`')
  const kafka = read('k8s/strimzi/kafka.yaml')
  t.not(kubeconform(kafka.replace('authorization:', 'authorisation:')).problems, [])
})
