/**
 * Shared plumbing for the chart/manifest checks: the pinned tools in .tools/ (scripts/tools/install.sh),
 * rendering with helm, validating with kubeconform against local strict schemas.
 * A missing tool is a failure with instructions, never a skip: CI must install them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { repoRoot } from '../../scripts/k8s/routes.js'

export { repoRoot }
export const KUBE_VERSION = '1.34.3'
const TOOLS = join(repoRoot, '.tools')
const K8S_SCHEMAS = join(TOOLS, 'schemas', `k8s-v${KUBE_VERSION}`)
const CRD_SCHEMAS = join(repoRoot, 'test', 'k8s', 'schemas')
export const SERVICE_CHARTS = ['auth-service', 'user-service', 'ds-service', 'expense-service'] as const
export const UMBRELLA = 'expenses-tracker'
export const ALL_CHARTS = [...SERVICE_CHARTS, UMBRELLA] as const

export function tool(name: 'helm' | 'kubeconform'): string {
  const path = join(TOOLS, 'bin', name)
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run scripts/tools/install.sh (CI runs it from .ci/run)`)
  }
  return path
}

function k8sSchemas(): string {
  if (!existsSync(K8S_SCHEMAS)) throw new Error(`${K8S_SCHEMAS} is missing: run scripts/tools/install.sh`)
  return K8S_SCHEMAS
}

export function composeSchemaPath(): string {
  const dir = join(TOOLS, 'schemas')
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('compose-spec-')) : undefined
  if (!file) throw new Error(`no compose-spec schema in ${dir}: run scripts/tools/install.sh`)
  return join(dir, file)
}

let depsBuilt = false
/** Vendors lib into the service charts and those into the umbrella (flock: test files run in parallel). */
export function buildChartDeps(): void {
  if (depsBuilt) return
  tool('helm')
  execFileSync('flock', [join(TOOLS, 'helm-deps.lock'), 'bash', join(repoRoot, 'scripts/k8s/helm-deps.sh')], {
    stdio: 'pipe',
  })
  depsBuilt = true
}

export interface Run {
  code: number
  stdout: string
  stderr: string
}

export function helm(args: string[]): Run {
  buildChartDeps()
  const r = spawnSync(tool('helm'), args, { cwd: repoRoot, encoding: 'utf8' })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

export function ciValuesFiles(chart: string): string[] {
  const dir = join(repoRoot, 'charts', chart, 'ci')
  return readdirSync(dir)
    .filter((f) => f.endsWith('-values.yaml'))
    .map((f) => join(dir, f))
}

export function template(chart: string, args: string[] = []): Run {
  return helm(['template', 'expenses', `charts/${chart}`, '-n', 'expenses', '--kube-version', KUBE_VERSION, ...args])
}

/** Renders or throws with helm's message. */
export function render(chart: string, args: string[] = []): K8sObject[] {
  const r = template(chart, args)
  if (r.code !== 0) throw new Error(`helm template ${chart} ${args.join(' ')} failed:\n${r.stderr}`)
  return parseObjects(r.stdout)
}

export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  spec?: Record<string, unknown>
  [key: string]: unknown
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`)
      return doc.toJS() as K8sObject | null
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object')
}

export interface Validation {
  valid: number
  problems: string[]
}

/**
 * kubeconform -strict against the generated Kubernetes schemas and the CRD schemas in
 * test/k8s/schemas; a kind without a schema is a problem, not a skip.
 */
export function kubeconform(yamlText: string, extraSchemaLocations: string[] = []): Validation {
  const args = [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-schema-location',
    `${k8sSchemas()}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    '-schema-location',
    `${CRD_SCHEMAS}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    ...extraSchemaLocations.flatMap((l) => ['-schema-location', l]),
    '-',
  ]
  const r = spawnSync(tool('kubeconform'), args, { input: yamlText, encoding: 'utf8' })
  const report = JSON.parse(r.stdout || '{}') as {
    resources?: { filename: string; kind: string; name: string; status: string; msg: string }[]
    summary?: { valid: number }
  }
  const problems = (report.resources ?? [])
    .filter((res) => res.status !== 'statusValid')
    .map((res) => `${res.kind}/${res.name}: ${res.status} ${res.msg}`)
  if (r.status !== 0 && problems.length === 0) problems.push(`kubeconform exited ${r.status}: ${r.stderr}`)
  return { valid: report.summary?.valid ?? 0, problems }
}

export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-test-'))
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
