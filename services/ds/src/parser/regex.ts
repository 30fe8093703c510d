// Iterating a global regex without String.prototype.matchAll: matchAll clones the RegExp on every call
// (species constructor), which dominated the profile when a dozen patterns run per message.

/** Every match of a global (`g`) regex, at most `limit` of them. Leaves `re.lastIndex` at 0. */
export function execAll(re: RegExp, text: string, limit = 256): RegExpExecArray[] {
  const out: RegExpExecArray[] = []
  re.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) {
    out.push(m)
    if (m[0].length === 0) re.lastIndex++
    if (out.length >= limit) break
  }
  re.lastIndex = 0
  return out
}

export { L } from './letters.js'
