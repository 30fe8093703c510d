/**
 * Writes a new Prisma migration for a service from the difference between its committed migrations
 * and its schema.prisma: `npm run db:migration -- <service> <name>` (e.g. `auth add_sessions`).
 * Needs the local Postgres (npm run infra:up); it never touches the service's own database.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { diffDatabaseToSchema } from './schema-engine.js'
import { withMigratedScratchDatabase } from './scratch.js'

const [service, name] = process.argv.slice(2)
if (!service || !name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <auth|user|ds|expense> <snake_case_name>')
  process.exit(2)
}
const root = path.resolve(import.meta.dirname, '../../services', service, 'prisma')
const schema = await readFile(path.join(root, 'schema.prisma'), 'utf8')
await mkdir(path.join(root, 'migrations'), { recursive: true })
const sql = await withMigratedScratchDatabase(path.join(root, 'migrations'), (url) => diffDatabaseToSchema(url, schema))
if (!sql) {
  console.log(`${service}: schema.prisma matches the migrations; nothing to write.`)
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const dir = path.join(root, 'migrations', `${stamp}_${name}`)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'migration.sql'), sql)
  await writeFile(path.join(root, 'migrations', 'migration_lock.toml'), '# Do not edit: written by the migration tooling.\nprovider = "postgresql"\n')
  console.log(`${service}: wrote ${path.relative(process.cwd(), dir)}/migration.sql`)
}
