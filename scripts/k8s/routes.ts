/**
 * Reads the public route table (api/routes.yaml) - the same file the local gateway serves from - for
 * the Kubernetes/Kong generators and checks. Only the fields the Kong configuration needs are typed.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

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
}

interface RawRoutes {
  services: Record<string, { port: number }>
  defaults: { rateLimit: { perMinute: number }; bodyLimitBytes: number }
  routes: {
    name: string
    prefix: string
    service: string
    auth: string
    rateLimit?: { perMinute: number }
    bodyLimitBytes?: number
  }[]
}

export function parseRouteTable(text: string): RouteTable {
  const raw = parse(text) as RawRoutes
  const services = new Map(Object.entries(raw.services))
  const routes = raw.routes.map((route): Route => {
    if (!services.has(route.service)) throw new Error(`route ${route.name}: unknown service ${route.service}`)
    if (route.auth !== 'required' && route.auth !== 'none') throw new Error(`route ${route.name}: auth must be required|none`)
    return {
      name: route.name,
      prefix: route.prefix,
      service: route.service,
      auth: route.auth,
      perMinute: route.rateLimit?.perMinute ?? raw.defaults.rateLimit.perMinute,
      bodyLimitBytes: route.bodyLimitBytes ?? raw.defaults.bodyLimitBytes,
    }
  })
  return { services, routes }
}

export function readRouteTable(file = routesFile): RouteTable {
  return parseRouteTable(readFileSync(file, 'utf8'))
}
