/**
 * Workspace packages resolve to their TypeScript sources only under the `@expenses/source` export
 * condition. The root npm scripts run `tsx <script>` without it, so entry points call this first:
 * it re-runs the same script once with the condition added to NODE_OPTIONS (which child processes
 * inherit too) and exits with that run's exit code. Must run before any workspace import, which is
 * why entry points import their real code dynamically afterwards.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'

const CONDITION = '--conditions=@expenses/source'

export async function ensureSourceConditions(): Promise<void> {
  const nodeOptions = process.env.NODE_OPTIONS ?? ''
  if (nodeOptions.includes(CONDITION) || process.execArgv.includes(CONDITION)) return
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${nodeOptions} ${CONDITION}`.trim() },
  })
  // The child does the work and its own cleanup; pass signals on instead of dying first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal))
  }
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (status, signal) => resolve(status ?? 128 + (signal === null ? 0 : os.constants.signals[signal])))
  })
  process.exit(code)
}
