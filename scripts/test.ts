/**
 * `npm test`: generate -> type-check -> lint -> local infrastructure -> tap.
 *
 * Extra arguments go to tap (`npm test -- services/auth/test/foo.test.ts`). Without file arguments,
 * fault tests (`*.fault.test.ts`, which stop and restart the shared servers) run after all other
 * tests, one file at a time, and then the cluster tests (`*.cluster.test.ts`): `cluster.sh up --no-install`
 * starts a real single-node Kubernetes, the files run one at a time, and the cluster is stopped again
 * unless CLUSTER_KEEP=1 (TEST_SKIP_CLUSTER=1 skips them, and they count as failed). The last line printed is
 * always `N passed, N failed` (tap's test points). The exit code is tap's, or 1 if an earlier phase
 * failed. Phases can be skipped with TEST_SKIP_GENERATE, TEST_SKIP_TYPECHECK, TEST_SKIP_LINT=1 and
 * TEST_SKIP_INFRA=1 (then the connection variables must already be set). Servers this run started
 * are stopped at the end unless INFRA_KEEP=1; servers that were already running are left alone.
 */
import { ensureSourceConditions } from './infra/source-conditions.js'

await ensureSourceConditions()

const { spawn } = await import('node:child_process')
const fs = await import('node:fs')
const path = await import('node:path')
const { repoRoot } = await import('./infra/config.js')
const { parseTapSummary, summaryLine } = await import('./infra/tap-summary.js')
type TapSummary = import('./infra/tap-summary.js').TapSummary
const { InfraError, ensureInfra, stopInfra } = await import('./infra/index.js')

const bin = (name: string): string => path.join(repoRoot, 'node_modules', '.bin', name)
const flag = (name: string): boolean => ['1', 'true', 'yes'].includes((process.env[name] ?? '').toLowerCase())

let interrupted = false
// Children get Ctrl-C themselves (same process group); we stay alive to stop what we started.
process.on('SIGINT', () => (interrupted = true))
process.on('SIGTERM', () => (interrupted = true))

/** Runs a command; stdout is passed through and, if `capture` is given, also handed to it. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, capture?: (chunk: string) => void, quiet = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      if (!quiet) process.stdout.write(chunk)
      capture?.(chunk)
    })
    child.on('error', (err) => {
      console.error(`test: cannot run ${command}: ${err.message}`)
      resolve(127)
    })
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 130)))
  })
}

/** Whether tap's generated test class was built with the plugins tap is configured to use. */
async function tapBuildIsCurrent(): Promise<boolean> {
  let configured = ''
  if ((await run(bin('tap'), ['plugin', 'list'], process.env, (chunk) => (configured += chunk), true)) !== 0) return false
  let built: string
  try {
    built = fs.readFileSync(path.join(repoRoot, 'node_modules/@tapjs/test/test-built/dist/esm/index.js'), 'utf8')
  } catch {
    return false
  }
  const signature = /export const signature = `([^`]*)`/.exec(built)?.[1]
  const normalise = (list: string): string =>
    list
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort()
      .join('\n')
  return signature !== undefined && normalise(signature) === normalise(configured)
}

const FAULT_TEST = /\.fault\.test\.[cm]?[jt]s$/
/** Tests on the real single-node Kubernetes (scripts/cluster/cluster.sh): the last phase, one file at a time. */
const CLUSTER_TEST = /\.cluster\.test\.[cm]?[jt]s$/
const LONG_TEST = /^test\/images\//

interface TapRun {
  readonly code: number
  readonly summary: TapSummary | undefined
}

/** One tap run; the summary comes from the TAP reporter's closing line. */
async function runTap(args: readonly string[], env: NodeJS.ProcessEnv): Promise<TapRun> {
  const ownReporter = args.some((a) => a.startsWith('-R') || a.startsWith('--reporter'))
  let output = ''
  const code = await run(bin('tap'), ownReporter ? args : ['--reporter=tap', ...args], env, (chunk) => (output += chunk))
  let summary = parseTapSummary(output)
  if (summary === undefined) {
    // A custom reporter prints no such line: replay the saved results through the TAP reporter.
    let replay = ''
    await run(bin('tap'), ['replay', '--reporter=tap'], env, (chunk) => (replay += chunk), true)
    summary = parseTapSummary(replay)
  }
  return { code, summary }
}

/**
 * Starts the local cluster (its binaries and images are built on first use), runs the cluster tests one
 * file at a time (each installs the chart itself), and stops the cluster again unless CLUSTER_KEEP=1.
 * A cluster that does not come up counts as one failure, with the cluster script's own one-line reason.
 */
async function clusterPhase(files: string[], extra: string[], env: NodeJS.ProcessEnv): Promise<TapRun[]> {
  if (flag('TEST_SKIP_CLUSTER')) {
    console.log(`\n==> cluster tests: skipped (TEST_SKIP_CLUSTER), ${files.length} file(s) not run`)
    return [{ code: 1, summary: { total: files.length, pass: 0, fail: files.length, todo: 0, skip: 0 } }]
  }
  const script = path.join(repoRoot, 'scripts/cluster/cluster.sh')
  phase('cluster (npm run cluster:up --no-install: a real single-node Kubernetes, images imported)')
  const up = await run('bash', [script, 'up', '--no-install'], env)
  const runs: TapRun[] = []
  if (up !== 0) {
    console.error('cluster: did not come up (see the line above); the cluster tests count as failed')
    runs.push({ code: 1, summary: { total: files.length, pass: 0, fail: files.length, todo: 0, skip: 0 } })
  } else if (!interrupted) {
    phase('cluster tests (tap, one file at a time)')
    runs.push(await runTap([...extra, '--jobs=1', ...files], env))
  }
  if (!flag('CLUSTER_KEEP')) {
    phase('stopping the cluster (CLUSTER_KEEP=1 keeps it)')
    await run('bash', [script, 'down'], env)
  }
  return runs
}

// Every phase's duration, printed at the end: CI budgets (90 minutes) are planned from these figures.
const phaseTimings: Array<{ name: string; startedAt: number }> = []
function phase(name: string): void {
  phaseTimings.push({ name, startedAt: performance.now() })
  console.log(`\n==> ${name}`)
}

function printPhaseTimings(): void {
  if (phaseTimings.length === 0) return
  const end = performance.now()
  console.log('\n==> phase timings')
  phaseTimings.forEach(({ name, startedAt }, i) => {
    const seconds = ((phaseTimings[i + 1]?.startedAt ?? end) - startedAt) / 1000
    console.log(`${seconds.toFixed(0).padStart(6)} s  ${name}`)
  })
}

async function main(): Promise<{ code: number; line: string }> {
  const failedPhases: string[] = []
  const steps: Array<[string, string, string, string[]]> = [
    ['generate', 'TEST_SKIP_GENERATE', 'npm', ['run', 'generate', '--workspaces', '--if-present']],
    ['typecheck', 'TEST_SKIP_TYPECHECK', bin('tsc'), ['-p', 'tsconfig.check.json']],
    ['lint', 'TEST_SKIP_LINT', bin('eslint'), ['.']],
    ['formatting', 'TEST_SKIP_LINT', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
    ['unused dependencies', 'TEST_SKIP_LINT', bin('tsx'), ['scripts/lint/unused-dependencies.ts']],
  ]
  for (const [name, skip, command, args] of steps) {
    if (flag(skip)) {
      console.log(`\n==> ${name}: skipped (${skip})`)
      continue
    }
    phase(name)
    // Later phases still run: one `npm test` should show every problem, not just the first.
    if ((await run(command, args, process.env)) !== 0) failedPhases.push(name)
    if (interrupted) return { code: 130, line: summaryLine({ pass: 0, fail: 0 }) }
  }

  let infraEnv: Record<string, string> = {}
  let started = { postgres: false, kafka: false }
  if (flag('TEST_SKIP_INFRA')) {
    console.log('\n==> infrastructure: skipped (TEST_SKIP_INFRA), using the environment as it is')
  } else {
    phase('infrastructure (Postgres + Kafka)')
    try {
      const infra = await ensureInfra()
      infraEnv = infra.env
      started = infra.started
      console.log(`postgres ${started.postgres ? 'started' : 'reused'}, kafka ${started.kafka ? 'started' : 'reused'}`)
    } catch (err) {
      console.error(err instanceof InfraError ? `infra: ${err.message}` : err)
      return { code: 1, line: summaryLine({ pass: 0, fail: 0 }) }
    }
  }

  if (!(await tapBuildIsCurrent())) {
    // tap rebuilds itself when its configured plugins changed (e.g. after `npm ci`), but only
    // after that first run has already started every test file with the old plugins, failing them.
    phase('tap build (its plugin set changed)')
    if ((await run(bin('tap'), ['build'], process.env)) !== 0) failedPhases.push('tap build')
  }

  const tapEnv = { ...process.env, ...infraEnv }
  const extra = process.argv.slice(2)
  const results: TapRun[] = []
  if (extra.some((a) => !a.startsWith('-'))) {
    phase('tests (tap, the files given)')
    results.push(await runTap(extra, tapEnv))
  } else {
    // Fault tests (*.fault.test.ts) stop and restart the shared servers, so they run alone, after
    // everything else has finished.
    let listed = ''
    await run(bin('tap'), ['list'], tapEnv, (chunk) => (listed += chunk), true)
    const files = listed
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    const fault = files.filter((f) => FAULT_TEST.test(f))
    const cluster = files.filter((f) => CLUSTER_TEST.test(f))
    phase(`tests (tap${fault.length + cluster.length > 0 ? `, without the ${fault.length} fault and ${cluster.length} cluster test file(s)` : ''})`)
    // tap starts files in the order given: the longest (the image builds, ~10 min) first, so it overlaps
    // the many short ones instead of running alone at the end.
    const parallel = files.filter((f) => !FAULT_TEST.test(f) && !CLUSTER_TEST.test(f)).sort((a, b) => Number(LONG_TEST.test(b)) - Number(LONG_TEST.test(a)))
    results.push(await runTap([...extra, ...parallel], tapEnv))
    if (fault.length > 0 && !interrupted) {
      phase('fault tests (tap, one file at a time)')
      results.push(await runTap([...extra, '--jobs=1', ...fault], tapEnv))
    }
    if (cluster.length > 0 && !interrupted) results.push(...(await clusterPhase(cluster, extra, tapEnv)))
  }
  const tapCode = results.find((r) => r.code !== 0)?.code ?? 0
  const summary = results.reduce((sum, r) => ({ pass: sum.pass + (r.summary?.pass ?? 0), fail: sum.fail + (r.summary?.fail ?? (r.code === 0 ? 0 : 1)) }), {
    pass: 0,
    fail: 0,
  })

  if ((started.postgres || started.kafka) && !flag('INFRA_KEEP')) {
    phase('stopping the infrastructure this run started (INFRA_KEEP=1 keeps it)')
    await stopInfra()
  }
  if (failedPhases.length > 0) console.log(`\nfailed before the tests: ${failedPhases.join(', ')}`)
  const code = tapCode !== 0 ? tapCode : failedPhases.length > 0 || interrupted ? 1 : 0
  return { code, line: summaryLine(summary) }
}

const { code, line } = await main()
printPhaseTimings()
console.log(`\n${line}`)
// Explicit exit: a library exit hook must never turn this code into 0.
process.exit(code)
