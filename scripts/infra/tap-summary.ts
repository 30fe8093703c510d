/**
 * Reads tap's closing summary comment, `# { total: 12, pass: 10, fail: 1, todo: 1 }`, which the
 * `tap` reporter prints after the last test file. Counts are test points (assertions).
 */
export interface TapSummary {
  readonly total: number
  readonly pass: number
  readonly fail: number
  readonly todo: number
  readonly skip: number
}

const SUMMARY = /^#\s*\{\s*total:\s*\d+[^}]*\}\s*$/

/** The last summary line in `output`, or undefined if there is none. */
export function parseTapSummary(output: string): TapSummary | undefined {
  const line = output
    .split(/\r?\n/)
    .reverse()
    .find((l) => SUMMARY.test(l.trimEnd()))
  if (line === undefined) return undefined
  const count = (key: string): number => Number(new RegExp(`\\b${key}:\\s*(\\d+)`).exec(line)?.[1] ?? 0)
  return { total: count('total'), pass: count('pass'), fail: count('fail'), todo: count('todo'), skip: count('skip') }
}

export function summaryLine(summary: Pick<TapSummary, 'pass' | 'fail'>): string {
  return `${summary.pass} passed, ${summary.fail} failed`
}
