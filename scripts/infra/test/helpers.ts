import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { isPortFree } from '../process.js'

const tempRoots: string[] = []
process.on('exit', () => {
  for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A temporary checkout-like folder the `postgres` user can enter (mkdtemp makes it 0700).
 * Removed when the test process exits.
 */
export function tempRoot(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
  fs.chmodSync(dir, 0o755)
  tempRoots.push(dir)
  return dir
}

/** A port p such that p and p+1 are both free (Kafka needs a broker and a controller port). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    if ((await isPortFree(port)) && (await isPortFree(port + 1))) return port
  }
}

export async function occupy(port: number): Promise<net.Server> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return server
}

/** Connection variables of the infrastructure the test run uses (set by `npm test`), as external settings. */
export function runEnv(): { databases: Record<string, string>; kafkaBrokers: string } {
  const names = ['AUTH_DATABASE_URL', 'USER_DATABASE_URL', 'DS_DATABASE_URL', 'EXPENSE_DATABASE_URL']
  const databases: Record<string, string> = {}
  for (const name of names) {
    const value = process.env[name]
    if (!value) throw new Error(`${name} is not set: run these tests through \`npm test\` (or eval "$(npx tsx scripts/infra/cli.ts env)")`)
    // The marker makes them differ from the local server's own URLs, which ensureInfra would
    // otherwise treat as "ours" (and start a server for) instead of as configured databases.
    const url = new URL(value)
    url.searchParams.set('application_name', 'infra-test')
    databases[name] = url.toString()
  }
  const kafkaBrokers = process.env.KAFKA_BROKERS
  if (!kafkaBrokers) throw new Error('KAFKA_BROKERS is not set: run these tests through `npm test`')
  return { databases, kafkaBrokers }
}
