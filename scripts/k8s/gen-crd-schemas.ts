/**
 * Turns CustomResourceDefinition YAML (the operators' own CRDs, fetched by scripts/tools/install.sh:
 * Strimzi's kafka.strimzi.io and Kong's configuration.konghq.com) into one strict JSON schema per
 * served version, laid out the way test/k8s/helpers.ts asks kubeconform to find them:
 * `<out>/<group>/<kind>_<version>.json` (kind lower-cased).
 *
 * Usage: node --import=tsx scripts/k8s/gen-crd-schemas.ts <output dir> <crd.yaml>...
 *
 * The conversion follows kubeconform's openapi2jsonschema.py (openAPIV3Schema as is, objects with
 * properties closed) with the root closed too (its DENY_ROOT_ADDITIONAL_PROPERTIES) and the CRD
 * extensions honoured (see strict() in gen-k8s-schemas.ts): `kubectl apply` validates fields strictly
 * on the server, so a misspelt field is an error there as well. CEL rules (`x-kubernetes-validations`)
 * cannot be expressed in JSON Schema and are not checked.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { strict } from './gen-k8s-schemas.js'

interface CrdVersion {
  name: string
  served: boolean
  schema?: { openAPIV3Schema?: Record<string, unknown> }
}
interface Crd {
  kind: string
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] }
}

export interface CrdSchema {
  /** Relative path under the output directory. */
  path: string
  schema: Record<string, unknown>
}

export function crdSchemas(yamlText: string, source = 'input'): CrdSchema[] {
  const out: CrdSchema[] = []
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) throw new Error(`${source}: invalid YAML: ${doc.errors[0]?.message}`)
    const crd = doc.toJS() as Crd | null
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue
    const { group, names } = crd.spec
    for (const version of crd.spec.versions) {
      if (!version.served) continue
      const root = version.schema?.openAPIV3Schema
      if (!root) throw new Error(`${source}: ${names.kind} ${version.name} has no openAPIV3Schema`)
      const schema = strict(root) as Record<string, unknown>
      // apiVersion and kind are pinned so a manifest can't claim another kind's schema by accident.
      const properties = (schema.properties ?? {}) as Record<string, unknown>
      schema.properties = { ...properties, apiVersion: { const: `${group}/${version.name}` }, kind: { const: names.kind } }
      schema.required = [...new Set([...((schema.required as string[] | undefined) ?? []), 'apiVersion', 'kind'])]
      out.push({
        path: join(group, `${names.kind.toLowerCase()}_${version.name}.json`),
        schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...schema },
      })
    }
  }
  return out
}

function main(): void {
  const [outDir, ...files] = process.argv.slice(2)
  if (!outDir || files.length === 0) {
    console.error('usage: gen-crd-schemas.ts <output dir> <crd.yaml>...')
    process.exit(2)
  }
  let count = 0
  for (const file of files) {
    const schemas = crdSchemas(readFileSync(file, 'utf8'), file)
    if (schemas.length === 0) throw new Error(`${file} holds no served CustomResourceDefinition version`)
    for (const { path, schema } of schemas) {
      mkdirSync(join(outDir, path, '..'), { recursive: true })
      writeFileSync(join(outDir, path), JSON.stringify(schema))
      count++
    }
  }
  console.error(`wrote ${count} CRD schemas to ${outDir}`)
}

if (import.meta.url === `file://${process.argv[1]}`) main()
