/**
 * The cluster's Kong configuration must be exactly the route table in api/routes.yaml: for every route
 * one Ingress (class kong, strip-path false) with the route's prefix and backend Service/port, and the
 * KongPlugins of scripts/k8s/kong.ts (rate limit, body limit, jwt iff auth: required); for the web app
 * (`web`) one Ingress at `/` for GET and HEAD only, to its Service, with its rate limit.
 */
import t from 'tap'
import { kongPlugins, webMethods } from '../../scripts/k8s/kong.js'
import { parseRouteTable, readRouteTable, type RouteTable } from '../../scripts/k8s/routes.js'
import { rateLimitPlugins } from '../../services/operator/src/tracker/resources.js'
import type { RateLimitTier } from '../../services/operator/src/tracker/crd.js'
import { type K8sObject, render } from './helpers.js'

interface IngressSpec {
  ingressClassName: string
  rules: { http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[] } }[]
}

/** Differences between the rendered Kong objects and the route table; empty = in sync. */
export function routeProblems(objects: readonly K8sObject[], table: RouteTable): string[] {
  const routes = table.web ? [...table.routes, table.web] : table.routes
  const ports = new Map([...table.services, ...(table.web ? [[table.web.service, { port: table.web.port }] as const] : [])])
  const problems: string[] = []
  const ingresses = objects.filter((o) => o.kind === 'Ingress')
  // With an ExpenseTracker the operator makes the rate-limit plugins: what it would apply (the same
  // builder, tiers defaulted as the CRD does) stands in for them.
  const operatorPlugins = objects
    .filter((o) => o.kind === 'ExpenseTracker')
    .flatMap((o) => {
      const tiers = ((o.spec as { rateLimits?: { tiers?: RateLimitTier[] } }).rateLimits?.tiers ?? []).map((tier) => ({
        ...tier,
        limitBy: tier.limitBy ?? 'ip',
      }))
      return rateLimitPlugins(o.metadata.name, tiers, {}) satisfies K8sObject[]
    })
  const plugins = new Map([...objects, ...operatorPlugins].filter((o) => o.kind === 'KongPlugin').map((o) => [o.metadata.name, o]))
  if (ingresses.length !== routes.length) problems.push(`${ingresses.length} Ingresses for ${routes.length} routes`)
  for (const route of routes) {
    const matching = ingresses.filter((i) => i.metadata.labels?.['expenses-tracker/route'] === route.name)
    const ingress = matching[0]
    if (matching.length !== 1 || !ingress) {
      problems.push(`route ${route.name}: ${matching.length} Ingresses`)
      continue
    }
    const spec = ingress.spec as unknown as IngressSpec
    const paths = spec.rules.flatMap((r) => r.http.paths)
    const expectedPath = {
      path: route.prefix,
      pathType: 'Prefix',
      backend: { service: { name: route.service, port: { number: ports.get(route.service)?.port } } },
    }
    if (JSON.stringify(paths) !== JSON.stringify([expectedPath])) {
      problems.push(`route ${route.name}: paths ${JSON.stringify(paths)}, want ${JSON.stringify([expectedPath])}`)
    }
    if (spec.ingressClassName !== 'kong') problems.push(`route ${route.name}: ingressClassName ${spec.ingressClassName}`)
    const annotations = ingress.metadata.annotations ?? {}
    if (annotations['konghq.com/strip-path'] !== 'false') problems.push(`route ${route.name}: strip-path is not "false"`)
    const methods = route === table.web ? webMethods.join(',') : undefined
    if (annotations['konghq.com/methods'] !== methods) problems.push(`route ${route.name}: methods ${annotations['konghq.com/methods']}, want ${methods}`)
    const attached = (annotations['konghq.com/plugins'] ?? '').split(',').filter(Boolean)
    const actual = attached
      .map((name) => plugins.get(name))
      .map((p) => (p ? { name: p.plugin, config: p.config } : { name: 'missing', config: {} }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)))
    const expected = [...kongPlugins(route)].sort((a, b) => a.name.localeCompare(b.name))
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`route ${route.name}: plugins ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`)
    }
  }
  return problems
}

t.test('every route of api/routes.yaml has exactly its Ingress, backend, auth plugin and limits', async (t) => {
  const table = readRouteTable()
  const objects = render('expenses-tracker')
  t.same(routeProblems(objects, table), [])
  t.ok(table.routes.some((r) => r.auth === 'required') && table.routes.some((r) => r.auth === 'none'), 'both auth kinds exercised')
  t.ok(table.web, 'the web app route exercised')
  const withoutWeb = render('expenses-tracker', ['--set', 'web.enabled=false'])
  const { web: _web, ...apiOnly } = table
  t.same(routeProblems(withoutWeb, apiOnly), [], 'web.enabled=false drops its Ingress only')
})

t.test('the rate limits have exactly one owner: the ExpenseTracker (operator) by default, else the chart', async (t) => {
  const table = readRouteTable()
  const rateLimits = (objects: readonly K8sObject[]) => objects.filter((o) => o.kind === 'KongPlugin' && o.plugin === 'rate-limiting')
  const withTracker = render('expenses-tracker')
  const tracker = withTracker.filter((o) => o.kind === 'ExpenseTracker')
  t.equal(tracker.length, 1, 'one ExpenseTracker for the release')
  t.same(rateLimits(withTracker), [], 'the chart renders no rate-limit plugin the operator owns')
  const tiers = (tracker[0]?.spec as { rateLimits: { tiers: RateLimitTier[] } }).rateLimits.tiers
  t.same(tiers.map((tier) => tier.name).sort(), [...table.routes.map((r) => r.name), 'web'].sort(), 'one tier per route and the web app')

  const overridden = render('expenses-tracker', ['--set', 'expenseTracker.rateLimits.perMinute.auth-login=25'])
  const login = (overridden.find((o) => o.kind === 'ExpenseTracker')?.spec as { rateLimits: { tiers: RateLimitTier[] } }).rateLimits.tiers.find(
    (x) => x.name === 'auth-login',
  )
  t.equal(login?.perMinute, 25, 'a tier is overridden by name from the values')

  for (const off of [
    ['--set', 'expenseTracker.enabled=false'],
    ['--set', 'operator.enabled=false'],
  ]) {
    const objects = render('expenses-tracker', off)
    t.equal(objects.filter((o) => o.kind === 'ExpenseTracker').length, 0, `${off[1]}: no ExpenseTracker`)
    t.equal(rateLimits(objects).length, table.routes.length + 1, `${off[1]}: the chart renders every rate limit itself`)
    t.same(routeProblems(objects, table), [], `${off[1]}: still exactly the route table`)
  }
})

t.test('a rendered chart that disagrees with the route table is reported', async (t) => {
  const table = readRouteTable()
  const objects = render('expenses-tracker')
  // The same chart checked against a table where one route changed limit, auth and backend port.
  const changed = parseRouteTable(
    `services: { auth-service: { port: 4001 }, user-service: { port: 4999 }, ds-service: { port: 4003 }, expense-service: { port: 4004 } }
defaults: { rateLimit: { perMinute: 600 }, bodyLimitBytes: 1048576 }
routes:
${table.routes
  .map(
    (r) =>
      `  - { name: ${r.name}, prefix: ${r.prefix}, service: ${r.service}, auth: ${r.name === 'auth-login' ? 'required' : r.auth}, rateLimit: { perMinute: ${r.name === 'expense' ? 5 : r.perMinute} }, bodyLimitBytes: ${r.bodyLimitBytes} }`,
  )
  .join('\n')}
  - { name: extra, prefix: /extra/v1, service: auth-service, auth: none }
web: { service: web, port: 8081, rateLimit: { perMinute: 60 } }
`,
  )
  const problems = routeProblems(objects, changed).join('\n')
  t.match(problems, /Ingresses for 9 routes/)
  t.match(problems, /route web: paths/, 'web port change detected')
  t.match(problems, /route web: plugins/, 'web rate limit change detected')
  t.match(problems, /route auth-login: plugins/, 'auth change detected')
  t.match(problems, /route expense: plugins/, 'rate limit change detected')
  t.match(problems, /route user: paths/, 'backend port change detected')
  t.match(problems, /route extra: 0 Ingresses/)
})

t.test('disabling the jwt plugin removes it from every route', async (t) => {
  const objects = render('expenses-tracker', ['--set', 'kong.jwt.enabled=false'])
  const annotations = objects.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.annotations?.['konghq.com/plugins'] ?? '')
  t.ok(annotations.length > 0)
  t.notOk(annotations.some((a) => a.includes('jwt')))
  t.notOk(objects.some((o) => o.kind === 'KongPlugin' && o.plugin === 'jwt'))
})
