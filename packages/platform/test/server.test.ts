import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url))

/** Starts the fixture service with tsx, as production runs the compiled equivalent with node. */
async function startService(t: Test, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@expenses/source', fixture], {
    env: { ...process.env, LOG_LEVEL: 'info', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const lines: Record<string, unknown>[] = []
  let stderr = ''
  let buffer = ''
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = []
  child.stderr.on('data', (d) => (stderr += d))
  child.stdout.on('data', (chunk) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const raw = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (!raw.trim()) continue
      const line = JSON.parse(raw) as Record<string, unknown>
      lines.push(line)
      for (const w of [...waiters]) {
        if (!w.match(line)) continue
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  const waitFor = (match: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = lines.find(match)
      if (found) return resolve(found)
      waiters.push({ match, resolve })
      child.once('exit', () => reject(new Error(`service exited before the expected log line; stderr: ${stderr}`)))
    })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const ready = await waitFor((l) => l.msg === 'test service ready')
  return { child, lines, waitFor, exited, address: ready.address as string, stderr: () => stderr }
}

t.test('SIGTERM drains in-flight requests, then runs shutdown steps in order and exits 0', async (t) => {
  const svc = await startService(t)
  const inFlight = fetch(`${svc.address}/slow?ms=2000`).then(async (r) => ({ status: r.status, body: await r.json() }))
  await svc.waitFor((l) => l.msg === 'slow request started')

  svc.child.kill('SIGTERM')
  const response = await inFlight
  t.equal(response.status, 200, 'the in-flight request completed')
  t.same(response.body, { done: true, waitedMs: 2000 })

  t.equal(await svc.exited, 0, 'exit code 0')
  const messages = svc.lines.map((l) => l.msg as string)
  const order = [
    'shutting down',
    'slow request finishing',
    'http server closed, in-flight requests drained',
    'shutdown step done: kafka consumers',
    'shutdown step done: outbox relay',
    'shutdown step done: database pool',
    'shutdown complete',
  ].map((m) => {
    const index = messages.indexOf(m)
    t.ok(index >= 0, `logged: ${m}`)
    return index
  })
  t.same(
    order,
    [...order].sort((a, b) => a - b),
    'in this order',
  )
  t.equal(svc.lines.find((l) => l.msg === 'shutting down')?.signal, 'SIGTERM')
  t.ok(svc.lines.every((l) => l.service === 'slow-service'))

  await t.rejects(fetch(`${svc.address}/healthz`), 'no longer accepting connections')
})

t.test('during the drain delay the service reports not-ready but still answers', async (t) => {
  const svc = await startService(t, { DRAIN_DELAY_MS: '2500' })
  t.equal((await fetch(`${svc.address}/readyz`)).status, 200)
  svc.child.kill('SIGINT')
  await svc.waitFor((l) => l.msg === 'shutting down')
  const ready = await fetch(`${svc.address}/readyz`)
  t.equal(ready.status, 503)
  t.equal(((await ready.json()) as { status: string }).status, 'unready')
  t.equal((await fetch(`${svc.address}/healthz`)).status, 503)
  t.equal(await svc.exited, 0)
})

t.test('a shutdown that exceeds SHUTDOWN_TIMEOUT_MS exits 1', async (t) => {
  const svc = await startService(t, { HANG_STEP: 'true', SHUTDOWN_TIMEOUT_MS: '600' })
  const started = Date.now()
  svc.child.kill('SIGTERM')
  t.equal(await svc.exited, 1)
  const elapsed = Date.now() - started
  t.ok(elapsed >= 550 && elapsed < 10000, `exited after the timeout (${elapsed} ms)`)
  const messages = svc.lines.map((l) => l.msg)
  t.ok(messages.includes('shutdown step done: kafka consumers'))
  t.notOk(messages.includes('shutdown step done: database pool'), 'the hung step blocked the rest')
  t.ok(messages.includes('shutdown timed out, exiting with code 1'))
})
