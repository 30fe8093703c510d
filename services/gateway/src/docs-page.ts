/**
 * GET /docs: a self-contained HTML index of the public API (no scripts, no external assets -
 * the machines this runs on may have no internet). The machine-readable source is /openapi.json.
 */
import type { MergedOpenApi, ServiceDocument } from './openapi.js'
import { matchRoute } from './route-table.js'
import type { RouteTable } from './route-table.js'

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export function renderDocsPage(merged: MergedOpenApi, sources: readonly ServiceDocument[], table: RouteTable): string {
  const sections = sources.map((source) => {
    const rows: string[] = []
    for (const [path, item] of Object.entries(merged.paths)) {
      const route = matchRoute(table, path)
      if (route?.service !== source.service) continue
      for (const method of METHODS) {
        const op = item[method] as { summary?: unknown; operationId?: unknown } | undefined
        if (!op) continue
        const summary = typeof op.summary === 'string' ? op.summary : typeof op.operationId === 'string' ? op.operationId : ''
        rows.push(
          `<tr><td class="m">${method.toUpperCase()}</td><td><code>${esc(path)}</code></td>` +
            `<td>${route.auth === 'required' ? 'bearer token' : 'public'}</td><td>${esc(summary)}</td></tr>`,
        )
      }
    }
    const status = source.document
      ? `<span class="ok">available</span>`
      : `<span class="down">unavailable</span> <small>${esc(source.error ?? '')}</small>`
    const body = rows.length
      ? `<table><thead><tr><th>Method</th><th>Path</th><th>Auth</th><th>Summary</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p>No operations.</p>'
    return `<section><h2>${esc(source.service)} ${status}</h2>${body}</section>`
  })
  const title = esc(String((merged.info as { title?: unknown } | undefined)?.title ?? 'API'))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}.m{font-weight:bold;font-family:monospace}
.ok{color:#176f2c;font-size:.8em}.down{color:#a4161a;font-size:.8em}
</style></head><body>
<h1>${title}</h1>
<p>Merged OpenAPI ${esc(merged.openapi)} document: <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}
</body></html>
`
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
