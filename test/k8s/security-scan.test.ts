/**
 * Static security scan of what the charts render: checkov (PyPI, installed by scripts/tools/install.sh) over
 * every chart rendered with every values file of its ci/ (and the local cluster's values). Each finding must be
 * explained in scripts/k8s/security-findings.ts, whose entries the charts' READMEs list; a new finding fails,
 * and so does an explanation that no longer matches anything. A deliberately bad manifest scanned in the same
 * run shows the scan does find things.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import t from 'tap'
import { ACCEPTED_FINDINGS, type AcceptedFinding } from '../../scripts/k8s/security-findings.js'
import { ALL_CHARTS, ciValuesFiles, repoRoot, template } from './helpers.js'

const CHECKOV = join(repoRoot, '.tools/checkov/bin/checkov')
const CONTROL = 'control'

interface CheckovReport {
  summary: { passed: number; failed: number; parsing_errors: number; resource_count: number }
  results: { failed_checks: { check_id: string; check_name: string; resource: string; file_path: string }[] }
}

interface Finding {
  check: string
  name: string
  chart: string
  values: string
  /** Kind/name, e.g. Deployment/expenses-auth-service. */
  resource: string
}

const dir = mkdtempSync(join(tmpdir(), 'security-scan-'))
for (const chart of ALL_CHARTS) {
  for (const values of ciValuesFiles(chart)) {
    const r = template(chart, ['-f', values])
    if (r.code !== 0) throw new Error(`helm template ${chart} -f ${values}: ${r.stderr}`)
    writeFileSync(join(dir, `${chart}--${basename(values, '.yaml')}.yaml`), r.stdout)
  }
}
// The control: a privileged root container with a writable root filesystem and no limits.
writeFileSync(
  join(dir, `${CONTROL}--bad.yaml`),
  `apiVersion: apps/v1
kind: Deployment
metadata: { name: careless, namespace: expenses }
spec:
  selector: { matchLabels: { app: careless } }
  template:
    metadata: { labels: { app: careless } }
    spec:
      containers:
        - name: app
          image: example/app:latest
          securityContext: { privileged: true, runAsUser: 0 }
`,
)

function scan(): { report?: CheckovReport; problem?: string } {
  if (!existsSync(CHECKOV)) return { problem: `${CHECKOV} is missing: run scripts/tools/install.sh (CI runs it from .ci/run)` }
  // --skip-download: no guideline fetches from the vendor's servers (unreachable here, and not needed).
  const r = spawnSync(CHECKOV, ['-d', dir, '--framework', 'kubernetes', '--quiet', '--skip-download', '-o', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'WARNING' },
  })
  // checkov exits 1 when a check fails, which is the normal case here; anything else is a broken run.
  if (r.status !== 0 && r.status !== 1) return { problem: `checkov exited ${r.status}: ${r.stderr.slice(-2000)}` }
  const parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[]
  return { report: Array.isArray(parsed) ? parsed[0] : parsed }
}

function findings(report: CheckovReport): Finding[] {
  return report.results.failed_checks.map((f) => {
    const [chart = '', values = ''] = basename(f.file_path, '.yaml').split('--')
    // checkov names a resource Kind.namespace.name (Pods of a Job template add their labels after it).
    const [kind, , name] = f.resource.split('.')
    return { check: f.check_id, name: f.check_name, chart, values, resource: `${kind}/${name}` }
  })
}

function explanationOf(finding: Finding, accepted: readonly AcceptedFinding[] = ACCEPTED_FINDINGS): AcceptedFinding | undefined {
  return accepted.find((a) => a.check === finding.check && a.charts.includes(finding.chart) && (a.resources?.test(finding.resource) ?? true))
}

const { report, problem } = scan()

t.test('checkov scanned every rendered chart', async (t) => {
  t.equal(problem, undefined, problem ?? 'checkov ran')
  if (!report) return
  t.equal(report.summary.parsing_errors, 0, 'every rendered file parsed')
  t.ok(report.summary.resource_count > 100, `${report.summary.resource_count} resources, ${report.summary.passed} checks passed`)
})

if (report) {
  const all = findings(report)
  const ours = all.filter((f) => f.chart !== CONTROL)

  t.test('the scan finds what a careless manifest does wrong (the control), and counts it unexplained', async (t) => {
    const control = all.filter((f) => f.chart === CONTROL)
    const checks = new Set(control.map((f) => f.check))
    for (const check of ['CKV_K8S_16', 'CKV_K8S_23', 'CKV_K8S_22', 'CKV_K8S_13']) t.ok(checks.has(check), `${check} reported for the control`)
    t.ok(
      control.every((f) => explanationOf(f) === undefined),
      'none of it is explained away',
    )
  })

  t.test('every finding on the charts is explained in scripts/k8s/security-findings.ts (and so in the chart README)', async (t) => {
    const unexplained = ours.filter((f) => explanationOf(f) === undefined)
    t.same(
      unexplained.map((f) => `${f.check} ${f.name}: ${f.chart} (${f.values}) ${f.resource}`),
      [],
      'no unexplained finding: fix it, or explain it there with its reason',
    )
    t.comment(`${ours.length} findings, all explained, of ${new Set(ours.map((f) => f.check)).size} checks`)
  })

  t.test('every explanation still matches a finding on each chart it names', async (t) => {
    const stale = ACCEPTED_FINDINGS.flatMap((a) =>
      a.charts.filter((chart) => !ours.some((f) => f.chart === chart && explanationOf(f, [a]) === a)).map((chart) => `${a.check} on ${chart}`),
    )
    t.same(stale, [], 'drop or narrow an explanation once its finding is fixed')
  })
}
