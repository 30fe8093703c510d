/**
 * The operator chart (charts/operator): services/operator, which keeps Kong's jwt credentials in sync with
 * auth-service's JWKS. Its objects come from its own templates/_operator.tpl (`operator.all`, on the lib chart's helpers); this module owns its
 * values schema (strict, like the service charts') and the chart's files. generate.ts adds it to the
 * umbrella as a dependency with condition operator.enabled.
 */
import {
  bool,
  globalSchema,
  imageSchema,
  int,
  type JsonSchema,
  libChartFiles,
  libSchema,
  list,
  metricsValues,
  obj,
  pdbValues,
  podPlacementValues,
  resources,
  str,
  stringMap,
  valuesTable,
  type ChartRelease,
  PINNED_IMAGE_VALUES,
} from './chart-values.js'
import { stringify } from 'yaml'
import { expenseTrackerCrd, TRACKER } from '../../services/operator/src/tracker/crd.js'
import { readmeFromTemplate } from './readmes.js'

export const OPERATOR_CHART = 'operator'
export const OPERATOR_PORT = 4005
/** The KongConsumer the operator maintains; also its Kong username. */
export const OPERATOR_CONSUMER = 'expenses-auth-service'

export function operatorValuesSchema(jwksUrl: string): JsonSchema {
  const schema = obj('operator chart values', {
    enabled: bool('read only by the umbrella chart (dependency condition)', true),
    global: globalSchema,
    lib: libSchema,
    nameOverride: str('replaces the chart name in object names', ''),
    fullnameOverride: str('replaces <release>-<chart> in object names', ''),
    image: imageSchema('operator', '', 'expenses/operator', ''),
    imagePullSecrets: list('pull secrets', obj('a pull secret reference', { name: str('Secret name', '') }, ['name'])),
    port: int('HTTP port for /healthz, /readyz, /metrics (PORT)', OPERATOR_PORT, { minimum: 1, maximum: 65535 }),
    logLevel: str('LOG_LEVEL', 'info', { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] }),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS; the grace period is derived from it', 10000, { minimum: 1000 }),
    jwksUrl: str("AUTH_JWKS_URL: auth-service's JWKS, the source of the credentials", jwksUrl, { minLength: 1, pattern: '^https?://' }),
    syncIntervalMs: int('SYNC_INTERVAL_MS: full reconcile period (changes to our Secrets are repaired at once)', 30000, {
      minimum: 1000,
    }),
    kong: obj('the Kong side', {
      consumerName: str('KONG_CONSUMER_NAME: the KongConsumer listing the credentials (also its username)', OPERATOR_CONSUMER, {
        minLength: 1,
        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      }),
      ingressClass: str('KONG_INGRESS_CLASS: kubernetes.io/ingress.class of the KongConsumer', 'kong', { minLength: 1 }),
    }),
    replicaCount: int('replicas; only the one holding the Lease acts, the others take over within leaderElection.leaseDurationSeconds', 2, {
      minimum: 1,
    }),
    leaderElection: obj('leader election on a Lease named like the chart (LEADER_ELECTION)', {
      enabled: bool('act only while holding the Lease; required for replicaCount > 1', true),
      leaseDurationSeconds: int('LEASE_DURATION_MS / 1000: the longest a standby waits after the leader dies', 15, { minimum: 2, maximum: 300 }),
      retryPeriodSeconds: int('LEASE_RETRY_MS / 1000: how often the leader renews and standbys retry', 2, { minimum: 1, maximum: 60 }),
    }),
    podDisruptionBudget: pdbValues(),
    resources: resources('operator container', ['20m', '200m'], ['96Mi', '192Mi']),
    ...podPlacementValues(),
    serviceAccount: obj('ServiceAccount (its token is mounted: the operator calls the Kubernetes API)', {
      create: bool('create a ServiceAccount', true),
      name: str('name; empty = fullname (or "default" when create is false)', ''),
      annotations: stringMap('annotations'),
    }),
    rbac: obj('namespaced Role + RoleBinding', {
      create: bool('create them (the rules and their reasons are in templates/_operator.tpl)', true),
    }),
    networkPolicy: obj('NetworkPolicy (ingress only; egress to the apiserver is cluster-specific)', {
      enabled: bool('create a NetworkPolicy', true),
      prometheusNamespace: str('namespace of Prometheus, allowed to scrape /metrics', 'monitoring'),
    }),
    metrics: metricsValues(),
  })
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'operator values', ...schema }
}

/** charts/operator/*: repo-relative path -> content. */
export function operatorChartFiles({ jwksUrl, ...release }: { jwksUrl: string } & ChartRelease): Record<string, string> {
  const { generated } = release
  const schema = operatorValuesSchema(jwksUrl)
  const production = {
    ...PINNED_IMAGE_VALUES,
    metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  }
  const minimal = {
    networkPolicy: { enabled: false },
    serviceAccount: { create: false, name: 'existing-operator' },
    rbac: { create: false },
    replicaCount: 1,
    leaderElection: { enabled: false },
  }
  const readme = readmeFromTemplate('operator-chart.md', { OPERATOR_PORT, OPERATOR_CHART, generated, values_table: valuesTable(schema) })
  const crd = `# ${generated} Source: services/operator/src/tracker/crd.ts.\n# Helm installs crds/ before the templates, on install only (never upgraded or deleted by Helm).\n${stringify(expenseTrackerCrd(), { lineWidth: 0 })}`
  return {
    ...libChartFiles({
      name: OPERATOR_CHART,
      description:
        "Reconciles the release's ExpenseTracker (Strimzi topics and users, Kong rate limits, signing-key rotation, status) and keeps Kong's jwt credentials in step with auth-service's JWKS (services/operator).",
      ...release,
      schema,
      readme,
      template: { file: 'operator.yaml', include: 'operator.all' },
      production: { comment: 'Pinned digest, ServiceMonitor, larger limits.', values: production },
      minimal: { comment: 'Existing ServiceAccount and RBAC, no NetworkPolicy.', values: minimal },
    }),
    [`charts/${OPERATOR_CHART}/crds/${TRACKER.plural}.${TRACKER.group}.yaml`]: crd,
  }
}
