/**
 * One definition of a service chart's values: the strict JSON schema (every object closed with
 * additionalProperties: false, resources included), from which values.yaml (defaults + comments)
 * and the README values table are derived. The four service charts differ only in the defaults
 * passed in here, so a new service is one more entry in services.ts, not a copied chart.
 */
import { stringify } from 'yaml'

export interface JsonSchema {
  type?: string | string[]
  description?: string
  default?: unknown
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  /** Every key of an object must match (header names, for instance). */
  propertyNames?: JsonSchema
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  /** A value fixed by something outside the chart (the port an image listens on). */
  const?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  pattern?: string
  if?: JsonSchema
  then?: JsonSchema
  $schema?: string
  title?: string
}

export const str = (description: string, value: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  default: value,
  ...extra,
})
export const int = (description: string, value: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'integer',
  description,
  default: value,
  minimum: 0,
  ...extra,
})
export const bool = (description: string, value: boolean): JsonSchema => ({ type: 'boolean', description, default: value })
/** Closed object: unknown keys are rejected. */
export const obj = (description: string, properties: Record<string, JsonSchema>, required?: string[]): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
  ...(required ? { required } : {}),
})
/** Free-form string map (labels, annotations, extra env): keys are data, values must be strings. */
export const stringMap = (description: string, value: Record<string, string> = {}): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
  default: value,
})
export const list = (description: string, items: JsonSchema, value: unknown[] = []): JsonSchema => ({
  type: 'array',
  description,
  items,
  default: value,
})

const quantity = (description: string, value: string): JsonSchema => ({
  type: ['string', 'number'],
  description,
  default: value,
})

/** The `metrics` values: an optional ServiceMonitor, as every chart's lib templates render it. */
export function metricsValues(): JsonSchema {
  return obj('Prometheus', {
    serviceMonitor: obj('ServiceMonitor (prometheus-operator)', {
      enabled: bool('create a ServiceMonitor', false),
      interval: str('scrape interval', '30s'),
      scrapeTimeout: str('scrape timeout', '10s'),
      labels: stringMap('labels your Prometheus selects ServiceMonitors by'),
    }),
  })
}

/** Pod metadata and placement values, the same in every chart built on charts/lib's Deployment. */
/** The lib chart's `lib.pdb`: on by default, one pod down at a time. */
export function pdbValues(): JsonSchema {
  return obj('PodDisruptionBudget', {
    enabled: bool('create a PDB', true),
    maxUnavailable: int('pods that may be down during voluntary disruptions', 1, { minimum: 1 }),
  })
}

export function podPlacementValues(): Record<string, JsonSchema> {
  return {
    podAnnotations: stringMap('pod annotations'),
    podLabels: stringMap('extra pod labels (never part of selectors)'),
    nodeSelector: stringMap('node selector'),
    tolerations: list('tolerations', { type: 'object' }),
  }
}

export function resources(what: string, cpu: [string, string], memory: [string, string]): JsonSchema {
  const pair = (kind: string, i: 0 | 1) =>
    obj(`${what} ${kind}`, { cpu: quantity(`CPU ${kind}`, cpu[i]), memory: quantity(`memory ${kind}`, memory[i]) }, ['cpu', 'memory'])
  return obj(`${what}: explicit requests and limits (no presets)`, { requests: pair('requests', 0), limits: pair('limits', 1) }, ['requests', 'limits'])
}

export const imageSchema = (what: string, registry: string, repository: string, tag: string): JsonSchema =>
  obj(`${what} image`, {
    registry: str('registry host (global.imageRegistry wins)', registry),
    repository: str('repository', repository, { minLength: 1 }),
    tag: str('tag; empty = the chart appVersion', tag),
    digest: str('sha256 digest; wins over the tag', '', { pattern: '^(sha256:[a-f0-9]{64})?$' }),
    pullPolicy: str('pull policy', 'IfNotPresent', { enum: ['Always', 'IfNotPresent', 'Never'] }),
  })

export const globalSchema = obj('values shared with every subchart', {
  imageRegistry: str('registry prepended to every image, e.g. a mirror', ''),
})

/** Helm adds a values key per dependency; the lib library chart has no values of its own. */
export const libSchema: JsonSchema = {
  type: 'object',
  description: 'reserved by Helm for the lib dependency (no values)',
  additionalProperties: false,
  properties: { global: { type: 'object' } },
  default: {},
}

export interface ServiceChartDefaults {
  readonly chart: string
  readonly port: number
  readonly database: string
  readonly jwksUrl: string
  readonly allowFromApps: readonly string[]
  readonly authService: { readonly name: string; readonly port: number }
}

export function serviceValuesSchema(d: ServiceChartDefaults): JsonSchema {
  const schema = obj(`${d.chart} chart values`, {
    enabled: bool('read only by the umbrella chart (dependency condition)', true),
    global: globalSchema,
    lib: libSchema,
    nameOverride: str('replaces the chart name in object names', ''),
    fullnameOverride: str('replaces <release>-<chart> in object names', ''),
    image: imageSchema('service', '', `expenses/${d.chart}`, ''),
    imagePullSecrets: list('pull secrets', obj('a pull secret reference', { name: str('Secret name', '') }, ['name'])),
    replicaCount: int('replicas when autoscaling is off', 2, { minimum: 1 }),
    port: int('HTTP port (PORT); also the Service port', d.port, { minimum: 1, maximum: 65535 }),
    logLevel: str('LOG_LEVEL', 'info', { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] }),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS: the service's own drain budget", 10000, { minimum: 1000 }),
    preStopSleepSeconds: int('pause before SIGTERM so endpoint removal reaches Kong first', 5),
    terminationGracePeriodSeconds: int('0 = preStopSleepSeconds + ceil(shutdownTimeoutMs/1000) + 5; a value not above that sum fails the render', 0),
    devMode: obj('live-update dev loop (Tilt) - never in production', {
      enabled: bool('node --watch restarts on synced dist/ changes; the root filesystem is then writable so Tilt can sync', false),
    }),
    env: stringMap('extra non-secret environment variables (ConfigMap)'),
    envFromSecrets: list('existing Secrets added with envFrom (extra credentials)', { type: 'string', minLength: 1 }),
    resources: resources('service container', ['100m', '500m'], ['128Mi', '256Mi']),
    ...podPlacementValues(),
    serviceAccount: obj('ServiceAccount', {
      create: bool('create a ServiceAccount', true),
      name: str('name; empty = fullname (or "default" when create is false)', ''),
      annotations: stringMap('annotations (e.g. workload identity)'),
    }),
    autoscaling: obj('HorizontalPodAutoscaler (CPU)', {
      enabled: bool('create an HPA (replicaCount is then ignored)', false),
      minReplicas: int('minimum replicas', 2, { minimum: 1 }),
      maxReplicas: int('maximum replicas', 6, { minimum: 1 }),
      targetCPUUtilizationPercentage: int('target average CPU utilisation', 70, { minimum: 1, maximum: 100 }),
    }),
    podDisruptionBudget: pdbValues(),
    networkPolicy: obj('NetworkPolicy for the service (and its bundled Postgres)', {
      enabled: bool('create NetworkPolicies', true),
      ingressControllerNamespace: str('namespace of the ingress controller (Kong) allowed in', 'kong'),
      prometheusNamespace: str('namespace of Prometheus, allowed to scrape /metrics', 'monitoring'),
      allowFromApps: list('app.kubernetes.io/name of in-namespace clients allowed in', { type: 'string', minLength: 1 }, [...d.allowFromApps]),
      authService: obj('auth-service pods reached for JWKS when auth.jwksUrl is set', {
        name: str('their app.kubernetes.io/name', d.authService.name),
        port: int('their port', d.authService.port, { minimum: 1, maximum: 65535 }),
      }),
      extraEgress: list('extra NetworkPolicyEgressRules, e.g. an external database CIDR', { type: 'object' }),
    }),
    metrics: metricsValues(),
    auth: obj('access-token verification', {
      issuer: str('JWT_ISSUER', 'expenses-tracker'),
      audience: str('JWT_AUDIENCE', 'expenses-api'),
      jwksUrl: str('AUTH_JWKS_URL (empty for auth-service itself)', d.jwksUrl),
    }),
    kafka: obj('Kafka (Strimzi cluster in the same namespace, see k8s/strimzi)', {
      clusterName: str('Strimzi Kafka cluster name', 'expenses-kafka'),
      brokers: str('KAFKA_BROKERS; empty = <clusterName>-kafka-bootstrap:9092', ''),
      clientId: str('KAFKA_CLIENT_ID; empty = chart name', ''),
      ssl: bool('KAFKA_SSL', false),
      sasl: obj('SASL/SCRAM credentials of the Strimzi KafkaUser', {
        enabled: bool('use SASL', true),
        mechanism: str('KAFKA_SASL_MECHANISM', 'scram-sha-512', { enum: ['scram-sha-512'] }),
        username: str('KafkaUser name = KAFKA_SASL_USERNAME; empty = chart name', ''),
        existingSecret: str('Secret with the password; empty = the username (Strimzi names it after the KafkaUser)', ''),
        passwordKey: str('key of the password in that Secret', 'password'),
      }),
    }),
    database: obj('external database (production): DATABASE_URL from an existing Secret', {
      existingSecret: str('Secret holding the whole DATABASE_URL; required when postgresql.enabled is false', ''),
      urlKey: str('key of the URL in that Secret', 'DATABASE_URL'),
    }),
    postgresql: obj('bundled single-instance Postgres (dev/demo only)', {
      enabled: bool('run a Postgres StatefulSet for this service', true),
      image: imageSchema('Postgres', 'docker.io', 'library/postgres', '17.6-bookworm'),
      auth: obj('database and login', {
        database: str('database name', d.database),
        username: str('login role', d.database),
        existingSecret: str('Secret with the password (URL-safe characters); empty = a chart-made Secret with a DERIVED, dev-only password', ''),
        passwordKey: str('key of the password in the Secret', 'password'),
      }),
      persistence: obj('data volume', {
        size: str('PVC size', '1Gi'),
        storageClass: str('storage class; empty = cluster default', ''),
      }),
      resources: resources('Postgres container', ['100m', '500m'], ['256Mi', '512Mi']),
    }),
    migration: obj('migration Job (node dist/migrate.js) run as a Helm hook', {
      enabled: bool('run migrations on install/upgrade', true),
      backoffLimit: int('retries', 3),
      activeDeadlineSeconds: int('give up after', 600, { minimum: 30 }),
      resources: resources('migration container', ['50m', '500m'], ['128Mi', '256Mi']),
    }),
  })
  // An external database needs its Secret: catch the omission at lint time, not as a crash-looping pod.
  schema.if = { properties: { postgresql: { properties: { enabled: { const: false } as JsonSchema } } } }
  schema.then = { properties: { database: { required: ['existingSecret'], properties: { existingSecret: { minLength: 1 } } } } }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: `${d.chart} values`, ...schema }
}

/** values.yaml text: every leaf's default, with its description as a comment. */
export function valuesYaml(schema: JsonSchema, header: string): string {
  const lines = ['# yaml-language-server: $schema=./values.schema.json', ...header.split('\n').map((l) => `# ${l}`.trimEnd())]
  const walk = (node: JsonSchema, indent: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (child.description) lines.push(...(indent === '' ? [''] : []), `${indent}# ${child.description}`)
      if (child.properties) {
        lines.push(`${indent}${key}:`)
        walk(child, `${indent}  `)
      } else {
        const value = stringify({ [key]: child.default }, { flowCollectionPadding: false }).trimEnd()
        lines.push(...value.split('\n').map((l) => `${indent}${l}`))
      }
    }
  }
  walk(schema, '')
  return `${lines.join('\n')}\n`
}

/** Markdown table of every leaf value: key, type, default, description. */
export function valuesTable(schema: JsonSchema): string {
  const rows = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |']
  const walk = (node: JsonSchema, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = `${prefix}${key}`
      if (child.properties) walk(child, `${path}.`)
      else {
        const type = Array.isArray(child.type) ? child.type.join('\\|') : (child.type ?? 'any')
        rows.push(`| \`${path}\` | ${type} | \`${JSON.stringify(child.default)}\` | ${child.description ?? ''} |`)
      }
    }
  }
  walk(schema, '')
  return rows.join('\n')
}

/** A chart's values file for ci/: a comment saying what it exercises, and the values. */
export interface CiValues {
  readonly comment: string
  readonly values: Record<string, unknown>
}

/** What every chart of one generator run shares: the chart and lib versions and the generated-file marker. */
export interface ChartRelease {
  readonly version: string
  readonly libVersion: string
  readonly generated: string
}

/** Production values every chart's ci/production-values.yaml starts from: a private registry and a pinned digest. */
export const PINNED_IMAGE_VALUES = {
  global: { imageRegistry: 'registry.example.com' },
  image: { digest: `sha256:${'0'.repeat(64)}` },
} as const

/**
 * The files of a chart built on the lib chart: Chart.yaml (lib at an exact version), values.yaml,
 * values.schema.json, README.md, its one template (a lib include) and ci/{default,production,minimal}.
 * Repo-relative path -> content.
 */
export function libChartFiles(
  chart: ChartRelease & {
    readonly name: string
    readonly description: string
    readonly schema: JsonSchema
    readonly readme: string
    /** templates/<file>: the one include that renders every object (the lib chart's, or the chart's own). */
    readonly template: { readonly file: string; readonly include: string }
    /** The comment of ci/default-values.yaml. Default: "Chart defaults." */
    readonly defaultComment?: string
    readonly production: CiValues
    readonly minimal: CiValues
  },
): Record<string, string> {
  const dir = `charts/${chart.name}`
  const chartYaml = {
    apiVersion: 'v2',
    name: chart.name,
    description: chart.description,
    type: 'application',
    version: chart.version,
    appVersion: chart.version,
    dependencies: [{ name: 'lib', version: chart.libVersion, repository: 'file://../lib' }],
  }
  return {
    [`${dir}/Chart.yaml`]: `# ${chart.generated}\n${stringify(chartYaml)}`,
    [`${dir}/values.yaml`]: valuesYaml(chart.schema, `${chart.name} chart values. ${chart.generated}`),
    [`${dir}/values.schema.json`]: `${JSON.stringify(chart.schema, null, 2)}\n`,
    [`${dir}/README.md`]: chart.readme,
    [`${dir}/templates/${chart.template.file}`]: `{{- /* ${chart.generated} Every object comes from the "${chart.template.include}" template. */ -}}\n{{ include "${chart.template.include}" . }}\n`,
    [`${dir}/ci/default-values.yaml`]: `# ${chart.defaultComment ?? 'Chart defaults.'}\n{}\n`,
    [`${dir}/ci/production-values.yaml`]: `# ${chart.production.comment}\n${stringify(chart.production.values)}`,
    [`${dir}/ci/minimal-values.yaml`]: `# ${chart.minimal.comment}\n${stringify(chart.minimal.values)}`,
  }
}
