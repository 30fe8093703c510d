/** A pid lock file so two `up`s (e.g. two terminals running `npm test`) never start two servers. */
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { InfraError } from './errors.js'
import { isAlive, readPidFile } from './process.js'

/**
 * Creates `file` holding our pid in one step: the pid is written to a private file first and then
 * hard-linked to the lock's name, which fails if the lock exists. A lock file is therefore never seen
 * empty (an exclusive create followed by a write would be, for a moment, and another process would
 * take that for a crashed holder and delete a live lock).
 */
function tryCreate(file: string): boolean {
  const mine = `${file}.${process.pid}`
  fs.writeFileSync(mine, `${process.pid}\n`)
  try {
    fs.linkSync(mine, file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    fs.rmSync(mine, { force: true })
  }
}

/**
 * Removes a lock left by a dead process. It is renamed away first (atomic: of two processes breaking
 * the same stale lock, one wins); if what was renamed turns out to be a live holder's fresh lock, it is
 * put back.
 */
function breakStale(file: string, holder: number | undefined): void {
  const aside = `${file}.stale.${process.pid}`
  try {
    fs.renameSync(file, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const taken = readPidFile(aside)
  if (taken !== undefined && taken !== holder && isAlive(taken)) {
    try {
      fs.linkSync(aside, file)
    } catch {
      // Someone holds a newer lock already; theirs stands.
    }
  }
  fs.rmSync(aside, { force: true })
}

export async function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (!tryCreate(file)) {
    const holder = readPidFile(file)
    if (holder === undefined || !isAlive(holder)) {
      breakStale(file, holder) // left behind by a crashed run
      continue
    }
    if (Date.now() >= deadline) {
      throw new InfraError(`another infra command (pid ${holder}) holds ${file}; wait for it or remove the file if that process is stuck`)
    }
    await sleep(250)
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(file, { force: true })
  }
}
