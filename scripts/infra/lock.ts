/** A pid lock file so two `up`s (e.g. two terminals running `npm test`) never start two servers. */
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { InfraError } from './errors.js'
import { isAlive, readPidFile } from './process.js'

export async function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = readPidFile(file)
      if (holder === undefined || !isAlive(holder)) {
        fs.rmSync(file, { force: true }) // left behind by a crashed run
        continue
      }
      if (Date.now() >= deadline) {
        throw new InfraError(`another infra command (pid ${holder}) holds ${file}; wait for it or remove the file if that process is stuck`)
      }
      await sleep(250)
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(file, { force: true })
  }
}
