/**
 * Formats the JSON log lines of the services for a terminal: `HH:MM:SS LEVEL service message {extras}`,
 * coloured. When the output is not a terminal the JSON lines pass through unchanged (they already name
 * their service), so log shippers get them as they are.
 */
const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
}
const RESET = '\x1b[0m'
const DIM = '\x1b[2m'
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'v'])

export function formatLogLine(source: string, line: string, pretty: boolean): string {
  if (!pretty) return line.startsWith('{') ? line : JSON.stringify({ service: source, msg: line })
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return `${DIM}${source.padEnd(16)}${RESET} ${line}`
  }
  const [level, colour] = LEVELS[Number(entry.level)] ?? ['INFO ', '']
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : ''
  const service = String(entry.service ?? source).padEnd(16)
  const extras: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(entry)) if (!OMIT.has(k)) extras[k] = v
  const tail = Object.keys(extras).length ? ` ${DIM}${JSON.stringify(extras)}${RESET}` : ''
  return `${DIM}${time}${RESET} ${colour}${level}${RESET} ${service} ${String(entry.msg ?? '')}${tail}`
}
