/**
 * The chart READMEs' prose lives in scripts/k8s/readmes/*.md, readable and reviewable as Markdown; the
 * generators fill in its `{{name}}` placeholders (names, ports, the values table). A placeholder without
 * a value, or a value without its placeholder, is an error: a renamed field cannot leave a hole.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export function readmeFromTemplate(file: string, values: Readonly<Record<string, string | number>>): string {
  const text = readFileSync(join(import.meta.dirname, 'readmes', file), 'utf8')
  const used = new Set<string>()
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`scripts/k8s/readmes/${file}: no value for {{${name}}}`)
    used.add(name)
    return String(value)
  })
  const unused = Object.keys(values).filter((name) => !used.has(name))
  if (unused.length > 0) throw new Error(`scripts/k8s/readmes/${file}: no placeholder for ${unused.join(', ')}`)
  return filled
}
