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
  const plugins: KongPlugin[] = [
    { name: 'rate-limiting', config: { minute: route.perMinute, policy: 'local', limit_by: 'ip' } },
    { name: 'request-size-limiting', config: { allowed_payload_size: route.bodyLimitBytes, size_unit: 'bytes' } },
  ]
  if (route.auth === 'required') {
    plugins.push({ name: 'jwt', config: { key_claim_name: 'kid', claims_to_verify: ['exp'] } })
  }
  return plugins
}

export function kongDeclarative(table: RouteTable): object {
  return {
    _format_version: '3.0',
    _transform: true,
    services: [...table.services].map(([service, { port }]) => ({
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
    })),
  }
}
