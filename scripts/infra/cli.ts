/**
 * Local infrastructure CLI: `tsx scripts/infra/cli.ts up|down|status|env|reset`.
 * See docs/local-infrastructure.md.
 */
import { ensureSourceConditions } from './source-conditions.js'

await ensureSourceConditions()
const { InfraError, ensureInfra, infraStatus, resetInfra, shellExports, stopInfra } = await import('./index.js')

const USAGE = `usage: tsx scripts/infra/cli.ts <command>
  up      start Postgres and Kafka (or reuse running ones) and create databases and topics
  down    stop them (data is kept)
  status  show what is running
  env     start if needed, then print \`export NAME=...\` lines (eval "$(tsx scripts/infra/cli.ts env)")
  reset   stop them and delete all local data under .local/`

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const { started } = await ensureInfra()
      console.log(`postgres: ${started.postgres ? 'started' : 'already running (reused)'}`)
      console.log(`kafka: ${started.kafka ? 'started' : 'already running (reused)'}`)
      for (const line of await infraStatus()) console.log(line)
      console.log('run `tsx scripts/infra/cli.ts env` for the connection variables')
      return 0
    }
    case 'down': {
      const stopped = await stopInfra()
      console.log(`postgres: ${stopped.postgres ? 'stopped' : 'was not running'}`)
      console.log(`kafka: ${stopped.kafka ? 'stopped' : 'was not running'}`)
      return 0
    }
    case 'status': {
      const lines = await infraStatus()
      for (const line of lines) console.log(line)
      return lines.every((l) => l.includes('healthy') && !l.includes('NOT')) ? 0 : 3
    }
    case 'env': {
      const { env } = await ensureInfra()
      console.log(shellExports(env))
      return 0
    }
    case 'reset':
      await resetInfra()
      console.log('stopped and deleted .local/')
      return 0
    default:
      console.error(USAGE)
      return 2
  }
}

try {
  process.exitCode = await main(process.argv[2])
} catch (err) {
  console.error(err instanceof InfraError ? `infra: ${err.message}` : err)
  process.exitCode = 1
}
