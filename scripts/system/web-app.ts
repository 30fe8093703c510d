import { join } from 'node:path'
import { repoRoot } from '../infra/config.js'

export const WEB_DIR = join(repoRoot, 'services/web')
export const WEB_DIST = join(WEB_DIR, 'dist')

/**
 * Builds the web app (services/web, Vite) into services/web/dist and returns that folder, which the
 * gateway serves at / (WEB_ROOT). A build takes a few seconds, so `npm start` always builds and never
 * serves a stale page.
 */
export async function buildWebApp(options: { quiet?: boolean } = {}): Promise<string> {
  const { build } = await import('vite')
  try {
    await build({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: options.quiet ? 'error' : 'warn' })
  } catch (err) {
    throw new Error(`the web app did not build (services/web): ${(err as Error).message.split('\n')[0]}`)
  }
  return WEB_DIST
}
