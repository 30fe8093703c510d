import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { defaultRoutesFile, loadRouteTable, matchRoute, parseRouteTable, resolveRoutesFile, RouteTableError, serviceUrlsEnvVar } from '../src/route-table.js'

const header = `services:
  auth-service: { port: 4001 }
  user-service: { port: 4002 }
defaults:
  rateLimit: { perMinute: 600 }
  bodyLimitBytes: 1000
`

function table(routes: string) {
  return parseRouteTable(`${header}routes:\n${routes}`, 'test.yaml')
}

function rejects(t: Test, yaml: string, message: RegExp) {
  t.throws(() => parseRouteTable(yaml, 'test.yaml'), { name: 'RouteTableError', message })
  try {
    parseRouteTable(yaml, 'test.yaml')
  } catch (err) {
    t.notMatch((err as Error).message, /\n/, 'the error is one line')
  }
}

t.test('the repository route table loads and applies defaults', async (t) => {
  const rt = loadRouteTable()
  t.equal(rt.source, defaultRoutesFile())
  const login = rt.routes.find((r) => r.name === 'auth-login')
  t.equal(login?.rateLimitPerMinute, 10, 'login has its own stricter limit')
  t.equal(rt.routes.find((r) => r.name === 'user')?.rateLimitPerMinute, 600, 'others get the default')
  t.equal(rt.routes.find((r) => r.name === 'ds')?.bodyLimitBytes, 4194304)
  t.equal(rt.routes.find((r) => r.name === 'expense')?.bodyLimitBytes, 1048576)
  t.same(Object.keys(rt.services).sort(), ['auth-service', 'ds-service', 'expense-service', 'user-service'])
})

t.test('matching picks the longest prefix on whole path segments', async (t) => {
  const rt = loadRouteTable()
  t.equal(matchRoute(rt, '/auth/v1/login')?.name, 'auth-login')
  t.equal(matchRoute(rt, '/auth/v1/login?next=/x')?.name, 'auth-login', 'the query is not part of the match')
  t.equal(matchRoute(rt, '/auth/v1/login/extra')?.name, 'auth-login')
  t.equal(matchRoute(rt, '/auth/v1/loginx')?.name, 'auth', 'a longer segment is not a prefix match')
  t.equal(matchRoute(rt, '/auth/v1/refresh')?.name, 'auth')
  t.equal(matchRoute(rt, '/auth/v1')?.name, 'auth')
  t.equal(matchRoute(rt, '/expense/v1/expenses/42')?.name, 'expense')
  t.equal(matchRoute(rt, '/auth/v2/login'), undefined)
  t.equal(matchRoute(rt, '/'), undefined)
})

t.test('matching does not depend on the order routes are listed in', async (t) => {
  const rt = table(`  - { name: broad, prefix: /auth/v1, service: auth-service, auth: none }
  - { name: narrow, prefix: /auth/v1/login, service: auth-service, auth: none, rateLimit: { perMinute: 5 } }
`)
  t.equal(matchRoute(rt, '/auth/v1/login')?.name, 'narrow')
  t.equal(matchRoute(rt, '/auth/v1/other')?.name, 'broad')
})

t.test('a bad table is rejected with a one-line error naming the problem', async (t) => {
  const route = (extra: string) => `${header}routes:\n  - { name: a, prefix: /a, service: auth-service, auth: none${extra} }\n`
  rejects(
    t,
    `${header}routes:\n  - { name: a, prefix: /a, service: nope-service, auth: none }\n`,
    /^test\.yaml: routes\[0\] \(a\): unknown service "nope-service" \(known: auth-service, user-service\)$/,
  )
  rejects(
    t,
    `${header}routes:\n  - { name: a, prefix: /a, service: auth-service, auth: none }\n  - { name: b, prefix: /a, service: user-service, auth: none }\n`,
    /routes\[1\] \(b\): duplicate prefix "\/a" \(also routes\[0\]\)/,
  )
  rejects(
    t,
    `${header}routes:\n  - { name: a, prefix: /a, service: auth-service, auth: none }\n  - { name: a, prefix: /b, service: user-service, auth: none }\n`,
    /duplicate route name "a"/,
  )
  rejects(t, route(', rateLimt: { perMinute: 1 }'), /routes\[0\]: unknown key\(s\) "rateLimt"/)
  rejects(t, route('').replace('auth: none', 'auth: maybe'), /routes\[0\]\.auth: must be one of "required", "none"/)
  rejects(t, route('').replace('prefix: /a', 'prefix: a/'), /routes\[0\]\.prefix: "a\/" does not match/)
  rejects(t, route('').replace('prefix: /a', 'prefix: /a/../b'), /must not contain "\." or "\.\." segments/)
  rejects(t, route('').replace('prefix: /a', 'prefix: /metrics'), /shadowed by the gateway's own \/metrics/)
  rejects(t, route(', rateLimit: { perMinute: 0 }'), /routes\[0\]\.rateLimit\.perMinute: must be >= 1/)
  rejects(t, route('').replace('  bodyLimitBytes: 1000\n', ''), /defaults: missing "bodyLimitBytes"/)
  rejects(t, route('').replace('{ port: 4002 }', '{ port: 4001 }'), /services\.user-service\.port: port 4001 is already used by auth-service/)
  rejects(t, route('').replace('user-service:', 'User_Service:'), /services\.User_Service: service names must be/)
  rejects(t, `${header}routes: []\n`, /routes: must not have fewer than 1 items/)
  rejects(t, 'services: {a: {port: 1}\n  b: 2', /^test\.yaml: invalid YAML: /)
  rejects(t, '', /top level: must be object/)
})

t.test('web: the catch-all route of the web app, with the default limit unless it names one', async (t) => {
  const rt = loadRouteTable()
  t.match(rt.web, { name: 'web', prefix: '/', service: 'web', auth: 'none', rateLimitPerMinute: 600, bodyLimitBytes: 0, port: 8080 })
  t.equal(matchRoute(rt, '/'), undefined, 'matching stays API-only: the gateway falls back to web itself (GET and HEAD)')
  const own = parseRouteTable(
    `${header}routes:\n  - { name: a, prefix: /a, service: auth-service, auth: none }\nweb: { service: site, port: 80, rateLimit: { perMinute: 60 } }\n`,
    'test.yaml',
  )
  t.match(own.web, { service: 'site', port: 80, rateLimitPerMinute: 60 })
  t.equal(table('  - { name: a, prefix: /a, service: auth-service, auth: none }\n').web, undefined, 'optional')
  const withWeb = (web: string, routeName = 'a') => `${header}routes:\n  - { name: ${routeName}, prefix: /a, service: auth-service, auth: none }\nweb: ${web}\n`
  rejects(t, withWeb('{ service: auth-service, port: 80 }'), /^test\.yaml: web\.service: "auth-service" is already an API service$/)
  rejects(t, withWeb('{ service: Web, port: 80 }'), /web\.service: service names must be/)
  rejects(t, withWeb('{ service: web }'), /web: missing "port"/)
  rejects(t, withWeb('{ service: web, port: 80, auth: required }'), /web: unknown key\(s\) "auth"/)
  rejects(t, withWeb('{ service: web, port: 80 }', 'web'), /a route is already named "web"/)
})

t.test('a missing file names the file', async (t) => {
  t.throws(() => loadRouteTable('/nonexistent/routes.yaml'), {
    name: 'RouteTableError',
    message: /^\/nonexistent\/routes\.yaml: cannot read route table: ENOENT/,
  })
})

t.test('ROUTES_FILE resolution', async (t) => {
  t.equal(resolveRoutesFile(undefined), defaultRoutesFile(), 'unset -> the repo table')
  t.equal(resolveRoutesFile('', '/x'), defaultRoutesFile(), 'empty -> the repo table')
  t.equal(resolveRoutesFile('conf/routes.yaml', '/srv/app'), '/srv/app/conf/routes.yaml', 'relative -> against cwd')
  t.equal(resolveRoutesFile('/etc/gw/routes.yaml', '/srv/app'), '/etc/gw/routes.yaml')
  const dir = mkdtempSync(join(tmpdir(), 'gw-routes-'))
  const file = join(dir, 'routes.yaml')
  writeFileSync(file, `${header}routes:\n  - { name: a, prefix: /a, service: auth-service, auth: required }\n`)
  t.equal(loadRouteTable(file).routes[0]?.auth, 'required')
  t.type(new RouteTableError('x'), Error)
})

t.test('service names map to their <SERVICE>_URLS variable', async (t) => {
  t.equal(serviceUrlsEnvVar('auth-service'), 'AUTH_SERVICE_URLS')
  t.equal(serviceUrlsEnvVar('ds-service'), 'DS_SERVICE_URLS')
  t.equal(serviceUrlsEnvVar('expense-service'), 'EXPENSE_SERVICE_URLS')
})
