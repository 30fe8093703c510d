/**
 * The web app in a real browser (Debian's Chromium driven by Playwright) against the real local stack:
 * every service as its own process, real Postgres and Kafka, the built app served by the gateway at /.
 * One person's whole journey, then every screen again on a phone viewport, with axe-core on each
 * screen and a screenshot of each (SCREENSHOT_DIR, default .local/screenshots).
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildWebApp } from '../../scripts/system/web-app.js'
import { API_TYPES_FILE, fetchMergedDocument, renderApiTypes } from '../../scripts/web/api-types.js'
import { startTestSystem } from '../e2e/support.js'
import { checkAccessibility, launchChromium, screenshot, watchPage } from './browser.js'

// Functions given to page.evaluate run in the browser; these are the browser globals they use (this
// program is type-checked with Node's types only).
declare const document: {
  querySelectorAll(selector: string): { length: number }
  querySelector(selector: string): unknown
  documentElement: { scrollWidth: number }
}
declare const localStorage: { length: number; getItem(key: string): string | null; setItem(key: string, value: string): void }

const OTP = 'Your OTP for login is 482913. Do not share it with anyone. -HDFC Bank'
const SWIGGY = 'Rs.450.00 spent on HDFC Bank Card XX1234 at SWIGGY on 05-12-26. Avl bal Rs.12,000.00'
const UPI = 'Sent Rs.250.00 from Kotak Bank AC X9876 to merchant@upi on 04-12-26. UPI Ref 435678901234'
// A layout no parser rule knows: rejected until the user corrects it once.
const ZEPHYR_1 = 'Zephyr notice: 1,234.50 GBP moved over to Baker Street Books. Ref ZX99812'
const ZEPHYR_2 = 'Zephyr notice: 87.00 GBP moved over to Corner Cafe. Ref ZX99813'

const webRoot = await buildWebApp({ quiet: true })
const system = await startTestSystem(t, { basePort: 18500, webRoot })
const base = system.gatewayUrl
const browser = await launchChromium(t)
const user = { username: `web${randomBytes(4).toString('hex')}`, password: 'Correct-Horse-42' }

t.test("the app's API types are the gateway's merged OpenAPI document (npm run api-types -w @expenses/web)", async (t) => {
  const live = await renderApiTypes(await fetchMergedDocument(base))
  t.ok(live === readFileSync(API_TYPES_FILE, 'utf8'), 'services/web/src/api/schema.gen.ts is current; regenerate it against `npm start` if not')
})

t.test('/ serves the app with a strict CSP; /docs is Swagger UI', async (t) => {
  const index = await fetch(`${base}/`)
  t.equal(index.status, 200)
  const csp = index.headers.get('content-security-policy') ?? ''
  t.match(csp, /script-src 'self'(;|$)/, 'no inline or eval script allowed')
  t.match(csp, /frame-ancestors 'none'/)
  const html = await index.text()
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'index.html has no inline script')
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
  t.ok(asset, 'the entry script is a hashed asset')
  t.equal((await fetch(`${base}${asset}`)).headers.get('cache-control'), 'public, max-age=31536000, immutable')
  const docs = await fetch(`${base}/docs`)
  t.equal(docs.status, 200)
  t.match(await docs.text(), /swagger-ui/)
})

async function waitForNoPending(page: Page, count: number) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="message"]').length >= n && !document.querySelector('.badge-pending'), count, {
    timeout: 60_000,
  })
}

const messageCard = (page: Page, text: string) => page.locator('[data-testid="message"]', { hasText: text })

t.test('the whole journey on a desktop', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, timezoneId: 'UTC', locale: 'en-GB' })
  const page = await context.newPage()
  const problems = watchPage(page)
  page.setDefaultTimeout(30_000)

  // 1. Sign up.
  await page.goto(`${base}/`)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await checkAccessibility(t, page, 'sign in')
  await screenshot(page, 'desktop-sign-in')
  await page.getByRole('button', { name: 'Create an account' }).click()
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Email').fill(`${user.username}@example.com`)
  await page.getByLabel('First name').fill('Asha')
  await page.getByLabel('Last name').fill('Rao')
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create account', exact: true }).click()
  await t.resolves(
    page.getByRole('alert').filter({ hasText: 'Password must be at least 10 characters long.' }).waitFor(),
    'a weak password is explained in words',
  )
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Create account', exact: true }).click()
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor()
  await page.getByRole('heading', { name: 'Add bank messages' }).waitFor()

  // Staying signed in: a reload keeps the session.
  await page.reload()
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor()
  t.pass('still signed in after a reload')

  // 2. Paste several messages (an OTP among them), then upload a CSV export with one in an unknown layout.
  await page.getByLabel('Messages, one per line').fill([SWIGGY, OTP, UPI].join('\n'))
  await page.getByRole('button', { name: 'Send messages' }).click()
  await page.getByRole('status').filter({ hasText: 'Sent 3 messages.' }).waitFor()
  await page.getByLabel('Or upload a file').setInputFiles({
    name: 'zephyr-export.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`text,sender,date\n"${ZEPHYR_1}",ZEPHYR,2026-12-06T10:00:00Z\n`),
  })
  await page.getByRole('status').filter({ hasText: 'Sent 1 message.' }).waitFor()

  // 3. Wait for the parser: two expenses, the OTP and the unknown layout rejected with reasons in words.
  await waitForNoPending(page, 4)
  await t.resolves(messageCard(page, 'SWIGGY').getByText('Parsed').first().waitFor(), 'the card alert is parsed')
  t.match(await messageCard(page, 'SWIGGY').innerText(), /450\.00/)
  t.match(await messageCard(page, 'OTP').innerText(), /one-time password, not a transaction/)
  t.match(await messageCard(page, 'Zephyr notice').innerText(), /could not find a transaction/)
  await checkAccessibility(t, page, 'messages')
  await screenshot(page, 'desktop-messages')
  await page.getByRole('button', { name: /^Needs review/ }).click()
  t.equal(await page.locator('[data-testid="message"]').count(), 2, 'needs review: the OTP and the unknown layout')
  await page.getByRole('button', { name: 'All', exact: true }).click()

  // 4. Correct the unknown one; the next message from that sender is read with the learned layout.
  const zephyr = messageCard(page, 'Baker Street Books')
  await zephyr.getByRole('button', { name: 'This is a transaction: fix it' }).click()
  const form = zephyr.getByRole('form', { name: 'Correct this message' })
  await form.getByLabel('Amount').fill('1234.50')
  await form.getByLabel('Currency').fill('GBP')
  await form.getByLabel('Merchant or person').fill('Baker Street Books')
  await form.getByLabel('Date').fill('2026-12-06')
  await checkAccessibility(t, page, 'correction form')
  await screenshot(page, 'desktop-correction')
  await form.getByRole('button', { name: 'Save correction' }).click()
  await t.resolves(zephyr.getByText('Learned how messages from ZEPHYR are written').waitFor(), 'the sender layout was learned')
  await page.getByLabel('Messages, one per line').fill(ZEPHYR_2)
  await page.getByLabel('Sender (optional)').fill('ZEPHYR')
  await page.getByRole('button', { name: 'Send messages' }).click()
  await waitForNoPending(page, 5)
  const next = messageCard(page, 'Corner Cafe')
  await t.resolves(next.locator('.badge-parsed').waitFor(), 'the next Zephyr message is parsed')
  const nextText = await next.innerText()
  t.match(nextText, /87\.00/)
  t.match(nextText, /Corner Cafe/)

  // 5-6. The chart before and after a category change applied to every expense at that merchant.
  await page.goto(`${base}/#/insights`)
  const inr = page.getByTestId('insights-INR')
  await inr.waitFor()
  t.ok(await page.getByTestId('insights-GBP').isVisible(), 'each currency has its own block, never summed')
  const chart = inr.locator('figure', { hasText: 'by category' })
  const figures = async () => {
    await chart.locator('summary').click()
    const text = await chart.locator('table').innerText()
    await chart.locator('summary').click()
    return text
  }
  const before = await figures()
  t.match(before, /Food & dining/)
  t.notMatch(before, /Entertainment/)
  const pictureBefore = await chart.locator('canvas').screenshot()
  t.match(await inr.innerText(), /700\.00/, 'money out in INR: 450.00 + 250.00')

  await page.goto(`${base}/#/expenses`)
  await page.getByTestId('expense-row').nth(3).waitFor()
  t.equal(await page.getByTestId('expense-row').count(), 4, 'four expenses: two INR, two GBP')
  await checkAccessibility(t, page, 'expenses')
  await screenshot(page, 'desktop-expenses')
  await page.getByRole('button', { name: 'Edit SWIGGY' }).click()
  await page.getByRole('region', { name: 'Edit SWIGGY' }).getByLabel('Category').selectOption('entertainment')
  await page.getByLabel('Also change every other expense at SWIGGY').check()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'Every expense at SWIGGY is now Entertainment.' }).waitFor()
  // The list reloads after the notice appears: wait for the row to show it (a timeout fails the test).
  const swiggyRow = page.getByTestId('expense-row').filter({ hasText: 'SWIGGY' })
  await swiggyRow.filter({ hasText: 'Entertainment' }).waitFor({ timeout: 10_000 })
  t.match(await swiggyRow.innerText(), /Entertainment/)

  await page.goto(`${base}/#/insights`)
  await inr.waitFor()
  const after = await figures()
  t.match(after, /Entertainment/, 'the chart now has the new category')
  t.notMatch(after, /Food & dining/)
  t.not(Buffer.compare(pictureBefore, await chart.locator('canvas').screenshot()), 0, 'and the picture changed')
  await checkAccessibility(t, page, 'insights')
  await screenshot(page, 'desktop-insights')

  // 7. Export the filtered list as CSV.
  await page.goto(`${base}/#/expenses`)
  await page.getByLabel('Currency').fill('INR')
  await page.getByRole('button', { name: 'Apply' }).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="expense-row"]').length === 2)
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split(/\r\n/)
  t.equal(download.suggestedFilename(), 'expenses.csv')
  t.match(csv[0], /^occurredAt,type,amount,currency,merchant,category/)
  t.equal(csv.length, 3, 'a header and the two INR expenses')
  t.ok(
    csv.some((row) => /,debit,450\.00,INR,SWIGGY,entertainment,/.test(row)),
    'the SWIGGY row with its new category',
  )
  t.ok(csv.some((row) => /,debit,250\.00,INR,merchant@upi,/.test(row)))

  // Profile: the time zone the app shows dates in.
  await page.goto(`${base}/#/profile`)
  await page.getByLabel('Time zone').selectOption('Asia/Kolkata')
  await page.getByRole('button', { name: 'Save profile' }).click()
  await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor()
  await checkAccessibility(t, page, 'profile')
  await screenshot(page, 'desktop-profile')

  // 8. Log out.
  await page.getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  t.equal(await page.evaluate(() => localStorage.length), 0, 'no token is left in the browser')
  await page.reload()
  await t.resolves(page.getByRole('heading', { name: 'Sign in' }).waitFor(), 'and a reload does not sign back in')

  const visible = await page.locator('body').innerText()
  t.notMatch(visible, /[{}]|"code"|stack|Error:/, 'no raw JSON or stack trace on the page')
  t.same(problems, [], 'no page errors, console errors (CSP violations included) or failed requests')
  await context.close()
})

t.test('a reused refresh token signs the user out everywhere, with a message that says so', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await page.goto(`${base}/`)
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor()

  // Someone else spends the refresh token this browser holds (a stolen copy), then the access token expires.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('expenses.session') ?? '{}') as { refreshToken: string })
  const stolen = await fetch(`${base}/auth/v1/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: stored.refreshToken }),
  })
  t.equal(stolen.status, 200)
  await page.evaluate(() => {
    const session = JSON.parse(localStorage.getItem('expenses.session')!) as { expiresAt: number }
    localStorage.setItem('expenses.session', JSON.stringify({ ...session, expiresAt: 0 }))
  })
  await page.reload()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  t.match(await page.getByRole('status').innerText(), /signed out everywhere/)
  const thief = (await stolen.json()) as { refreshToken: string }
  const again = await fetch(`${base}/auth/v1/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: thief.refreshToken }),
  })
  t.equal(again.status, 401, "the thief's rotated token is revoked too")
  await context.close()
})

t.test('every screen on a phone', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
  const page = await context.newPage()
  const problems = watchPage(page)
  await page.goto(`${base}/`)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  await checkAccessibility(t, page, 'phone: sign in')
  await screenshot(page, 'phone-sign-in')
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor()
  await waitForNoPending(page, 5)
  for (const [route, ready] of [
    ['inbox', () => page.getByTestId('message').first().waitFor()],
    ['expenses', () => page.getByTestId('expense-row').first().waitFor()],
    ['insights', () => page.getByTestId('insights-INR').waitFor()],
    ['profile', () => page.getByRole('button', { name: 'Save profile' }).waitFor()],
  ] as const) {
    await page.goto(`${base}/#/${route}`)
    await ready()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    t.ok(width <= 390, `${route}: nothing wider than the phone screen (${width}px)`)
    await checkAccessibility(t, page, `phone: ${route}`)
    await screenshot(page, `phone-${route}`)
  }
  t.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata', 'the profile keeps the chosen time zone')
  t.same(problems, [], 'no page errors, console errors or failed requests')
  await context.close()
})
