/**
 * Instances of each upstream service, chosen round-robin with passive health checking:
 * an instance that refused a connection is "down" for a cool-down period and is tried only
 * after every healthy instance. No active probing - the next real request after the cool-down
 * is the probe (the same model as Kong's passive health checks).
 */
import { serviceUrlsEnvVar } from './route-table.js'
import type { RouteTable } from './route-table.js'

export interface UpstreamInstance {
  /** Base URL; the incoming path and query are appended to it unchanged. */
  readonly url: URL
  /** Epoch ms until which the instance is considered down (0 = healthy). */
  downUntil: number
}

export interface UpstreamPoolOptions {
  /** How long an instance that refused a connection is skipped. */
  cooldownMs: number
  now?: () => number
}

export class UpstreamPool {
  readonly instances: readonly UpstreamInstance[]
  private cursor = 0
  private readonly now: () => number

  constructor(
    readonly service: string,
    urls: readonly URL[],
    private readonly options: UpstreamPoolOptions,
  ) {
    if (urls.length === 0) throw new Error(`${service}: no upstream instances`)
    this.instances = urls.map((url) => ({ url, downUntil: 0 }))
    this.now = options.now ?? Date.now
  }

  /**
   * The order in which to try instances for one request: healthy instances starting at the
   * round-robin cursor, then the ones marked down, soonest-to-recover first (so a fully
   * restarted service is found again without waiting out every cool-down).
   */
  plan(): UpstreamInstance[] {
    const n = this.instances.length
    const start = this.cursor
    this.cursor = (this.cursor + 1) % n
    const now = this.now()
    const rotated = Array.from({ length: n }, (_, i) => this.instances[(start + i) % n] as UpstreamInstance)
    const healthy = rotated.filter((inst) => inst.downUntil <= now)
    const down = rotated.filter((inst) => inst.downUntil > now).sort((a, b) => a.downUntil - b.downUntil)
    return [...healthy, ...down]
  }

  markDown(instance: UpstreamInstance): void {
    instance.downUntil = this.now() + this.options.cooldownMs
  }

  markUp(instance: UpstreamInstance): void {
    instance.downUntil = 0
  }

  health(): { url: string; healthy: boolean }[] {
    const now = this.now()
    return this.instances.map((inst) => ({ url: inst.url.href, healthy: inst.downUntil <= now }))
  }
}

/** Parses a comma-separated <SERVICE>_URLS value; throws a one-line error naming the variable. */
export function parseUpstreamUrls(value: string, envVar: string): URL[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (parts.length === 0) throw new Error(`${envVar}: no URLs given`)
  return parts.map((raw) => {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new Error(`${envVar}: "${raw}" is not a URL`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${envVar}: "${raw}" must be an http(s) URL`)
    }
    if (url.search || url.hash) throw new Error(`${envVar}: "${raw}" must not have a query or fragment`)
    return url
  })
}

/**
 * One pool per service in the table: instances from <SERVICE>_URLS, else the service's port
 * from the table on 127.0.0.1 (the local `npm start` layout).
 */
export function createUpstreamPools(table: RouteTable, env: Record<string, string | undefined>, options: UpstreamPoolOptions): Map<string, UpstreamPool> {
  const pools = new Map<string, UpstreamPool>()
  for (const [service, { port }] of Object.entries(table.services)) {
    const envVar = serviceUrlsEnvVar(service)
    const urls = parseUpstreamUrls(env[envVar] || `http://127.0.0.1:${port}`, envVar)
    pools.set(service, new UpstreamPool(service, urls, options))
  }
  // The web app has no local default (npm start serves its build from the gateway, WEB_ROOT): it is
  // proxied only when its instances are named (WEB_URLS in the cluster chart).
  if (table.web) {
    const envVar = serviceUrlsEnvVar(table.web.service)
    const value = env[envVar]
    if (value) pools.set(table.web.service, new UpstreamPool(table.web.service, parseUpstreamUrls(value, envVar), options))
  }
  return pools
}

/**
 * Where to send a request: the instance's origin, and its base path joined with the incoming
 * path + query as raw text. Never re-parsed as a URL, so a path like `//other-host/x` stays a
 * path and cannot redirect the request to another host.
 */
export function upstreamTarget(instance: UpstreamInstance, requestUrl: string): { origin: string; path: string } {
  const base = instance.url.pathname.replace(/\/+$/, '')
  return { origin: instance.url.origin, path: `${base}${requestUrl}` }
}
