// Fault tests of the whole pipeline. They stop the shared local Kafka broker and kill service
// processes, so the runner executes them in its serial phase, after every other test.
import t, { type Test } from 'tap'
import { localKafkaControl } from '@expenses/testing'
import { client, eventually, signup, startTestSystem, type Client } from './support.js'

/** 3 of every 4 messages are card transactions with a unique amount; every 4th is an OTP. */
function messages(count: number, tag: number) {
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

async function postBatch(api: Client, batch: ReturnType<typeof messages>): Promise<string[]> {
  const res = await api.request('POST', '/ds/v1/messages:batch', { messages: batch })
  if (res.status >= 300) throw new Error(`batch failed: ${res.status} ${JSON.stringify(res.body)}`)
  const results = (res.body.results ?? res.body.items ?? res.body) as { messageId: string }[]
  return results.map((r) => r.messageId)
}

/** Every message settled as exactly one expense (transactions) or one rejection (OTPs). */
async function expectSettledExactlyOnce(t: Test, api: Client, ids: string[], transactions: number) {
  const statuses = await eventually(
    async () => {
      const all = await Promise.all(ids.map(async (id) => (await api.request('GET', `/ds/v1/messages/${id}`)).body?.status as string))
      return all.every((s) => s === 'parsed' || s === 'rejected') ? all : undefined
    },
    'every message to be parsed or rejected',
    180_000,
  )
  t.equal(statuses.filter((s) => s === 'parsed').length, transactions, 'transactions parsed')
  t.equal(statuses.filter((s) => s === 'rejected').length, ids.length - transactions, 'OTPs rejected')
  const expenses = await eventually(
    async () => {
      const items: { messageId: string }[] = []
      let cursor: string | undefined
      do {
        const res = await api.request('GET', `/expense/v1/expenses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        items.push(...res.body.items)
        cursor = res.body.nextCursor ?? undefined
      } while (cursor)
      const mine = items.filter((e) => ids.includes(e.messageId))
      return mine.length >= transactions ? mine : undefined
    },
    'every transaction to become an expense',
    180_000,
  )
  // Give a duplicate the chance to show up before counting.
  await new Promise((r) => setTimeout(r, 3000))
  const perMessage = new Map<string, number>()
  for (const e of expenses) perMessage.set(e.messageId, (perMessage.get(e.messageId) ?? 0) + 1)
  t.equal(perMessage.size, transactions, 'one expense per transaction message')
  t.ok([...perMessage.values()].every((n) => n === 1), 'no message produced two expenses')
}

t.test('stopping Kafka mid-flow loses nothing and doubles nothing', async (t) => {
  const system = await startTestSystem(t, { basePort: 18300 })
  const kafka = await localKafkaControl()
  const user = await signup(system.gatewayUrl)
  const api = client(system.gatewayUrl, user.accessToken)

  const batch = messages(40, 1)
  const ids = await postBatch(api, batch)
  t.equal(ids.length, 40)
  await kafka.stop()
  let running = false
  t.teardown(async () => {
    if (!running) await kafka.start()
  })
  // Messages accepted while Kafka is down wait in ds-service's outbox.
  const more = await postBatch(api, messages(20, 2))
  await new Promise((r) => setTimeout(r, 3000))
  await kafka.start()
  running = true
  await expectSettledExactlyOnce(t, api, [...ids, ...more], 45)
})

t.test('killing consumers mid-batch and restarting them loses nothing and doubles nothing', async (t) => {
  const system = await startTestSystem(t, { basePort: 18400 })
  const user = await signup(system.gatewayUrl)
  const api = client(system.gatewayUrl, user.accessToken)

  const ids = await postBatch(api, messages(120, 3))
  // Wait until the pipeline is visibly mid-flow, then kill both consumers without a graceful shutdown.
  await eventually(async () => {
    const res = await api.request('GET', '/expense/v1/expenses?limit=200')
    return (res.body?.items?.length ?? 0) >= 5
  }, 'the first expenses')
  await system.kill('ds-service')
  await system.kill('expense-service')
  await system.restart('ds-service')
  await system.restart('expense-service')
  await expectSettledExactlyOnce(t, api, ids, 90)
})
