import fp from 'fastify-plugin'
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client'

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client'

export interface AppMetrics {
  /** This app's registry: register service metrics here (`registers: [app.metrics.registry]`). */
  registry: Registry
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics
  }
  interface FastifyContextConfig {
    /** Set `config: { metrics: false }` on a route to keep it out of http_request_duration_seconds. */
    metrics?: boolean
  }
}

/**
 * A registry with the default process metrics. One per app rather than prom-client's global registry,
 * so several apps in one process (tests) do not clash on metric names.
 */
export function createMetricsRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry()
  registry.setDefaultLabels(defaultLabels)
  collectDefaultMetrics({ register: registry })
  return registry
}

export interface MetricsPluginOptions {
  registry: Registry
}

export const metricsPlugin = fp<MetricsPluginOptions>(
  async function metrics(app, { registry }) {
    const httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })
    app.decorate('metrics', { registry, httpRequestDuration })

    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.config.metrics === false) return
      // The route pattern (/expenses/:id), never the raw URL: raw URLs would create a series per id.
      const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched')
      httpRequestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
    })

    app.get('/metrics', { config: { metrics: false }, schema: { hide: true } }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics())
    })
  },
  { name: '@expenses/platform/metrics' },
)
