import { Writable } from 'node:stream'
import { buildApp, createLogger, type AppOptions, type PlatformApp } from '../src/index.js'

/** A pino destination that keeps every line, so tests can assert on what was logged. */
export function captureLogs() {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    },
  })
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

/** buildApp exactly as production calls it, with logs captured instead of printed. */
export async function buildTestApp(options: Partial<AppOptions> = {}): Promise<{ app: PlatformApp; logs: ReturnType<typeof captureLogs> }> {
  const logs = captureLogs()
  const service = options.service ?? 'test-service'
  const app = await buildApp({
    service,
    logger: createLogger({ service, level: 'debug', destination: logs.stream }),
    ...options,
  })
  return { app, logs }
}
