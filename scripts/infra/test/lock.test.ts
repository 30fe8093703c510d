/**
 * The infra lock under contention from real processes: of many that race for one lock file, exactly one
 * holds it at a time, nobody takes a live lock for a crashed one, and a lock left by a dead process is
 * broken.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { withLock } from '../lock.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-lock-'))
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
const lockModule = path.join(import.meta.dirname, '..', 'lock.ts')

/** A child process that takes the lock, appends "in"/"out" around a short critical section, and exits. */
function contender(lock: string, journal: string): Promise<number | null> {
  const script = `
    import fs from 'node:fs'
    const { withLock } = await import(${JSON.stringify(lockModule)})
    await withLock(${JSON.stringify(lock)}, 60_000, async () => {
      fs.appendFileSync(${JSON.stringify(journal)}, 'in\\n')
      await new Promise((r) => setTimeout(r, 20))
      fs.appendFileSync(${JSON.stringify(journal)}, 'out\\n')
    })`
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] })
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}

t.test('eight processes racing for one lock hold it one at a time', async (t) => {
  const lock = path.join(dir, 'race.lock')
  const journal = path.join(dir, 'race.journal')
  const codes = await Promise.all(Array.from({ length: 8 }, () => contender(lock, journal)))
  t.same(codes, Array(8).fill(0), 'every contender got the lock in the end')
  const lines = fs.readFileSync(journal, 'utf8').trim().split('\n')
  t.equal(lines.length, 16)
  t.same(
    lines,
    Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'in' : 'out')),
    'never two inside at once',
  )
  t.notOk(fs.existsSync(lock), 'released')
  t.same(
    fs.readdirSync(dir).filter((f) => f.startsWith('race.lock')),
    [],
    'no private or stale files left',
  )
})

t.test('a lock whose holder died is broken; a live holder is waited for, then reported', async (t) => {
  const lock = path.join(dir, 'stale.lock')
  fs.writeFileSync(lock, '2147483646\n') // no such process
  t.equal(await withLock(lock, 1_000, async () => fs.readFileSync(lock, 'utf8').trim()), String(process.pid), 'taken over from the dead pid')

  fs.writeFileSync(lock, `${process.ppid}\n`) // alive: the process that started this test
  await t.rejects(
    withLock(lock, 600, async () => 'never'),
    { message: new RegExp(`another infra command \\(pid ${process.ppid}\\) holds`) },
  )
  t.equal(fs.readFileSync(lock, 'utf8').trim(), String(process.ppid), "a live holder's lock is left alone")
  fs.rmSync(lock)
})
