/**
 * One OpenAPI 3 document for the whole public API, merged from each service's GET /openapi.json.
 *
 * Only paths that the route table actually sends to that service are kept (a service's own
 * /healthz or /metrics are not public API). Component names that clash between services with
 * different content are renamed `<service>.<Name>` and that service's $refs rewritten, so no
 * service's schema silently replaces another's. A service that is down or serves something
 * that is not OpenAPI 3 is listed in `x-unavailable` instead of failing the whole document.
 */
import { isDeepStrictEqual } from 'node:util'
import { request } from 'undici'
import { matchRoute } from './route-table.js'
import type { RouteTable } from './route-table.js'
import { upstreamTarget } from './upstreams.js'
import type { UpstreamPool } from './upstreams.js'

type Json = Record<string, unknown>

export interface ServiceDocument {
  service: string
  /** The service's document, absent when it could not be fetched. */
  document?: Json
  /** Why the document is missing. */
  error?: string
}

export interface MergedOpenApi extends Json {
  openapi: string
  paths: Record<string, Json>
  'x-unavailable': { service: string; reason: string }[]
}

export interface OpenApiAggregatorOptions {
  table: RouteTable
  pools: Map<string, UpstreamPool>
  /** Per-instance fetch timeout. */
  timeoutMs: number
  /** How long a merged document is reused. */
  cacheMs: number
  info: { title: string; version: string; description?: string }
  now?: () => number
}

export class OpenApiAggregator {
  private cached?: { at: number; value: Promise<{ merged: MergedOpenApi; sources: ServiceDocument[] }> }
  private readonly now: () => number

  constructor(private readonly options: OpenApiAggregatorOptions) {
    this.now = options.now ?? Date.now
  }

  /** Merged document plus the per-service results it was built from (cached briefly; concurrent callers share one fetch). */
  load(): Promise<{ merged: MergedOpenApi; sources: ServiceDocument[] }> {
    const now = this.now()
    if (!this.cached || now - this.cached.at >= this.options.cacheMs) {
      const value = this.fetchAll().then((sources) => ({
        merged: mergeOpenApi(sources, this.options.table, this.options.info),
        sources,
      }))
      this.cached = { at: now, value }
    }
    return this.cached.value
  }

  private fetchAll(): Promise<ServiceDocument[]> {
    return Promise.all(
      Object.keys(this.options.table.services).map(async (service): Promise<ServiceDocument> => {
        const pool = this.options.pools.get(service)
        if (!pool) return { service, error: 'no upstream pool' }
        let lastError = 'no instances'
        for (const instance of pool.plan()) {
          try {
            const { origin, path } = upstreamTarget(instance, '/openapi.json')
            const document = await fetchDocument(`${origin}${path}`, this.options.timeoutMs)
            return { service, document }
          } catch (err) {
            lastError = `${instance.url.origin}: ${(err as Error).message}`
          }
        }
        return { service, error: lastError }
      }),
    )
  }
}

async function fetchDocument(url: string, timeoutMs: number): Promise<Json> {
  const res = await request(url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  })
  if (res.statusCode !== 200) {
    await res.body.dump()
    throw new Error(`GET /openapi.json answered ${res.statusCode}`)
  }
  const doc = await res.body.json()
  if (!isObject(doc) || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.') || !isObject(doc.paths)) {
    throw new Error('not an OpenAPI 3 document')
  }
  return doc
}

const COMPONENT_SECTIONS = [
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
] as const

export function mergeOpenApi(sources: readonly ServiceDocument[], table: RouteTable, info: OpenApiAggregatorOptions['info']): MergedOpenApi {
  const available = sources.filter((s): s is ServiceDocument & { document: Json } => s.document !== undefined)
  const paths: Record<string, Json> = {}
  const components: Record<string, Json> = {}
  const tags = new Map<string, unknown>()

  for (const { service, document } of available) {
    const doc = withRenamedComponents(document, service, components)
    for (const [section, entries] of Object.entries(isObject(doc.components) ? doc.components : {})) {
      if (!isObject(entries)) continue
      const target = (components[section] ??= {})
      Object.assign(target, entries)
    }
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      if (!isObject(item)) continue
      // Keep only what the gateway routes to this service; it also rules out clashing paths.
      if (matchRoute(table, path)?.service !== service) continue
      paths[path] = item
    }
    for (const tag of Array.isArray(doc.tags) ? doc.tags : []) {
      if (isObject(tag) && typeof tag.name === 'string' && !tags.has(tag.name)) tags.set(tag.name, tag)
    }
  }

  const merged: MergedOpenApi = {
    // 3.1 is a superset for our purposes; mixing keeps the newest version any service declared.
    openapi: available.some((s) => String(s.document.openapi).startsWith('3.1')) ? '3.1.0' : '3.0.3',
    info: { ...info },
    servers: [{ url: '/' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    'x-unavailable': sources.filter((s) => s.document === undefined).map((s) => ({ service: s.service, reason: s.error ?? 'unavailable' })),
  }
  if (Object.keys(components).length > 0) merged.components = components
  if (tags.size > 0) merged.tags = [...tags.values()]
  return merged
}

/**
 * Returns `doc` with components renamed where the name is already taken (in `merged`) by a
 * different definition, and every `$ref` to them rewritten.
 */
function withRenamedComponents(doc: Json, service: string, merged: Record<string, Json>): Json {
  const own = isObject(doc.components) ? doc.components : {}
  const renames = new Map<string, string>()
  for (const section of COMPONENT_SECTIONS) {
    const entries = own[section]
    if (!isObject(entries)) continue
    for (const [name, def] of Object.entries(entries)) {
      const existing = merged[section]?.[name]
      if (existing !== undefined && !isDeepStrictEqual(existing, def)) {
        renames.set(`#/components/${section}/${name}`, `#/components/${section}/${service}.${name}`)
      }
    }
  }
  if (renames.size === 0) return doc
  const renamed = rewriteRefs(doc, renames) as Json
  const components = renamed.components as Json
  for (const ref of renames.keys()) {
    const [, , section, name] = ref.split('/') as [string, string, string, string]
    const entries = components[section] as Json
    entries[`${service}.${name}`] = entries[name]
    delete entries[name]
  }
  return renamed
}

function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames))
  if (!isObject(value)) return value
  const out: Json = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === '$ref' && typeof v === 'string' && renames.has(v) ? renames.get(v) : rewriteRefs(v, renames)
  }
  return out
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
