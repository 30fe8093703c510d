import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { repoRoot } from '../../scripts/infra/config.js'

/** Debian's Chromium (apt-get install chromium); Playwright's own browser download cannot run here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Where the test run saves its screenshots; docs/screenshots holds the copies the README shows. */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(repoRoot, '.local/screenshots')

export async function launchChromium(t: Test): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH`)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI needs --no-sandbox; the rest keeps Chromium from calling out to a closed network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
  t.teardown(() => browser.close())
  return browser
}

/**
 * Everything the page reports that a person would never see but that means something is broken:
 * uncaught errors, console errors (a CSP violation is one), 5xx answers and failed requests.
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    // Chromium logs every 4xx answer as a console error; the app shows those as sentences (checked by
    // the journey), so only other console errors count. 5xx answers are counted below.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()))
      problems.push(`console: ${msg.text()}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.request().method()} ${response.url()}`)
  })
  page.on('requestfailed', (request) => {
    // A download's blob: URL and requests cut short by navigation are not failures of the app.
    const failure = request.failure()?.errorText ?? ''
    if (!request.url().startsWith('blob:') && !/ERR_ABORTED/.test(failure)) problems.push(`request failed: ${request.url()} ${failure}`)
  })
  return problems
}

/** axe-core on the current screen: serious and critical violations fail the test, with their nodes. */
export async function checkAccessibility(t: Test, page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  t.same(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
    [],
    `${screen}: no serious or critical accessibility violations (${results.passes.length} rules passed)`,
  )
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
