// User templates: learned from one corrected message, applied to later messages from the same sender.
//
// A template is the message with its field values replaced by `{field}` placeholders, lower-cased, digits
// masked to '9' and whitespace collapsed. Matching walks the literal pieces with indexOf over the equally
// masked message - no RegExp is ever built from a template, so a hostile template cannot backtrack, and the
// work is bounded by (number of pieces x message length), both capped.
import { CHANNELS } from '@expenses/events/contracts'
import { findDates } from './dates.js'
import { formatAmount, NUMBER_SOURCE, parseNumber, sameAmount } from './money.js'
import { lowerSameLength, type Prepared } from './parse.js'
import type { CorrectedFields, ParseResult, TemplateField, TemplateFieldSpec, UserTemplate } from './types.js'

const MAX_PATTERN_LENGTH = 4000
const MAX_PARTS = 41
const MAX_SLOT_LENGTH = 80
/** Templates examined per message - a user with thousands of templates still gets bounded work. */
const MAX_TEMPLATES_TRIED = 64

const SLOT_FIELDS: ReadonlySet<string> = new Set(['amount', 'merchant', 'accountLast4', 'balance', 'occurredAt', 'reference'])
const CONSTANT_FIELDS: ReadonlySet<string> = new Set(['type', 'currency', 'channel'])
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS)

type Part = { lit: string } | { slot: TemplateField }

/** Same-length masking used for both templates and messages: lower case, digits -> '9', newlines -> ' '. */
export function maskForTemplate(flat: string): string {
  return lowerSameLength(flat).replace(/\d/g, '9')
}

function flatten(text: string): string {
  return text.replace(/\n/g, ' ')
}

// Parsed patterns, keyed by the pattern string. Bounded so hostile callers cannot grow it without limit.
const parsedCache = new Map<string, Part[] | null>()

export function parsePattern(pattern: unknown): Part[] | null {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) return null
  const cached = parsedCache.get(pattern)
  if (cached !== undefined) return cached
  const parts: Part[] = []
  let lit = ''
  let ok = true
  for (let i = 0; i < pattern.length && ok; i++) {
    const ch = pattern[i]
    if (ch === '{' && pattern[i + 1] === '{') {
      lit += '{'
      i++
      continue
    }
    if (ch === '}' && pattern[i + 1] === '}') {
      lit += '}'
      i++
      continue
    }
    if (ch === '}') {
      ok = false
      break
    }
    if (ch === '{') {
      const close = pattern.indexOf('}', i)
      const name = close > i ? pattern.slice(i + 1, close) : ''
      if (!SLOT_FIELDS.has(name)) {
        ok = false
        break
      }
      // Two slots with nothing between them cannot be told apart.
      if (lit.length === 0 && parts.length > 0) {
        ok = false
        break
      }
      if (lit.length > 0) parts.push({ lit })
      lit = ''
      parts.push({ slot: name as TemplateField })
      i = close
      continue
    }
    lit += ch
  }
  if (lit.length > 0) parts.push({ lit })
  const result = ok && parts.length <= MAX_PARTS && parts.some((p) => 'slot' in p) ? parts : null
  if (parsedCache.size > 1000) parsedCache.clear()
  parsedCache.set(pattern, result)
  return result
}

function serialise(parts: readonly Part[]): string {
  return parts.map((p) => ('slot' in p ? `{${p.slot}}` : p.lit.replace(/\{/g, '{{').replace(/\}/g, '}}'))).join('')
}

function validFields(fields: unknown): fields is Partial<Record<TemplateField, TemplateFieldSpec>> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return false
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) return false
    const spec = v as Record<string, unknown>
    if ('value' in spec) {
      if (!CONSTANT_FIELDS.has(k) || typeof spec.value !== 'string' || spec.value.length > 16) return false
      if (k === 'type' && spec.value !== 'debit' && spec.value !== 'credit') return false
      if (k === 'channel' && !CHANNEL_SET.has(spec.value)) return false
      if (k === 'currency' && !/^[A-Z]{3}$/.test(spec.value)) return false
    } else if (!SLOT_FIELDS.has(k) || spec.slot !== true) return false
  }
  return true
}

/** Slot text -> field value, or undefined when the text cannot be that field (the template then fails). */
function readSlot(field: TemplateField, raw: string, currency: string | null, p: Prepared, order: 'DMY' | 'MDY'): string | undefined {
  const s = raw.trim()
  if (s.length === 0 || s.length > MAX_SLOT_LENGTH) return undefined
  switch (field) {
    case 'amount':
    case 'balance': {
      const v = parseNumber(s, currency)
      return v === null ? undefined : formatAmount(v, currency)
    }
    case 'accountLast4':
      return /^\d{2,8}$/.test(s) ? s : undefined
    case 'reference':
      return /^[A-Za-z0-9][A-Za-z0-9/-]{1,39}$/.test(s) ? s : undefined
    case 'occurredAt': {
      const d = findDates(s, { order, receivedAt: p.receivedAt })[0]
      return d && d.start === 0 && d.end >= s.length - 1 ? d.iso : undefined
    }
    case 'merchant':
      return /\p{L}|\d/u.test(s) ? s.replace(/[\s.,;:]+$/, '') : undefined
    default:
      return undefined
  }
}

export interface TemplateMatch {
  template: UserTemplate
  fields: Partial<Pick<ParseResult, TemplateField>>
}

function matchOne(t: UserTemplate, p: Prepared, flat: string, masked: string, order: 'DMY' | 'MDY'): TemplateMatch | null {
  const parts = parsePattern(t.pattern)
  if (parts === null || !validFields(t.fields)) return null
  const currencySpec = t.fields.currency
  const currency = currencySpec && 'value' in currencySpec ? currencySpec.value : null
  const values: Partial<Record<TemplateField, string>> = {}
  let pos = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    if (part === undefined) return null
    if ('lit' in part) {
      if (i === 0) {
        if (!masked.startsWith(part.lit)) return null
        pos = part.lit.length
      } else if (masked.slice(pos, pos + part.lit.length) !== part.lit) return null
      else pos += part.lit.length
      continue
    }
    const next = parts[i + 1]
    let end: number
    if (next === undefined) {
      // Trailing slot: up to the end of the message (bounded).
      end = Math.min(flat.length, pos + MAX_SLOT_LENGTH)
    } else if ('lit' in next) {
      end = masked.indexOf(next.lit, pos + 1)
      if (end < 0 || end - pos > MAX_SLOT_LENGTH) return null
    } else return null
    const value = readSlot(part.slot, flat.slice(pos, end), currency, p, order)
    if (value === undefined) return null
    values[part.slot] = value
    pos = end
  }
  const fields: Partial<Pick<ParseResult, TemplateField>> = {}
  for (const [k, spec] of Object.entries(t.fields) as Array<[TemplateField, TemplateFieldSpec]>) {
    const v = 'value' in spec ? spec.value : values[k]
    if (v !== undefined) (fields as Record<string, string>)[k] = v
  }
  return { template: t, fields }
}

/** The first of the user's templates for this sender that matches the message, if any. */
export function matchTemplates(templates: readonly UserTemplate[] | undefined, p: Prepared, order: 'DMY' | 'MDY'): TemplateMatch | null {
  if (!Array.isArray(templates) || templates.length === 0 || p.text.length === 0) return null
  const flat = flatten(p.text)
  const masked = maskForTemplate(flat)
  let tried = 0
  for (const t of templates) {
    if (typeof t !== 'object' || t === null) continue
    const sender = typeof t.sender === 'string' ? t.sender : t.sender === null ? null : undefined
    if (sender === undefined || sender !== p.sender) continue
    if (++tried > MAX_TEMPLATES_TRIED) break
    try {
      const m = matchOne(t, p, flat, masked, order)
      if (m) return m
    } catch {
      // A malformed template must never break parsing; it simply does not match.
    }
  }
  return null
}

// ---- learning ----

interface Span {
  field: TemplateField
  start: number
  end: number
}

function findNumberSpan(flat: string, wanted: string, currency: string | null, taken: readonly Span[]): { start: number; end: number } | null {
  const re = new RegExp(`(?<!\\d)(?<!\\d[.,])${NUMBER_SOURCE}`, 'g')
  for (const m of flat.matchAll(re)) {
    const start = m.index ?? 0
    const end = start + m[0].length
    if (taken.some((s) => start < s.end && end > s.start)) continue
    const v = parseNumber(m[0], currency)
    if (v !== null && sameAmount(v, wanted)) return { start, end }
  }
  return null
}

function findTextSpan(flat: string, value: string, taken: readonly Span[], digitsOnly = false): { start: number; end: number } | null {
  const hay = lowerSameLength(flat)
  const needle = lowerSameLength(value.trim())
  if (needle.length === 0) return null
  let from = 0
  for (let guard = 0; guard < 50; guard++) {
    const i = hay.indexOf(needle, from)
    if (i < 0) return null
    const end = i + needle.length
    const boundaryOk = !digitsOnly || (!/\d/.test(flat[i - 1] ?? '') && !/\d/.test(flat[end] ?? ''))
    if (boundaryOk && !taken.some((s) => i < s.end && end > s.start)) return { start: i, end }
    from = i + 1
  }
  return null
}

function hash(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/**
 * Builds a template from a message and the field values the user confirmed/corrected (merged by the caller
 * with what the parser read). Returns null when the message cannot anchor a template - no amount found in
 * the text, or the result would not reproduce the corrected values.
 */
export function buildTemplate(p: Prepared, values: Partial<Pick<ParseResult, TemplateField>>, order: 'DMY' | 'MDY'): UserTemplate | null {
  if (p.text.length === 0 || !values.amount) return null
  const flat = flatten(p.text)
  const currency = values.currency ?? null
  const spans: Span[] = []
  const amountSpan = findNumberSpan(flat, values.amount, currency, spans)
  if (!amountSpan) return null
  spans.push({ field: 'amount', ...amountSpan })
  if (values.balance) {
    const s = findNumberSpan(flat, values.balance, currency, spans)
    if (s) spans.push({ field: 'balance', ...s })
  }
  if (values.occurredAt) {
    for (const o of [order, order === 'DMY' ? 'MDY' : 'DMY'] as const) {
      const d = findDates(flat, { order: o, receivedAt: p.receivedAt }).find(
        (x) => x.iso === values.occurredAt && !spans.some((s) => x.start < s.end && x.end > s.start),
      )
      if (d) {
        spans.push({ field: 'occurredAt', start: d.start, end: d.end })
        break
      }
    }
  }
  if (values.reference) {
    const s = findTextSpan(flat, values.reference, spans)
    if (s) spans.push({ field: 'reference', ...s })
  }
  if (values.accountLast4) {
    const s = findTextSpan(flat, values.accountLast4, spans, true)
    if (s) spans.push({ field: 'accountLast4', ...s })
  }
  if (values.merchant) {
    const s = findTextSpan(flat, values.merchant, spans)
    if (s) spans.push({ field: 'merchant', ...s })
  }
  spans.sort((a, b) => a.start - b.start)
  const masked = maskForTemplate(flat)
  const parts: Part[] = []
  let pos = 0
  for (const s of spans) {
    // Adjacent slots are ambiguous; keep the earlier one (the parser fills the other generically).
    if (s.start === pos && parts.length > 0 && 'slot' in (parts[parts.length - 1] as Part)) continue
    if (s.start > pos) parts.push({ lit: masked.slice(pos, s.start) })
    parts.push({ slot: s.field })
    pos = s.end
  }
  if (pos < masked.length) parts.push({ lit: masked.slice(pos) })
  const pattern = serialise(parts)
  if (pattern.length > MAX_PATTERN_LENGTH) return null

  const fields: Partial<Record<TemplateField, TemplateFieldSpec>> = {}
  for (const part of parts) if ('slot' in part) fields[part.slot] = { slot: true }
  if (values.type) fields.type = { value: values.type }
  if (values.currency && /^[A-Z]{3}$/.test(values.currency)) fields.currency = { value: values.currency }
  if (values.channel) fields.channel = { value: values.channel }

  const template: UserTemplate = { id: `tpl_${hash(`${p.sender ?? ''}\u0000${pattern}`)}`, sender: p.sender, pattern, fields }
  // The template must at least reproduce the message it was learned from.
  const check = matchOne(template, p, flat, masked, order)
  if (!check || check.fields.amount !== formatAmount(parseNumber(values.amount, currency) ?? values.amount, currency)) return null
  return template
}

export function correctedValues(base: ParseResult, corrected: CorrectedFields): Partial<Pick<ParseResult, TemplateField>> {
  const keys: TemplateField[] = ['type', 'amount', 'currency', 'merchant', 'accountLast4', 'balance', 'occurredAt', 'channel', 'reference']
  const out: Record<string, string> = {}
  for (const k of keys) {
    const c = (corrected as Record<string, unknown>)[k]
    const v = c !== undefined ? c : base[k]
    if (typeof v === 'string' && v.length > 0 && v.length <= 200) out[k] = v
  }
  return out as Partial<Pick<ParseResult, TemplateField>>
}
