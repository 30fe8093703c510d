import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import readline from 'node:readline'
import { formatLogLine } from './log-lines.js'
import { gatewayProcess, serviceProcesses, upstreamEnvVar } from './services.js'

const repoRoot = path.resolve(import.meta.dirname, '../..')

export interface SystemOptions {
  /** Infra connection variables (*_DATABASE_URL, KAFKA_BROKERS). */
  infraEnv: Record<string, string>
  /** Port for the gateway (default 8080) and per-service ports (default from api/routes.yaml). */
  gatewayPort?: number
  /** The built web app for the gateway to serve at / (see web-app.ts); none when unset. */
  webRoot?: string
  ports?: Partial<Record<string, number>>
  /** Instances per service, for load balancing behind the gateway (default 1; extra ones get port + 100 * i). */
  instances?: Partial<Record<string, number>>
  /** Extra environment for every process (e.g. LOG_LEVEL) and per service. */
  env?: Record<string, string>
  serviceEnv?: Partial<Record<string, Record<string, string>>>
  /** Where log lines go (default stdout), and whether to pretty-print them. */
  log?: (line: string) => void
  pretty?: boolean
  readyTimeoutMs?: number
}

export interface RunningSystem {
  gatewayUrl: string
  serviceUrls: Record<string, string[]>
  processes: { name: string; child: ChildProcess; port: number }[]
  /** Kills one instance (for fault tests): SIGKILL, no graceful shutdown. */
  kill(name: string, index?: number): Promise<void>
  /** Starts a killed instance again and waits until it is ready. */
  restart(name: string, index?: number): Promise<void>
  /** Graceful stop of everything (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>
}

export class LauncherError extends Error {}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function waitReady(url: string, child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new LauncherError(`${name} exited (code ${child.exitCode ?? child.signalCode}) before it was ready; see its log lines above`)
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return
      last = `${res.status} ${await res.text()}`
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new LauncherError(`${name} was not ready within ${timeoutMs / 1000} s (last /readyz: ${last})`)
}

function tsEntry(dir: string, file: string): string[] {
  // Run from TypeScript sources: no build step in the local loop.
  return ['--conditions=@expenses/source', '--import', 'tsx', path.join(repoRoot, 'services', dir, 'src', file)]
}

function pipeLogs(child: ChildProcess, name: string, options: SystemOptions): void {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`))
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue
    readline.createInterface({ input: stream }).on('line', (line) => log(formatLogLine(name, line, options.pretty ?? false)))
  }
}

async function runToCompletion(args: string[], env: NodeJS.ProcessEnv, name: string, options: SystemOptions): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  pipeLogs(child, name, options)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new LauncherError(`${name} failed (exit code ${code}); see the lines above`)
}

/**
 * Starts the whole system on this machine: migrations (one at a time per service, like the cluster's
 * migration Job), then every service and the gateway as child processes, and waits until each answers
 * /readyz. Ports are checked first so a busy port gives one clear line instead of a crash loop.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const timeout = options.readyTimeoutMs ?? 120_000
  const gatewayPort = options.gatewayPort ?? gatewayProcess.port
  const plan = serviceProcesses.flatMap((svc) =>
    Array.from({ length: options.instances?.[svc.name] ?? 1 }, (_, i) => ({ svc, index: i, port: (options.ports?.[svc.name] ?? svc.port) + 100 * i })),
  )
  for (const port of [...plan.map((p) => p.port), gatewayPort]) {
    if (!(await portFree(port))) {
      const owner = plan.find((p) => p.port === port)?.svc.name ?? 'the gateway'
      throw new LauncherError(`port ${port} (for ${owner}) is already in use: stop what is using it, or choose other ports (GATEWAY_PORT, <SERVICE>_PORT)`)
    }
  }

  const base: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.infraEnv,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...options.env,
  }
  const authUrl = `http://127.0.0.1:${plan.find((p) => p.svc.name === 'auth-service')!.port}`
  base.AUTH_JWKS_URL = `${authUrl}/auth/v1/jwks`

  for (const svc of serviceProcesses) {
    if (!svc.migrates || !svc.databaseEnv) continue
    const databaseUrl = options.infraEnv[svc.databaseEnv]
    if (!databaseUrl) throw new LauncherError(`${svc.databaseEnv} is not set: the infrastructure did not provide ${svc.name}'s database`)
    await runToCompletion(tsEntry(svc.dir, 'migrate.ts'), { ...base, DATABASE_URL: databaseUrl }, `${svc.name}-migrate`, options)
  }

  const processes: RunningSystem['processes'] = []
  const specs = new Map<string, { args: string[]; env: NodeJS.ProcessEnv; port: number }>()
  const launch = (key: string, name: string) => {
    const spec = specs.get(key)!
    const child = spawn(process.execPath, spec.args, { cwd: repoRoot, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] })
    pipeLogs(child, name, options)
    const entry = { name: key, child, port: spec.port }
    const at = processes.findIndex((p) => p.name === key)
    if (at >= 0) processes[at] = entry
    else processes.push(entry)
    return entry
  }

  const serviceUrls: Record<string, string[]> = {}
  for (const { svc, index, port } of plan) {
    const key = `${svc.name}#${index}`
    const env: NodeJS.ProcessEnv = { ...base, ...options.serviceEnv?.[svc.name], PORT: String(port) }
    if (svc.databaseEnv) env.DATABASE_URL = options.infraEnv[svc.databaseEnv]
    specs.set(key, { args: tsEntry(svc.dir, 'main.ts'), env, port })
    launch(key, svc.name)
    ;(serviceUrls[svc.name] ??= []).push(`http://127.0.0.1:${port}`)
  }
  const gatewayEnv: NodeJS.ProcessEnv = { ...base, ...options.serviceEnv?.gateway, PORT: String(gatewayPort) }
  for (const [service, urls] of Object.entries(serviceUrls)) gatewayEnv[upstreamEnvVar(service)] = urls.join(',')
  if (options.webRoot) gatewayEnv.WEB_ROOT = options.webRoot
  specs.set('gateway#0', { args: tsEntry('gateway', 'main.ts'), env: gatewayEnv, port: gatewayPort })
  launch('gateway#0', 'gateway')

  const stop = async () => {
    await Promise.all(
      processes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
      }),
    )
  }

  try {
    await Promise.all(processes.map((p) => waitReady(`http://127.0.0.1:${p.port}`, p.child, p.name.replace(/#\d+$/, ''), timeout)))
  } catch (error) {
    await stop()
    throw error
  }

  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    serviceUrls,
    processes,
    stop,
    async kill(name, index = 0) {
      const entry = processes.find((p) => p.name === `${name}#${index}`)
      if (!entry) throw new LauncherError(`no process ${name}#${index}`)
      const exited = new Promise((resolve) => entry.child.once('exit', resolve))
      entry.child.kill('SIGKILL')
      await exited
    },
    async restart(name, index = 0) {
      const entry = launch(`${name}#${index}`, name)
      await waitReady(`http://127.0.0.1:${entry.port}`, entry.child, name, timeout)
    },
  }
}
