/**
 * The public route table (api/routes.yaml): loading, validation and longest-prefix matching.
 *
 * The same file is turned into Kong configuration for the cluster by another tool, so this
 * module only reads it; it never adds gateway-only fields. It is exported as
 * `@expenses/gateway/route-table` so tools and tests can use the exact same validation.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Type from 'typebox'
import type { Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { parse as parseYaml } from 'yaml'

const RateLimitSchema = Type.Object({ perMinute: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })

const RouteSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
    prefix: Type.String({ pattern: '^(/[A-Za-z0-9._~-]+)+$' }),
    service: Type.String(),
    auth: Type.Enum(['required', 'none']),
    rateLimit: Type.Optional(RateLimitSchema),
    bodyLimitBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
)

/** JSON Schema of api/routes.yaml (strict: a misspelt key is an error, not a silent default). */
export const RouteTableFileSchema = Type.Object(
  {
    services: Type.Record(Type.String(), Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false })),
    defaults: Type.Object({ rateLimit: RateLimitSchema, bodyLimitBytes: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    routes: Type.Array(RouteSchema, { minItems: 1 }),
    web: Type.Optional(
      Type.Object(
        {
          service: Type.String(),
          port: Type.Integer({ minimum: 1, maximum: 65535 }),
          rateLimit: Type.Optional(RateLimitSchema),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type RouteTableFile = Static<typeof RouteTableFileSchema>

const validator = Compile(RouteTableFileSchema)

/** A route with the table defaults applied. */
export interface Route {
  name: string
  prefix: string
  service: string
  auth: 'required' | 'none'
  rateLimitPerMinute: number
  bodyLimitBytes: number
}

export interface RouteTable {
  /** Where the table was read from (for messages). */
  source: string
  /** Service name -> default local port. */
  services: Record<string, { port: number }>
  /** Routes ordered longest prefix first, so the first match is the most specific. */
  routes: Route[]
  /**
   * The web app (services/web): GET and HEAD of every path no route claims. Its own static image in a
   * cluster (the Ingress at `/`, or the gateway with WEB_URLS); absent when the table names none.
   */
  web?: WebRoute
}

/** The catch-all route of the web app; `port` is its Service port in a cluster (it has no local default). */
export interface WebRoute extends Route {
  port: number
}

/** The web app serves pages and files only: writes to an unknown path stay a 404. */
export const WEB_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD'])

/** A bad route table; `message` is one line naming the file and the offending entry. */
export class RouteTableError extends Error {
  override name = 'RouteTableError'
}

/**
 * Paths the gateway serves itself. A route under one of them could never be reached, so the
 * table is rejected instead of silently shadowing it.
 */
export const GATEWAY_OWN_PATHS = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'] as const

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/

/** api/routes.yaml of this repository (services/gateway/{src,dist}/ -> repo root). */
export function defaultRoutesFile(): string {
  return fileURLToPath(new URL('../../../api/routes.yaml', import.meta.url))
}

/** ROUTES_FILE semantics: unset -> the repo's api/routes.yaml; relative -> against the working directory. */
export function resolveRoutesFile(routesFile: string | undefined, cwd = process.cwd()): string {
  if (!routesFile) return defaultRoutesFile()
  return isAbsolute(routesFile) ? routesFile : resolve(cwd, routesFile)
}

export function loadRouteTable(file: string = defaultRoutesFile()): RouteTable {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new RouteTableError(`${file}: cannot read route table: ${(err as Error).message}`)
  }
  return parseRouteTable(text, file)
}

export function parseRouteTable(text: string, source = 'routes.yaml'): RouteTable {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new RouteTableError(`${source}: invalid YAML: ${firstLine((err as Error).message)}`)
  }
  if (!validator.Check(doc)) {
    throw new RouteTableError(`${source}: ${describeSchemaError(doc)}`)
  }
  return buildTable(doc, source)
}

/** Longest-prefix match on whole path segments: /auth/v1/login matches /auth/v1/login/x, not /auth/v1/loginx. */
export function matchRoute(table: RouteTable, path: string): Route | undefined {
  const q = path.indexOf('?')
  const pathname = q === -1 ? path : path.slice(0, q)
  return table.routes.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`))
}

/** `auth-service` -> `AUTH_SERVICE_URLS` (the env var listing its instances). */
export function serviceUrlsEnvVar(service: string): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_URLS`
}

function buildTable(doc: RouteTableFile, source: string): RouteTable {
  const fail = (where: string, problem: string): never => {
    throw new RouteTableError(`${source}: ${where}: ${problem}`)
  }
  const serviceNames = Object.keys(doc.services)
  if (doc.web) {
    if (!SERVICE_NAME.test(doc.web.service)) fail('web.service', 'service names must be lower-case words joined by "-"')
    if (doc.services[doc.web.service]) fail('web.service', `"${doc.web.service}" is already an API service`)
  }
  const byPort = new Map<number, string>()
  for (const [name, svc] of Object.entries(doc.services)) {
    if (!SERVICE_NAME.test(name)) fail(`services.${name}`, 'service names must be lower-case words joined by "-"')
    const other = byPort.get(svc.port)
    if (other) fail(`services.${name}.port`, `port ${svc.port} is already used by ${other}`)
    byPort.set(svc.port, name)
  }

  const names = new Map<string, number>()
  const prefixes = new Map<string, number>()
  const routes = doc.routes.map((r, i): Route => {
    const where = `routes[${i}] (${r.name})`
    if (!doc.services[r.service]) {
      fail(where, `unknown service "${r.service}" (known: ${serviceNames.join(', ') || 'none'})`)
    }
    if (r.prefix.split('/').some((seg) => seg === '.' || seg === '..')) {
      fail(where, `prefix "${r.prefix}" must not contain "." or ".." segments`)
    }
    const own = GATEWAY_OWN_PATHS.find((p) => r.prefix === p || r.prefix.startsWith(`${p}/`))
    if (own) fail(where, `prefix "${r.prefix}" is shadowed by the gateway's own ${own}`)
    const sameName = names.get(r.name)
    if (sameName !== undefined) fail(where, `duplicate route name "${r.name}" (also routes[${sameName}])`)
    names.set(r.name, i)
    const samePrefix = prefixes.get(r.prefix)
    if (samePrefix !== undefined) fail(where, `duplicate prefix "${r.prefix}" (also routes[${samePrefix}])`)
    prefixes.set(r.prefix, i)
    return {
      name: r.name,
      prefix: r.prefix,
      service: r.service,
      auth: r.auth,
      rateLimitPerMinute: r.rateLimit?.perMinute ?? doc.defaults.rateLimit.perMinute,
      bodyLimitBytes: r.bodyLimitBytes ?? doc.defaults.bodyLimitBytes,
    }
  })
  // Stable sort: equal lengths cannot overlap (distinct prefixes of equal length never nest).
  routes.sort((a, b) => b.prefix.length - a.prefix.length)
  if (doc.web && names.has('web')) fail('web', 'a route is already named "web" (the name of the web app\'s catch-all route)')
  const web: WebRoute | undefined = doc.web && {
    name: 'web',
    prefix: '/',
    service: doc.web.service,
    auth: 'none',
    rateLimitPerMinute: doc.web.rateLimit?.perMinute ?? doc.defaults.rateLimit.perMinute,
    // GET and HEAD only: no request body.
    bodyLimitBytes: 0,
    port: doc.web.port,
  }
  return { source, services: doc.services, routes, ...(web ? { web } : {}) }
}

/** Picks the most useful schema error and renders it as `routes[3].auth: must be one of ...`. */
function describeSchemaError(doc: unknown): string {
  const errors = validator.Errors(doc)
  // The `additionalProperties` error names the key; its "schema is false" twin does not.
  // anyOf/enum branches report once per branch; the summary error is clearer.
  const best =
    errors.find((e) => e.keyword === 'additionalProperties') ??
    errors.find((e) => e.keyword === 'required') ??
    errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'const') ??
    errors[0]
  if (!best) return 'invalid route table'
  const where = instancePathToDotted(best.instancePath) || 'top level'
  switch (best.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key(s) ${best.params.additionalProperties.map((k) => `"${k}"`).join(', ')}`
    case 'required':
      return `${where}: missing ${best.params.requiredProperties.map((k) => `"${k}"`).join(', ')}`
    case 'enum':
      return `${where}: must be one of ${best.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    case 'pattern':
      return `${where}: ${JSON.stringify(valueAt(doc, best.instancePath))} does not match ${best.params.pattern}`
    default:
      return `${where}: ${best.message}`
  }
}

function instancePathToDotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '')
}

function valueAt(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((v, seg) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined), doc)
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? s
}
