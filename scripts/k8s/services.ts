/**
 * The services that get a Helm chart and an image, derived from api/routes.yaml (service name ->
 * port) plus the repo conventions (services/<dir>, npm name @expenses/<name>, database <dir>).
 * The local gateway (services/gateway) is deliberately not here: in a cluster Kong is the gateway
 * (docs/kubernetes.md), so it only gets an image for compose-free local use.
 */
import type { ServiceChartDefaults } from './chart-values.js'
import type { ImageTarget } from './dockerfile.js'
import { OPERATOR_CHART, OPERATOR_PORT } from './operator-chart.js'
import { readRouteTable, type RouteTable } from './routes.js'

export const AUTH_SERVICE = 'auth-service'
export const KAFKA_CLUSTER = 'expenses-kafka'
export const GATEWAY_PORT = 8080

/** What each service is, in a few words, for chart descriptions (the names alone say little: "ds"). */
const ROLES: Readonly<Record<string, string>> = {
  'auth-service': 'accounts and tokens',
  'user-service': 'profiles',
  'ds-service': 'bank-message parser',
  'expense-service': 'expenses and summaries',
}

export interface ServiceInfo extends ServiceChartDefaults {
  /** What it does, in a few words. */
  readonly role: string
  /** Folder under services/. */
  readonly dir: string
  /** npm workspace name. */
  readonly pkg: string
  /** Image repository without registry. */
  readonly image: string
}

export function chartedServices(table: RouteTable = readRouteTable()): ServiceInfo[] {
  const auth = table.services.get(AUTH_SERVICE)
  if (!auth) throw new Error(`api/routes.yaml has no ${AUTH_SERVICE}`)
  const names = [...table.services.keys()]
  return names.map((chart) => {
    const dir = chart.replace(/-service$/, '')
    const isAuth = chart === AUTH_SERVICE
    const role = ROLES[chart]
    if (!role) throw new Error(`scripts/k8s/services.ts has no role for ${chart} (api/routes.yaml names it): add one to ROLES`)
    return {
      chart,
      role,
      dir,
      pkg: `@expenses/${chart}`,
      image: `expenses/${chart}`,
      port: table.services.get(chart)?.port ?? 0,
      database: dir,
      // Every other service verifies tokens against auth-service's JWKS, and the operator turns that JWKS
      // into Kong credentials, so auth-service lets them all in.
      jwksUrl: isAuth ? '' : `http://${AUTH_SERVICE}:${auth.port}/auth/v1/jwks`,
      allowFromApps: isAuth ? [...names.filter((n) => n !== AUTH_SERVICE), OPERATOR_CHART] : [],
      authService: { name: AUTH_SERVICE, port: auth.port },
    }
  })
}

/** Every image we build: the charted services, the credentials operator (charts/operator), the local gateway and the web app. */
export function imageTargets(table: RouteTable = readRouteTable()): ImageTarget[] {
  return [
    ...chartedServices(table).map(({ chart, dir, pkg, port }) => ({ name: chart, dir, pkg, port })),
    { name: OPERATOR_CHART, dir: 'operator', pkg: '@expenses/operator', port: OPERATOR_PORT },
    { name: 'gateway', dir: 'gateway', pkg: '@expenses/gateway', port: GATEWAY_PORT },
    ...(table.web ? [{ name: table.web.service, dir: 'web', pkg: '@expenses/web', port: table.web.port, kind: 'static' as const }] : []),
  ]
}
