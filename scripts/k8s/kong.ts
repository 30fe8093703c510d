import { WEB_METHODS } from '../../services/gateway/src/route-table.js'

/**
 * Kong configuration derived from the route table (api/routes.yaml):
 *  - kongPlugins(route): the plugins a route gets, shared by the DB-less kong.yml (compose) and,
 *    as expectations, by the test that checks the umbrella chart's Ingress/KongPlugin objects;
 *  - kongDeclarative(table): the DB-less kong.yml (_format_version "3.0").
 *
 * The open-source jwt plugin verifies tokens against keys of Kong consumers (no JWKS fetching), keyed
 * by the token's `kid` (Kong reads key_claim_name from the payload, then from the JOSE header, where
 * auth-service puts the kid), so every key of a rotation has its own credential; in a cluster the
 * operator (services/operator) keeps those credentials in sync with the JWKS, see docs/kubernetes.md.
 */
import type { Route, RouteTable } from './routes.js'

export interface KongPlugin {
  readonly name: 'rate-limiting' | 'request-size-limiting' | 'jwt'
  readonly config: Record<string, unknown>
}

export function kongPlugins(route: Route): KongPlugin[] {
  const plugins: KongPlugin[] = [{ name: 'rate-limiting', config: { minute: route.perMinute, policy: 'local', limit_by: 'ip' } }]
  // The web app's route takes GET and HEAD only (WEB_METHODS), so no body to limit.
  if (route.bodyLimitBytes > 0) {
    plugins.push({ name: 'request-size-limiting', config: { allowed_payload_size: route.bodyLimitBytes, size_unit: 'bytes' } })
  }
  if (route.auth === 'required') {
    plugins.push({ name: 'jwt', config: { key_claim_name: 'kid', claims_to_verify: ['exp'] } })
  }
  return plugins
}

export const webMethods = [...WEB_METHODS]

function webService(web: NonNullable<RouteTable['web']>): object {
  return {
    name: web.service,
    url: `http://${web.service}:${web.port}`,
    routes: [{ name: web.name, paths: [web.prefix], methods: webMethods, strip_path: false, preserve_host: true, plugins: kongPlugins(web) }],
  }
}

export function kongDeclarative(table: RouteTable): object {
  const services = [...table.services].map(([service, { port }]) => ({
    name: service,
    url: `http://${service}:${port}`,
    routes: table.routes
      .filter((route) => route.service === service)
      .map((route) => ({
        name: route.name,
        paths: [route.prefix],
        strip_path: false,
        preserve_host: true,
        plugins: kongPlugins(route),
      })),
  }))
  // The web app answers every GET and HEAD no API route claims: Kong's longest-prefix match tries `/` last.
  return { _format_version: '3.0', _transform: true, services: table.web ? [...services, webService(table.web)] : services }
}
