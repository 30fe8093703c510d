/**
 * `npm start`: the whole system on this machine. Starts Postgres and Kafka unless configured (see
 * docs/local-infrastructure.md), applies migrations, starts every service and the gateway, waits until
 * all are ready, prints the gateway URL, and stops everything on Ctrl-C.
 *
 * Options (environment): GATEWAY_PORT (8080), <SERVICE>_INSTANCES (e.g. EXPENSE_SERVICE_INSTANCES=2, for
 * load balancing), LOG_LEVEL, LOG_FORMAT=json|pretty (default: pretty on a terminal), INFRA_KEEP=1.
 */
import { ensureSourceConditions } from './infra/source-conditions.js'

await ensureSourceConditions()

const { ensureInfra, stopInfra, InfraError } = await import('./infra/index.js')
const { startSystem, LauncherError } = await import('./system/launcher.js')
const { serviceProcesses } = await import('./system/services.js')
const { buildWebApp } = await import('./system/web-app.js')
const { spawnSync } = await import('node:child_process')

const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : process.stdout.isTTY === true
const envName = (service: string, suffix: string) => `${service.replace(/-/g, '_').toUpperCase()}_${suffix}`

let stopping = false
let stoppingSince = 0
let stopSystem: (() => Promise<void>) | undefined
let startedInfra = { postgres: false, kafka: false }

async function shutdown(code: number): Promise<void> {
  if (stopping) {
    // Ctrl-C reaches this process twice (from the terminal and forwarded by the source-conditions
    // wrapper); only a signal well after the first one means "stop waiting, exit now".
    if (Date.now() - stoppingSince > 2000) process.exit(code)
    return
  }
  stopping = true
  stoppingSince = Date.now()
  console.log('\nstopping services ...')
  await stopSystem?.()
  if ((startedInfra.postgres || startedInfra.kafka) && process.env.INFRA_KEEP !== '1') {
    console.log('stopping Postgres and Kafka (INFRA_KEEP=1 keeps them running) ...')
    await stopInfra()
  }
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))

try {
  console.log('==> infrastructure (Postgres + Kafka)')
  const infra = await ensureInfra()
  startedInfra = infra.started
  console.log(`postgres ${infra.started.postgres ? 'started' : 'reused'}, kafka ${infra.started.kafka ? 'started' : 'reused'}`)

  console.log('==> generating Prisma clients')
  const generate = spawnSync('npm', ['run', '--silent', 'generate'], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (generate.status !== 0) throw new LauncherError('prisma generate failed; see above')

  console.log('==> building the web app')
  const webRoot = await buildWebApp({ quiet: true }).catch((err: Error) => {
    throw new LauncherError(err.message)
  })

  console.log('==> starting services')
  const system = await startSystem({
    infraEnv: infra.env,
    gatewayPort: Number(process.env.GATEWAY_PORT ?? 8080),
    ports: Object.fromEntries(
      serviceProcesses.flatMap((s) => (process.env[envName(s.name, 'PORT')] ? [[s.name, Number(process.env[envName(s.name, 'PORT')])]] : [])),
    ),
    instances: Object.fromEntries(serviceProcesses.map((s) => [s.name, Number(process.env[envName(s.name, 'INSTANCES')] ?? 1)])),
    pretty,
    webRoot,
  })
  stopSystem = system.stop
  console.log(`\nExpenses Tracker is running. Open ${system.gatewayUrl}/ in a browser.`)
  console.log(`  Web app:   ${system.gatewayUrl}/`)
  console.log(`  API docs:  ${system.gatewayUrl}/docs   (OpenAPI: ${system.gatewayUrl}/openapi.json)`)
  console.log('  Try:       curl -s -X POST ' + system.gatewayUrl + "/auth/v1/signup -H 'content-type: application/json' -d '{...}'")
  console.log('Press Ctrl-C to stop.\n')
  // A service that dies takes the system down with a clear line, instead of leaving a half-working gateway.
  for (const p of system.processes) {
    p.child.once('exit', (code, signal) => {
      if (stopping) return
      console.error(`${p.name.replace(/#\d+$/, '')} exited unexpectedly (${code ?? signal}); stopping everything`)
      void shutdown(1)
    })
  }
} catch (err) {
  if (err instanceof InfraError || err instanceof LauncherError) console.error(`start: ${err.message}`)
  else console.error(err)
  await shutdown(1)
}
