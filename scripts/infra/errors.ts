/**
 * An error whose message is one line a developer can act on. The CLI and the test runner print
 * only the message (no stack) for these; anything else is a bug and is printed in full.
 */
export class InfraError extends Error {
  override readonly name = 'InfraError'
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) keeps the useful part inside.
    const code = (err as NodeJS.ErrnoException).code
    if (err.message === '' && err instanceof AggregateError && err.errors.length > 0) {
      return errorMessage(err.errors[0])
    }
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}
