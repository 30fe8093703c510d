/**
 * Reads the public route table (api/routes.yaml) - the same file the local gateway serves from - for
 * the Kubernetes/Kong generators and checks, through the gateway's own validating loader, reshaped to
 * the fields the Kong configuration needs.
 */
import { join } from 'node:path'
// The gateway's loader: one parser (with its strict validation) for the local gateway and for Kong.
import { loadRouteTable, parseRouteTable as parseValidated, type RouteTable as ValidatedRouteTable } from '../../services/gateway/src/route-table.js'

export const repoRoot = join(import.meta.dirname, '..', '..')
export const routesFile = join(repoRoot, 'api', 'routes.yaml')

export interface Route {
  readonly name: string
  readonly prefix: string
  readonly service: string
  readonly auth: 'required' | 'none'
  readonly perMinute: number
  readonly bodyLimitBytes: number
}

export interface RouteTable {
  readonly services: ReadonlyMap<string, { readonly port: number }>
  readonly routes: readonly Route[]
  /** The web app's catch-all route (`/`) and its Service port, when the table names one. */
  readonly web?: Route & { readonly port: number }
}

const adaptRoute = (r: ValidatedRouteTable['routes'][number]): Route => ({
  name: r.name,
  prefix: r.prefix,
  service: r.service,
  auth: r.auth,
  perMinute: r.rateLimitPerMinute,
  bodyLimitBytes: r.bodyLimitBytes,
})

function adapt(table: ValidatedRouteTable): RouteTable {
  return {
    services: new Map(Object.entries(table.services)),
    routes: table.routes.map(adaptRoute),
    ...(table.web ? { web: { ...adaptRoute(table.web), port: table.web.port } } : {}),
  }
}

export function parseRouteTable(text: string): RouteTable {
  return adapt(parseValidated(text, 'api/routes.yaml'))
}

export function readRouteTable(file = routesFile): RouteTable {
  return adapt(loadRouteTable(file))
}
