import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { unusedDependencies, workspaces } from '../unused-dependencies.js'

t.test('every workspace of the repository imports every dependency it lists', async (t) => {
  const all = workspaces()
  t.ok(all.includes('packages/events') && all.includes('services/web'), 'packages and services are both checked')
  for (const w of all) t.same(unusedDependencies(w), [], w)
})

t.test('a listed dependency that nothing imports is reported; imports of every form count', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'unused-deps-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  mkdirSync(join(base, 'services/demo/src/deep'), { recursive: true })
  const deps = { fastify: '1', '@scope/sub': '1', typebox: '1', pg: '1', lazy: '1', unused: '1', '@scope/unused': '1' }
  writeFileSync(join(base, 'services/demo/package.json'), JSON.stringify({ name: 'demo', dependencies: deps }))
  writeFileSync(join(base, 'services/demo/src/a.ts'), "import Fastify from 'fastify'\nimport { x } from '@scope/sub/deep'\n")
  writeFileSync(join(base, 'services/demo/src/deep/b.ts'), "import type { T } from 'typebox/compile'\nconst lazy = await import('lazy')\n")
  writeFileSync(join(base, 'services/demo/vite.config.ts'), "const pg = require('pg')\n")
  t.same(unusedDependencies('services/demo', base).sort(), ['@scope/unused', 'unused'])
})
