/**
 * Shared plumbing for the chart/manifest checks: the pinned tools in .tools/ (scripts/tools/install.sh),
 * rendering with helm, validating with kubeconform against local strict schemas.
 * A missing tool is a failure with instructions, never a skip: CI must install them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { crdSchemas } from '../../scripts/k8s/gen-crd-schemas.js'
import { repoRoot } from '../../scripts/k8s/routes.js'

export { repoRoot }
export const KUBE_VERSION = '1.34.3'
const TOOLS = join(repoRoot, '.tools')
const K8S_SCHEMAS = join(TOOLS, 'schemas', `k8s-v${KUBE_VERSION}`)
// Strict schemas converted from the operators' own CRDs (Strimzi, Kong, prometheus-operator) by
// scripts/tools/install.sh + scripts/k8s/gen-crd-schemas.ts.
const CRD_SCHEMAS = join(TOOLS, 'schemas', 'crds')
export const SERVICE_CHARTS = ['auth-service', 'user-service', 'ds-service', 'expense-service'] as const
export const UMBRELLA = 'expenses-tracker'
// The operator's and the web app's charts have no database, so they are not service charts, but they get every generic check.
export const ALL_CHARTS = [...SERVICE_CHARTS, 'operator', 'web', UMBRELLA] as const

export function tool(name: 'helm' | 'helm3' | 'kubeconform' | 'tilt' | 'skaffold'): string {
  const path = join(TOOLS, 'bin', name)
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run scripts/tools/install.sh (CI runs it from .ci/run)`)
  }
  return path
}

function installed(dir: string): string {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run scripts/tools/install.sh`)
  return dir
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

/**
 * Runs a program in the repo holding the lock buildChartDeps takes: tilt and skaffold read the vendored
 * charts (and the Tiltfile rebuilds them) while other test files may be rebuilding them.
 */
export function runWithChartDeps(command: string, args: string[], env: NodeJS.ProcessEnv): Run {
  buildChartDeps()
  const r = spawnSync('flock', [join(TOOLS, 'helm-deps.lock'), command, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

export function ciValuesFiles(chart: string): string[] {
  const dir = join(repoRoot, 'charts', chart, 'ci')
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('-values.yaml'))
    .map((f) => join(dir, f))
  // What `npm run cluster:up` installs is held to the same rules as the chart's own examples.
  if (chart === 'expenses-tracker') files.push(join(repoRoot, 'k8s/values/local-cluster.yaml'))
  return files
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
 * kubeconform -strict against the generated Kubernetes schemas and the schemas made from the real
 * CRDs; a kind without a schema is a problem, not a skip.
 */
let ownCrdSchemaDir: string | undefined

/**
 * Strict schemas of the project's own CRDs (charts/<chart>/crds/*.yaml, e.g. the ExpenseTracker), made
 * once per test process the same way as the third-party ones, so a manifest of our own kinds is checked too.
 */
function ownCrdSchemas(): string {
  if (ownCrdSchemaDir) return ownCrdSchemaDir
  const dir = mkdtempSync(join(tmpdir(), 'own-crd-schemas-'))
  for (const chart of readdirSync(join(repoRoot, 'charts'))) {
    const crds = join(repoRoot, 'charts', chart, 'crds')
    if (!existsSync(crds)) continue
    for (const file of readdirSync(crds).filter((f) => f.endsWith('.yaml'))) {
      for (const { path, schema } of crdSchemas(readFileSync(join(crds, file), 'utf8'), file)) {
        mkdirSync(join(dir, path, '..'), { recursive: true })
        writeFileSync(join(dir, path), JSON.stringify(schema))
      }
    }
  }
  return (ownCrdSchemaDir = dir)
}

export function kubeconform(yamlText: string, extraSchemaLocations: string[] = []): Validation {
  const args = [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-schema-location',
    `${installed(K8S_SCHEMAS)}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    '-schema-location',
    `${installed(CRD_SCHEMAS)}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    '-schema-location',
    `${ownCrdSchemas()}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
    ...extraSchemaLocations.flatMap((l) => ['-schema-location', l]),
    '-',
  ]
  const r = spawnSync(tool('kubeconform'), args, { input: yamlText, encoding: 'utf8' })
  const report = JSON.parse(r.stdout || '{}') as {
    resources?: { filename: string; kind: string; name: string; status: string; msg: string }[]
    summary?: { valid: number }
  }
  const problems = (report.resources ?? []).filter((res) => res.status !== 'statusValid').map((res) => `${res.kind}/${res.name}: ${res.status} ${res.msg}`)
  if (r.status !== 0 && problems.length === 0) problems.push(`kubeconform exited ${r.status}: ${r.stderr}`)
  return { valid: report.summary?.valid ?? 0, problems }
}

export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-test-'))
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
