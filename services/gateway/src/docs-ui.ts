import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { OpenApiAggregator } from './openapi.js'

/**
 * GET /docs: Swagger UI (served from the npm package, no CDN) on the merged document of all services,
 * the same one as GET /openapi.json. Swagger UI asks for /docs/json; the merged document is loaded in
 * a preHandler because the plugin's transform hook is synchronous.
 */
export async function registerDocsUi(app: FastifyInstance, openapi: OpenApiAggregator): Promise<void> {
  const loaded = new WeakMap<FastifyRequest, unknown>()
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
    uiHooks: {
      // Fastify awaits an async hook (and catches its rejection); the plugin types uiHooks with the
      // callback form only, so the promise looks ignored to the linter.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      preHandler: async (request: FastifyRequest, _reply: FastifyReply) => {
        if (/^\/docs\/(json|yaml)(\?|$)/.test(request.url)) loaded.set(request, (await openapi.load()).merged)
      },
    },
    transformSpecification: (_own, request) => loaded.get(request) as Record<string, unknown>,
    transformSpecificationClone: false,
    staticCSP: true,
    // The plugin's CSP asks browsers to upgrade to https, which breaks the page on a plain-http local gateway.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
  })
}
