/**
 * Fails when a workspace (packages/*, services/*) lists a runtime dependency that none of its own files
 * imports: an unused dependency still ships in every image and widens the supply chain. Run by
 * `npm run lint`. Imports are found as text (`from 'x'`, `import('x')`, `require('x')`, subpaths
 * included) in the workspace's source, its generated Prisma client and its config files.
 *
 * A dependency used without an import is listed in IMPLICIT with the reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/** workspace -> dependency -> why nothing imports it. */
const IMPLICIT: Record<string, Record<string, string>> = {}

const SOURCE = /\.(ts|tsx|mts|js|mjs)$/

function files(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist') return []
    return statSync(path).isDirectory() ? files(path) : SOURCE.test(name) ? [path] : []
  })
}

export function unusedDependencies(workspace: string, base = root): string[] {
  const manifest = JSON.parse(readFileSync(join(base, workspace, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  const own = readdirSync(join(base, workspace))
    .filter((name) => SOURCE.test(name))
    .map((name) => join(base, workspace, name))
  const text = [...files(join(base, workspace, 'src')), ...own].map((f) => readFileSync(f, 'utf8')).join('\n')
  const used = new Set<string>()
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]((?:@[^/'"]+\/)?[^/'"]+)/g)) used.add(m[1]!)
  const implicit = IMPLICIT[workspace] ?? {}
  return Object.keys(manifest.dependencies ?? {}).filter((dep) => !used.has(dep) && !(dep in implicit))
}

export function workspaces(): string[] {
  return ['packages', 'services'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => `${group}/${name}`)
      .filter((w) => existsSync(join(root, w, 'package.json'))),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = workspaces().flatMap((w) =>
    unusedDependencies(w).map((dep) => `${relative(root, join(root, w, 'package.json'))}: ${dep} is listed but never imported`),
  )
  if (problems.length > 0) {
    console.error(
      `unused dependencies (remove them, or add them to IMPLICIT in scripts/lint/unused-dependencies.ts with the reason):\n  ${problems.join('\n  ')}`,
    )
    process.exit(1)
  }
}
