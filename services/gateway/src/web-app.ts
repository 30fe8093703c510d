import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/**
 * Serves the built web app (services/web/dist) at `/`. Only `/`, `/index.html` and the files Vite
 * writes are served: everything else stays the gateway's (a route-table prefix, /docs, /health, a 404).
 * The app routes in the URL fragment (#/expenses), so no path needs an index.html fallback.
 *
 * Caching: files under /assets/ carry a content hash in their name and never change, so they are
 * cacheable for a year; index.html names the current hashes and is revalidated on every load.
 */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`WEB_ROOT=${root} has no index.html: build the web app first (npm run build -w @expenses/web)`)
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // The file list is read once at startup (wildcard: false); a rebuilt app needs a gateway restart.
    globIgnore: ['**/.*'],
    cacheControl: false,
    setHeaders(reply, path) {
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
}
