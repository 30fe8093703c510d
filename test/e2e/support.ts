import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { startSystem, type RunningSystem, type SystemOptions } from '../../scripts/system/launcher.js'

export function infraEnv(): Record<string, string> {
  const names = ['AUTH_DATABASE_URL', 'USER_DATABASE_URL', 'DS_DATABASE_URL', 'EXPENSE_DATABASE_URL', 'KAFKA_BROKERS']
  const env: Record<string, string> = {}
  for (const name of names) {
    const value = process.env[name]
    if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts Postgres and Kafka`)
    env[name] = value
  }
  return env
}

/**
 * The whole system as `npm start` runs it (real services as child processes, real Postgres and Kafka),
 * on ports of its own so it can run beside a developer's `npm start`. Logs are kept and printed only
 * when a test fails.
 */
export async function startTestSystem(t: Test, options: Partial<SystemOptions> & { basePort: number }): Promise<RunningSystem & { logs: string[] }> {
  const logs: string[] = []
  const { basePort, ...rest } = options
  const system = await startSystem({
    infraEnv: infraEnv(),
    gatewayPort: basePort,
    ports: { 'auth-service': basePort + 1, 'user-service': basePort + 2, 'ds-service': basePort + 3, 'expense-service': basePort + 4 },
    env: { LOG_LEVEL: 'info', ...rest.env },
    log: (line) => logs.push(line),
    readyTimeoutMs: 180_000,
    ...rest,
  })
  t.teardown(async () => {
    if (!t.passing()) console.error(logs.slice(-200).join('\n'))
    await system.stop()
  })
  return Object.assign(system, { logs })
}

/** Response bodies: their shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface Client {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }>
}

export function client(baseUrl: string, token?: string): Client {
  return {
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // not JSON; keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers }
    },
  }
}

export function newUser() {
  const suffix = randomBytes(5).toString('hex')
  return {
    username: `e2e_${suffix}`,
    password: 'end to end 2 the moon',
    email: `e2e.${suffix}@example.com`,
    firstName: 'Priya',
    lastName: 'Sharma',
    phoneNumber: '+919812345678',
  }
}

export async function signup(gateway: string) {
  const user = newUser()
  const res = await client(gateway).request('POST', '/auth/v1/signup', user)
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { user, ...(res.body as { userId: string; accessToken: string; refreshToken: string }) }
}

/** Polls until `probe` returns a truthy value. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 45_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** 3 of every 4 messages are card transactions with a unique amount; every 4th is an OTP. */
export function messages(count: number, tag: number) {
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3
      ? { text: `${100000 + tag * 1000 + i} is your OTP for login. Do not share it with anyone. -ICICI Bank`, sender: 'AX-ICICIB' }
      : {
          text: `INR ${tag}${String(i).padStart(3, '0')}.50 spent on ICICI Bank Card XX7781 on 02-Apr-24 at BIGBASKET ${tag}-${i}. Avl Lmt: INR 1,20,000.00`,
          sender: 'AX-ICICIB',
          receivedAt: new Date(Date.UTC(2024, 3, 2, 10, 0, i)).toISOString(),
        },
  )
}

export async function postBatch(api: Client, batch: ReturnType<typeof messages>): Promise<string[]> {
  const res = await api.request('POST', '/ds/v1/messages:batch', { messages: batch })
  if (res.status >= 300) throw new Error(`batch failed: ${res.status} ${JSON.stringify(res.body)}`)
  const results = (res.body.results ?? res.body.items ?? res.body) as { messageId: string }[]
  return results.map((r) => r.messageId)
}

/** Every message settled as exactly one expense (transactions) or one rejection (OTPs). */
export async function expectSettledExactlyOnce(t: Test, api: Client, ids: string[], transactions: number) {
  // The user's message list, 100 per page: a few requests per poll however many messages there are, so
  // polling stays far below the gateway's per-client rate limit (one GET per message would not).
  const wanted = new Set(ids)
  // What the last poll saw, so that a timeout says how far the messages got (pending, missing...).
  let seen = ''
  const statuses = await eventually(
    async () => {
      const byId = new Map<string, string>()
      let cursor: string | undefined
      do {
        const res = await api.request('GET', `/ds/v1/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        if (res.status !== 200) throw new Error(`GET /ds/v1/messages: ${res.status} ${JSON.stringify(res.body)}`)
        for (const m of res.body.items as { messageId: string; status: string }[]) if (wanted.has(m.messageId)) byId.set(m.messageId, m.status)
        cursor = res.body.nextCursor ?? undefined
      } while (cursor)
      const all = ids.map((id) => byId.get(id) ?? 'missing')
      const counts = new Map<string, number>()
      for (const s of all) counts.set(s, (counts.get(s) ?? 0) + 1)
      seen = [...counts].map(([s, n]) => `${n} ${s}`).join(', ')
      return all.every((s) => s === 'parsed' || s === 'rejected') ? all : undefined
    },
    'every message to be parsed or rejected',
    180_000,
    1_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen: ${seen || 'nothing'})`)
  })
  t.equal(statuses.filter((s) => s === 'parsed').length, transactions, 'transactions parsed')
  t.equal(statuses.filter((s) => s === 'rejected').length, ids.length - transactions, 'OTPs rejected')
  const expenses = await eventually(
    async () => {
      const items: { messageId: string }[] = []
      let cursor: string | undefined
      do {
        const res = await api.request('GET', `/expense/v1/expenses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        if (res.status !== 200) throw new Error(`GET /expense/v1/expenses: ${res.status} ${JSON.stringify(res.body)}`)
        items.push(...res.body.items)
        cursor = res.body.nextCursor ?? undefined
      } while (cursor)
      const mine = items.filter((e) => wanted.has(e.messageId))
      return mine.length >= transactions ? mine : undefined
    },
    'every transaction to become an expense',
    180_000,
    1_000,
  )
  // Give a duplicate the chance to show up before counting.
  await new Promise((r) => setTimeout(r, 3000))
  const perMessage = new Map<string, number>()
  for (const e of expenses) perMessage.set(e.messageId, (perMessage.get(e.messageId) ?? 0) + 1)
  t.equal(perMessage.size, transactions, 'one expense per transaction message')
  t.ok(
    [...perMessage.values()].every((n) => n === 1),
    'no message produced two expenses',
  )
}
