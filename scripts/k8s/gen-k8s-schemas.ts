/**
 * Turns the Kubernetes OpenAPI v2 spec (api/openapi-spec/swagger.json of k8s.io/kubernetes) into one
 * standalone, strict JSON schema per kind, named the way kubeconform looks them up
 * (`<kind>-<group>-<version>.json`, `<kind>-<version>.json` for the core group).
 *
 * Usage: node --import=tsx scripts/k8s/gen-k8s-schemas.ts <swagger.json> <output dir>
 *
 * Strict means `additionalProperties: false` on every object that lists its properties, so a typo in a
 * chart template (`readinessProbes:`) fails validation instead of being silently dropped by the API
 * server. Only the kinds in KINDS are written: an object of any other kind fails kubeconform with
 * "could not find schema", which is the signal to add it here deliberately.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Kinds our charts, k8s/ manifests and tests render: `group/version/Kind` ('' group = core). */
export const KINDS = [
  '/v1/ConfigMap',
  '/v1/Namespace',
  '/v1/PersistentVolumeClaim',
  '/v1/Pod',
  '/v1/Secret',
  '/v1/Service',
  '/v1/ServiceAccount',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1/Job',
  'coordination.k8s.io/v1/Lease',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
] as const

type Schema = Record<string, unknown>
interface Gvk {
  group: string
  version: string
  kind: string
}

/** Both are serialised as either a number or a string (`port: 8080` / `port: http`, `cpu: 1` / `cpu: 500m`). */
const NUMBER_OR_STRING: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
}

const REF_PREFIX = '#/definitions/'

function refsOf(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) refsOf(item, out)
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value.slice(REF_PREFIX.length))
      else refsOf(value, out)
    }
  }
}

/**
 * Deep copy that closes every object schema listing properties and drops OpenAPI-only keys. Also reads
 * the structural-schema extensions of CRDs (scripts/k8s/gen-crd-schemas.ts) the way the API server does:
 * `x-kubernetes-preserve-unknown-fields` keeps an object open (e.g. Kafka's free-form `config`),
 * `x-kubernetes-int-or-string` accepts both, and `nullable` admits null.
 */
export function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict)
  if (!node || typeof node !== 'object') return node
  const source = node as Schema
  const copy: Schema = {}
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-kubernetes-') || key === 'description' || key === 'nullable') continue
    // Property names are data, not schema keywords: copy them one by one so a property called
    // `description` (e.g. in a CRD) survives.
    if (key === 'properties' && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strict(sub)]))
    } else {
      copy[key] = strict(value)
    }
  }
  const open = source['x-kubernetes-preserve-unknown-fields'] === true
  if (copy.properties && copy.additionalProperties === undefined && !open) copy.additionalProperties = false
  if (source['x-kubernetes-int-or-string'] === true && !copy.type && !copy.anyOf && !copy.oneOf) {
    copy.anyOf = [{ type: 'integer' }, { type: 'string' }]
  }
  if (source.nullable === true && typeof copy.type === 'string') copy.type = [copy.type, 'null']
  return copy
}

function closure(root: string, definitions: Record<string, Schema>): string[] {
  const seen = new Set<string>()
  const queue = [root]
  while (queue.length > 0) {
    const name = queue.pop() as string
    if (seen.has(name)) continue
    seen.add(name)
    if (NUMBER_OR_STRING[name]) continue
    const definition = definitions[name]
    if (!definition) throw new Error(`definition ${name} is referenced but missing from the spec`)
    const refs = new Set<string>()
    refsOf(definition, refs)
    queue.push(...refs)
  }
  return [...seen].sort()
}

export function fileName({ group, version, kind }: Gvk): string {
  const groupPart = group === '' ? '' : `-${group.split('.')[0]}`
  return `${kind.toLowerCase()}${groupPart}-${version}.json`
}

export function generate(spec: { definitions: Record<string, Schema> }): Map<string, Schema> {
  const byGvk = new Map<string, string>()
  for (const [name, definition] of Object.entries(spec.definitions)) {
    const gvks = (definition['x-kubernetes-group-version-kind'] ?? []) as Gvk[]
    for (const gvk of gvks) byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name)
  }
  const files = new Map<string, Schema>()
  for (const wanted of KINDS) {
    const root = byGvk.get(wanted)
    if (!root) throw new Error(`${wanted} is not in this Kubernetes version's OpenAPI spec`)
    const [group = '', version = '', kind = ''] = wanted.split('/')
    const definitions: Record<string, unknown> = {}
    for (const name of closure(root, spec.definitions)) {
      definitions[name] = NUMBER_OR_STRING[name] ?? strict(spec.definitions[name])
    }
    // apiVersion and kind are pinned so a manifest can't claim another kind's schema by accident.
    const apiVersion = group === '' ? version : `${group}/${version}`
    files.set(fileName({ group, version, kind }), {
      $schema: 'http://json-schema.org/draft-07/schema#',
      allOf: [{ $ref: `${REF_PREFIX}${root}` }, { required: ['apiVersion', 'kind'], properties: { apiVersion: { const: apiVersion }, kind: { const: kind } } }],
      definitions,
    })
  }
  return files
}

function main(): void {
  const [specPath, outDir] = process.argv.slice(2)
  if (!specPath || !outDir) {
    console.error('usage: gen-k8s-schemas.ts <swagger.json> <output dir>')
    process.exit(2)
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { definitions: Record<string, Schema> }
  mkdirSync(outDir, { recursive: true })
  for (const [name, schema] of generate(spec)) writeFileSync(join(outDir, name), JSON.stringify(schema))
  console.error(`wrote ${KINDS.length} schemas to ${outDir}`)
}

if (import.meta.url === `file://${process.argv[1]}`) main()
