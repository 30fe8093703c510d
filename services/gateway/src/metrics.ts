/**
 * Gateway metrics, on the app's registry (served by the platform's /metrics). Proxied requests
 * are labelled with the route-table entry's name: the Fastify route is a single catch-all, so
 * the platform's per-route histogram could not tell them apart.
 */
import { Counter, Gauge, Histogram } from '@expenses/platform'
import type { Registry } from '@expenses/platform'
import type { AttemptOutcome } from './proxy.js'
import type { UpstreamPool } from './upstreams.js'

export interface GatewayMetrics {
  requestDuration: Histogram<'route' | 'service' | 'status_code'>
  upstreamAttempts: Counter<'service' | 'outcome'>
  observeAttempt(service: string, outcome: AttemptOutcome): void
}

export function createGatewayMetrics(registry: Registry, pools: Map<string, UpstreamPool>): GatewayMetrics {
  const requestDuration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Proxied request duration in seconds, by route-table route, service and status code',
    labelNames: ['route', 'service', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const upstreamAttempts = new Counter({
    name: 'gateway_upstream_attempts_total',
    help: 'Attempts to reach an upstream instance, by outcome (ok, refused, broken, timeout)',
    labelNames: ['service', 'outcome'] as const,
    registers: [registry],
  })
  new Gauge({
    name: 'gateway_upstream_healthy',
    help: '1 if the instance is in rotation, 0 while it is skipped after a refused connection (passive health)',
    labelNames: ['service', 'instance'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const pool of pools.values()) {
        for (const { url, healthy } of pool.health()) this.set({ service: pool.service, instance: url }, healthy ? 1 : 0)
      }
    },
  })
  return {
    requestDuration,
    upstreamAttempts,
    observeAttempt: (service, outcome) => upstreamAttempts.inc({ service, outcome }),
  }
}
