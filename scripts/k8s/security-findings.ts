/**
 * What checkov (the static scanner test/k8s/security-scan.test.ts runs over every chart rendered with every
 * values file in its ci/) reports and we keep on purpose, with the reason. Each chart's README gets the
 * entries that apply to it (generate.ts); the test fails on a finding no entry explains, and on an entry
 * that explains nothing any more, so this list and the READMEs stay true.
 */
export interface AcceptedFinding {
  /** checkov's check id, e.g. CKV_K8S_40. */
  readonly check: string
  readonly title: string
  /** The charts whose own templates produce it (the umbrella renders them all). */
  readonly charts: readonly string[]
  /** Only for resources whose `Kind/name` matches; every resource of those charts otherwise. */
  readonly resources?: RegExp
  readonly reason: string
}

const SERVICE_CHARTS = ['auth-service', 'user-service', 'ds-service', 'expense-service']
const UMBRELLA = 'expenses-tracker'
const ALL = [...SERVICE_CHARTS, 'operator', 'web', UMBRELLA]

export const ACCEPTED_FINDINGS: readonly AcceptedFinding[] = [
  {
    check: 'CKV_K8S_40',
    title: 'Containers should run as a high UID',
    charts: ALL,
    reason:
      "The containers run as their image's own unprivileged user: `node` (uid 1000), nginx's `web` (uid 101), Debian's `postgres` (uid 999). Every pod also sets runAsNonRoot, a read-only root filesystem, no privilege escalation, all capabilities dropped and the RuntimeDefault seccomp profile, so a uid shared with the host gains nothing; clusters that want uids above 10000 can set them with user namespaces.",
  },
  {
    check: 'CKV_K8S_43',
    title: 'Image should use digest',
    charts: ALL,
    reason:
      'Development installs use tags (the dev loops build them); production pins every image by digest (`image.digest`, as `ci/production-values.yaml` does, where this check passes for our own images).',
  },
  {
    check: 'CKV_K8S_15',
    title: 'Image Pull Policy should be Always',
    charts: ALL,
    reason:
      '`IfNotPresent` is right for images pinned by digest (they cannot change under the same reference) and is what clusters without a registry need (the local cluster imports its images). `image.pullPolicy: Always` is available.',
  },
  {
    check: 'CKV_K8S_35',
    title: 'Prefer secrets as files over environment variables',
    charts: [...SERVICE_CHARTS, UMBRELLA],
    resources: /^(Deployment|Job|StatefulSet)\//,
    reason:
      "The database URL and the Kafka SASL password reach the process as environment variables from `secretKeyRef` (Prisma and the services read twelve-factor settings); the values live only in Secrets, never in the pod spec or the chart's values, and the services never log them (the end-to-end journey reads every log line for secrets).",
  },
  {
    check: 'CKV_K8S_38',
    title: 'Service account tokens only where necessary',
    charts: ['operator', UMBRELLA],
    resources: /^Deployment\/.*operator$/,
    reason:
      'The operator is a Kubernetes client: it needs its token, for the least-privilege Role of its chart. Every other pod sets `automountServiceAccountToken: false`.',
  },
  {
    check: 'CKV_K8S_8',
    title: 'Liveness probe should be configured',
    charts: [UMBRELLA],
    resources: /^Pod\/.*-test-/,
    reason: '`helm test` pods run one check to completion; there is nothing to probe.',
  },
  {
    check: 'CKV_K8S_9',
    title: 'Readiness probe should be configured',
    charts: [UMBRELLA],
    resources: /^Pod\/.*-test-/,
    reason: '`helm test` pods receive no traffic.',
  },
]

/** The README section of a chart: what the scan reports for it and why that stays. */
export function securityScanSection(chart: string): string {
  const entries = ACCEPTED_FINDINGS.filter((f) => f.charts.includes(chart))
  const rows = entries.map((f) => `| \`${f.check}\` ${f.title} | ${f.reason} |`)
  return [
    '',
    '## Static security scan',
    '',
    'The tests render this chart with each values file in `ci/` and scan the result with checkov (`test/k8s/security-scan.test.ts`). A finding that is',
    'not listed here fails them. What it reports and we keep, and why (source: `scripts/k8s/security-findings.ts`):',
    '',
    ...(rows.length ? ['| Check | Why it stays |', '| --- | --- |', ...rows] : ['Nothing: every check passes.']),
    '',
  ].join('\n')
}
