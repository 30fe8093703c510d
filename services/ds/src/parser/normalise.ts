// Text normalisation: the only step that sees the raw input, so it also enforces the work bound.
// Everything downstream works on at most MAX_SCAN characters of clean, ASCII-digit text.

/** Real bank SMS/notifications are < 1,000 characters; anything beyond this cap is ignored. */
export const MAX_SCAN = 2000
/** Raw characters looked at before normalisation (NFKC can shrink text, e.g. ligatures, so keep slack). */
const MAX_RAW = MAX_SCAN * 2

// Code points of the digit zero of every decimal-digit block we expect in messages (Arabic-Indic,
// Extended Arabic-Indic, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
// Malayalam, Thai, Lao, Myanmar, Khmer). NFKC already folds full-width and mathematical digits.
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0e50, 0x0ed0, 0x1040, 0x17e0]

function toAsciiDigit(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0
  for (const zero of DIGIT_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return String(cp - zero)
  }
  // Digits from other scripts are dropped rather than guessed.
  return ' '
}

// Zero-width characters, bidi controls (RLM/LRM/embeddings/isolates), soft hyphen, BOM.
const INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g
// C0/C1 control characters other than \n and \t (matching them is the point here).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu
const SPACES = /[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g
// Arabic decimal/thousands separators and the various dash characters.
const PUNCT_MAP: Record<string, string> = {
  '\u066b': '.',
  '\u066c': ',',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
}
const PUNCT = /[\u066b\u066c\u2010-\u2014\u2212]/g

// Text that NFKC, digit folding, invisible-mark stripping and punctuation mapping cannot change, so the
// common case skips those passes: printable ASCII plus \n and \t, Latin-1 letters, currency signs other
// than ₨ (which NFKC turns into "Rs"), the bullet, and the basic Arabic letters (not Arabic-Indic digits or
// presentation forms, which do change).
const NFKC_STABLE = /^[\x20-\x7e\n\t\u00a3\u00a5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u20a0-\u20a7\u20a9-\u20bf\u2022\u0621-\u064a]*$/
const MULTI_SPACE = /[ \t]{2,}|\t| \n|\n\s/

function fixSurrogate(c: string, i: number, str: string): string {
  const code = c.charCodeAt(0)
  if (code <= 0xdbff) {
    const next = str.charCodeAt(i + 1)
    return next >= 0xdc00 && next <= 0xdfff ? c : ' '
  }
  const prev = str.charCodeAt(i - 1)
  return prev >= 0xd800 && prev <= 0xdbff ? c : ' '
}

function mapPunct(c: string): string {
  return PUNCT_MAP[c] ?? c
}

export function normaliseText(raw: unknown): string {
  if (typeof raw !== 'string') return ''
  let s = raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw
  if (NFKC_STABLE.test(s)) {
    if (MULTI_SPACE.test(s)) s = s.replace(SPACES, ' ').replace(/ ?\n[\s]*/g, '\n')
    s = s.trim()
    return s.length > MAX_SCAN ? s.slice(0, MAX_SCAN) : s
  }
  // Lone surrogates make normalize() produce replacement characters - harmless, but strip them first.
  s = s.replace(/[\ud800-\udfff]/g, fixSurrogate)
  s = s.normalize('NFKC')
  s = s.replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\r\n?/g, '\n')
  s = s.replace(NON_ASCII_DIGIT, toAsciiDigit)
  s = s.replace(PUNCT, mapPunct)
  s = s
    .replace(SPACES, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim()
  return s.length > MAX_SCAN ? s.slice(0, MAX_SCAN) : s
}

/**
 * Sender IDs arrive as "VM-HDFCBK", "AD-HDFCBK-S", "+254722000000", "MPESA", "Chase". Operators vary the
 * DLT prefix/suffix for the same Indian sender, so those are stripped to get a stable key.
 */
export function normaliseSender(sender: unknown): string | null {
  if (typeof sender !== 'string') return null
  let s = normaliseText(sender.slice(0, 200)).toUpperCase().replace(/\s+/g, ' ').trim()
  const dlt = /^[A-Z]{2}-([A-Z0-9]{5,8})(?:-[A-Z])?$/.exec(s)
  if (dlt?.[1]) s = dlt[1]
  return s.length > 0 ? s.slice(0, 64) : null
}

/** True for Indian DLT-style sender headers ("VM-HDFCBK", "JD-SBIINB-S"). */
export function isIndianDltSender(sender: unknown): boolean {
  return typeof sender === 'string' && /^[A-Z]{2}-[A-Z0-9]{6}(?:-[A-Z])?$/i.test(sender.trim())
}
