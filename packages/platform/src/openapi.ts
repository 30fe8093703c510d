import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface OpenApiOptions {
  title: string
  version: string
  description?: string
  /** e.g. [{ url: '/expense/v1' }] when served behind the gateway under a prefix. */
  servers?: { url: string; description?: string }[]
  /** Serve the document at GET /openapi.json (default true). The gateway serves a merged one instead. */
  serve?: boolean
}

/** Security requirement to put on routes that use `app.authenticate`: `schema: { security: bearerSecurity }`. */
export const bearerSecurity = [{ bearerAuth: [] as string[] }]

/**
 * OpenAPI 3 generated from route schemas (must be registered before routes are added, which buildApp
 * does), served at GET /openapi.json.
 */
export const openApiPlugin = fp<OpenApiOptions>(
  async function openApi(app: FastifyInstance, options) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: options.title,
          version: options.version,
          ...(options.description ? { description: options.description } : {}),
        },
        ...(options.servers ? { servers: options.servers } : {}),
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
    })
    if (options.serve !== false) {
      app.get('/openapi.json', { schema: { hide: true }, config: { metrics: false } }, async () => app.swagger())
    }
  },
  { name: '@expenses/platform/openapi' },
)
