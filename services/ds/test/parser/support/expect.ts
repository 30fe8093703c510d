import type { Test } from 'tap'
import { parseMessage, type ParseResult } from '../../../src/parser/index.js'

export interface Case {
  text: string
  sender?: string | null
  receivedAt?: string
  expect: Partial<ParseResult>
}

/** Parses each case and checks only the fields the case names (plus isTransaction). */
export function checkCases(t: Test, cases: readonly Case[]): void {
  for (const c of cases) {
    const r = parseMessage({ text: c.text, sender: c.sender ?? null, receivedAt: c.receivedAt ?? '2024-03-13T09:00:00Z' })
    const got = Object.fromEntries(Object.keys(c.expect).map((k) => [k, r[k as keyof ParseResult]]))
    t.same(got, c.expect, c.text.slice(0, 70).replace(/\n/g, ' | '))
  }
}
