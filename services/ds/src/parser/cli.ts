// parse-messages: JSON Lines in (stdin: {"id", "text", "sender"?, "receivedAt"?}), JSON Lines out (stdout:
// {"id", "result": {...fields}} or {"id", "error"}), one output line per input line, in order. Only the
// CLI does I/O; the parser itself stays pure.
import { createInterface } from 'node:readline'
import { handleLine } from './jsonl.js'

async function main(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of rl) {
    let out: string | null
    try {
      out = handleLine(line)
    } catch (err) {
      out = JSON.stringify({ id: null, error: err instanceof Error ? err.message : 'unexpected error' })
    }
    if (out !== null && !process.stdout.write(`${out}\n`)) {
      await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`parse-messages: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})
