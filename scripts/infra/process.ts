/**
 * Detached background processes tracked by pid files, and the port checks around them.
 * Linux only (reads /proc), like the rest of the local infrastructure.
 */
import { spawn, type SpawnOptions } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { InfraError } from './errors.js'

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM means it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped by its parent) answers signal 0 but is gone for our purposes.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** The process's command line as one space-separated string, or undefined if it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
  } catch {
    return undefined
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/**
 * The pid recorded in `file` if that process is still running and its command line contains
 * `marker` (our data directory), so a recycled pid of an unrelated process is never trusted.
 * A stale pid file is removed.
 */
export function runningFromPidFile(file: string, marker: string): number | undefined {
  const pid = readPidFile(file)
  if (pid === undefined) return undefined
  if (isAlive(pid) && (commandLine(pid) ?? '').includes(marker)) return pid
  fs.rmSync(file, { force: true })
  return undefined
}

export interface DetachedOptions {
  readonly logFile: string
  readonly pidFile: string
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly uid?: number
  readonly gid?: number
}

/**
 * Starts a process that outlives us: own process group, stdio to an append-only log file,
 * pid written to `pidFile`. Returns the pid.
 */
export function spawnDetached(command: string, args: readonly string[], opts: DetachedOptions): number {
  const log = fs.openSync(opts.logFile, 'a')
  try {
    const spawnOpts: SpawnOptions = {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    }
    if (opts.uid !== undefined) spawnOpts.uid = opts.uid
    if (opts.gid !== undefined) spawnOpts.gid = opts.gid
    const child = spawn(command, args, spawnOpts)
    if (child.pid === undefined) throw new InfraError(`could not start ${command}; see ${opts.logFile}`)
    child.unref()
    fs.writeFileSync(opts.pidFile, `${child.pid}\n`)
    return child.pid
  } finally {
    fs.closeSync(log)
  }
}

export interface StopStep {
  readonly signal: NodeJS.Signals
  /** How long to wait for the process to exit after this signal before the next step. */
  readonly waitMs: number
}

/** Sends each signal in turn until the process is gone. Returns true if it exited. */
export async function stopProcess(pid: number, steps: readonly StopStep[]): Promise<boolean> {
  for (const step of steps) {
    if (!isAlive(pid)) return true
    try {
      process.kill(pid, step.signal)
    } catch {
      return !isAlive(pid)
    }
    const deadline = Date.now() + step.waitMs
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return true
      await sleep(100)
    }
  }
  return !isAlive(pid)
}

/**
 * Stops the process a pid file names (if it is ours and running, see runningFromPidFile) through `steps`,
 * then removes the pid file. False when nothing was running; an InfraError naming its log when it would not stop.
 */
export async function stopFromPidFile(what: { name: string; pidFile: string; marker: string; log: string }, steps: readonly StopStep[]): Promise<boolean> {
  const pid = runningFromPidFile(what.pidFile, what.marker)
  if (pid === undefined) return false
  if (!(await stopProcess(pid, steps))) throw new InfraError(`${what.name} (pid ${pid}) did not stop; see ${what.log}`)
  fs.rmSync(what.pidFile, { force: true })
  return true
}

/** Resolves true if nothing listens on 127.0.0.1:port (we could bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>()
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = fs.readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // cols[1] = local address "IP:PORT", cols[3] = state (0A = LISTEN), cols[9] = inode
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9] !== undefined) inodes.add(cols[9])
    }
  }
  return inodes
}

/** Best effort: the pid and command line of the process listening on `port`, if we can see it. */
export function portHolder(port: number): { pid: number; command: string } | undefined {
  const inodes = listeningInodes(port)
  if (inodes.size === 0) return undefined
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let fds: string[]
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      let target: string
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`)
      } catch {
        continue
      }
      const match = /^socket:\[(\d+)\]$/.exec(target)
      if (match?.[1] !== undefined && inodes.has(match[1])) {
        const pid = Number(entry)
        return { pid, command: commandLine(pid) ?? '?' }
      }
    }
  }
  return undefined
}

/**
 * Fails with one line if `port` is taken: says which port, which env var moves it, and who holds
 * it - in particular when it is our own kind of server started from another checkout.
 */
export async function assertPortFree(port: number, envVar: string, what: string): Promise<void> {
  if (await isPortFree(port)) return
  const holder = portHolder(port)
  const checkout = holder === undefined ? undefined : /(\S+)\/\.local\/(?:postgres|kafka)\//.exec(holder.command)?.[1]
  let who: string
  if (checkout !== undefined && holder !== undefined) {
    who = `by a local ${what} from another checkout (${checkout}, pid ${holder.pid}); stop it with \`npm run infra:down\` there`
  } else if (holder !== undefined) {
    who = `by pid ${holder.pid} (${holder.command.slice(0, 80)})`
  } else {
    who = 'by another process'
  }
  throw new InfraError(`port ${port} for the local ${what} is already in use ${who}, or set ${envVar} to another port`)
}

/**
 * Polls `check` until it returns true. Fails after `timeoutMs` with `timeoutMessage`, or as soon
 * as `abort` returns a message (e.g. the process we wait for has died).
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; timeoutMessage: string; abort?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  for (;;) {
    if (await check()) return
    const aborted = opts.abort?.()
    if (aborted !== undefined) throw new InfraError(aborted)
    if (Date.now() >= deadline) throw new InfraError(opts.timeoutMessage)
    await sleep(opts.intervalMs ?? 250)
  }
}
