import type { Expense } from './api/client'

const COLUMNS = ['occurredAt', 'type', 'amount', 'currency', 'merchant', 'category', 'channel', 'accountLast4', 'reference', 'note', 'source', 'id'] as const

/** RFC 4180 field quoting; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
export function csvField(value: string | null | undefined): string {
  let text = value ?? ''
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function expensesToCsv(expenses: readonly Expense[]): string {
  const lines = [COLUMNS.join(',')]
  for (const e of expenses) lines.push(COLUMNS.map((c) => csvField(e[c] as string | null)).join(','))
  return `${lines.join('\r\n')}\r\n`
}
