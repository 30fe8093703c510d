/**
 * The web app's chart (charts/web): the nginx image of scripts/k8s/web-image.ts behind a Service named
 * after the route table's `web` (the Ingress at `/` and the gateway's WEB_URLS point at it). Its objects come
 * from its own templates/_site.tpl (`web.all`, on the lib chart's helpers); this module owns its strict values schema and the chart's files.
 * generate.ts adds it to the umbrella as a dependency with condition web.enabled.
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
  obj,
  pdbValues,
  podPlacementValues,
  resources,
  str,
  valuesTable,
  type ChartRelease,
  PINNED_IMAGE_VALUES,
} from './chart-values.js'
import { readmeFromTemplate } from './readmes.js'
import { WEB_HEADERS_DIR, WEB_HEADERS_FILE, WEB_UID, webSecurityHeaders } from './web-image.js'

export const WEB_CHART = 'web'

/** Header name -> value; a quote, backslash or line break cannot be written into nginx's add_header. */
const headerMap = (description: string, value: Record<string, string>): JsonSchema => ({
  type: 'object',
  description,
  default: value,
  propertyNames: { pattern: '^[A-Za-z0-9-]+$' },
  additionalProperties: { type: 'string', minLength: 1, pattern: '^[^"\\\\\\r\\n]*$' },
})

export function webValuesSchema(port: number): JsonSchema {
  const schema = obj('web chart values', {
    enabled: bool('read only by the umbrella chart (dependency condition)', true),
    global: globalSchema,
    lib: libSchema,
    nameOverride: str('replaces the chart name in object names', ''),
    fullnameOverride: str('replaces <release>-<chart> in object names', ''),
    image: imageSchema('web (nginx + the built app)', '', 'expenses/web', ''),
    imagePullSecrets: list('pull secrets', obj('a pull secret reference', { name: str('Secret name', '') }, ['name'])),
    replicaCount: int('replicas', 2, { minimum: 1 }),
    port: int("nginx's port (the image listens on it) and the Service port", port, { minimum: 1, maximum: 65535, const: port }),
    uid: int('the unprivileged user the image runs as', WEB_UID, { minimum: 1 }),
    preStopSleepSeconds: int('pause before SIGQUIT so endpoint removal reaches the ingress first', 5, { minimum: 0 }),
    securityHeaders: headerMap(
      "browser security headers on every answer (nginx add_header ... always); the defaults are the gateway's (services/gateway/src/security-headers.ts)",
      webSecurityHeaders(),
    ),
    headersDir: str("where the headers ConfigMap is mounted (the image's nginx.conf includes headersFile from there)", WEB_HEADERS_DIR, {
      const: WEB_HEADERS_DIR,
    }),
    headersFile: str('its file name', WEB_HEADERS_FILE, { const: WEB_HEADERS_FILE }),
    resources: resources('web container', ['10m', '200m'], ['16Mi', '64Mi']),
    ...podPlacementValues(),
    podDisruptionBudget: pdbValues(),
    networkPolicy: obj('NetworkPolicy: the ingress controller and the listed apps in, nothing out', {
      enabled: bool('create a NetworkPolicy', true),
      ingressControllerNamespace: str('namespace of the ingress controller (Kong) allowed in', 'kong'),
      allowFromApps: list('app.kubernetes.io/name of in-namespace clients allowed in (the gateway without Kong)', { type: 'string', minLength: 1 }),
    }),
  })
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'web values', ...schema }
}

/** charts/web/*: repo-relative path -> content. */
export function webChartFiles({ port, ...release }: { port: number } & ChartRelease): Record<string, string> {
  const { generated } = release
  const schema = webValuesSchema(port)
  const production = {
    ...PINNED_IMAGE_VALUES,
    replicaCount: 3,
    // Served over TLS only: HSTS on top of the default headers.
    securityHeaders: { ...webSecurityHeaders(), 'strict-transport-security': 'max-age=63072000; includeSubDomains' },
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  }
  const minimal = { replicaCount: 1, podDisruptionBudget: { enabled: false }, networkPolicy: { enabled: false } }
  const readme = readmeFromTemplate('web-chart.md', { WEB_UID, port, WEB_CHART, generated, values_table: valuesTable(schema) })
  return libChartFiles({
    name: WEB_CHART,
    description: 'The web app of the expenses tracker (services/web): its built files served by an unprivileged nginx on a read-only root filesystem.',
    ...release,
    schema,
    readme,
    template: { file: 'web.yaml', include: 'web.all' },
    production: { comment: 'Pinned digest, three replicas, HSTS added to the headers, larger limits.', values: production },
    minimal: { comment: 'One replica, no PodDisruptionBudget, no NetworkPolicy.', values: minimal },
  })
}
