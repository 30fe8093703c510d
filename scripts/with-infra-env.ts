/**
 * Runs a TypeScript entry point with the local infrastructure's connection variables, starting
 * Postgres and Kafka first if needed (they are left running). Used by the benchmark commands:
 *   tsx scripts/with-infra-env.ts <file.ts> [args...]
 */
import { ensureSourceConditions } from './infra/source-conditions.js'

await ensureSourceConditions()
const { spawn } = await import('node:child_process')
const { ensureInfra } = await import('./infra/index.js')

const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  console.error('usage: tsx scripts/with-infra-env.ts <file.ts> [args...]')
  process.exit(2)
}
const infra = await ensureInfra()
const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: 'inherit', env: { ...process.env, ...infra.env } })
child.on('exit', (code) => process.exit(code ?? 1))
