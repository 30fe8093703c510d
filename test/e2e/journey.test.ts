// The end-to-end journey through the gateway only, on the real system: every service as its own
// process, real Postgres, real Kafka.
import t from 'tap'
import { topics, deadLetterTopic } from '@expenses/events'
import { readTopic, testKafka, topicEndOffsets } from '@expenses/testing'
import { client, eventually, signup, startTestSystem, type Json } from './support.js'

const HDFC_SMS = 'Rs.1,250.00 debited from A/c XX4821 on 14-03-24 to VPA swiggy.order@icici (UPI Ref No 407412345678). Avl Bal Rs 48,210.55 -HDFC Bank'

t.test('sign up, forward a bank SMS, see the expense, summarise, and stay isolated', async (t) => {
  const system = await startTestSystem(t, { basePort: 18100 })
  const gateway = system.gatewayUrl

  // 1. Sign up; the profile appears once user-service has consumed user.registered.
  const alice = await signup(gateway)
  const api = client(gateway, alice.accessToken)
  const profile = await eventually(async () => {
    const res = await api.request('GET', '/user/v1/me')
    return res.status === 200 ? res.body : undefined
  }, 'the profile')
  t.match(profile, { userId: alice.userId, username: alice.user.username, email: alice.user.email, firstName: 'Priya', lastName: 'Sharma' })

  // 2. Forward a bank SMS; it is parsed and becomes an expense with the right amount, currency and merchant.
  const posted = await api.request('POST', '/ds/v1/messages', { text: HDFC_SMS, sender: 'VM-HDFCBK', receivedAt: '2024-03-14T09:30:00Z' })
  t.equal(posted.status, 202)
  const messageId = posted.body.messageId as string
  t.match(messageId, /^[0-9a-f-]{36}$/)
  const parsed = await eventually(async () => {
    const res = await api.request('GET', `/ds/v1/messages/${messageId}`)
    return res.body?.status === 'parsed' ? res.body : undefined
  }, 'the message to be parsed')
  t.equal(parsed.status, 'parsed')

  const expense = await eventually(async () => {
    const res = await api.request('GET', '/expense/v1/expenses')
    return (res.body?.items as Json[] | undefined)?.find((e) => e.messageId === messageId)
  }, 'the expense')
  t.match(expense, { type: 'debit', amount: '1250.00', currency: 'INR', source: 'message', messageId })
  t.match(expense.merchant, /swiggy/i)
  t.match(expense.occurredAt, /^2024-03-14/)
  t.equal(expense.category, 'food', 'Swiggy is food')

  // 3. The summary shows it.
  const summary = await api.request('GET', '/expense/v1/summary?from=2024-03-01&to=2024-03-31&groupBy=category')
  t.equal(summary.status, 200)
  t.match(JSON.stringify(summary.body), /"currency":"INR"/)
  t.match(JSON.stringify(summary.body), /1250\.00/)

  // 4. The same SMS again changes nothing.
  const again = await api.request('POST', '/ds/v1/messages', { text: HDFC_SMS, sender: 'VM-HDFCBK', receivedAt: '2024-03-14T09:30:00Z' })
  t.equal(again.status, 200)
  t.equal(again.body.messageId, messageId)
  await new Promise((r) => setTimeout(r, 3000))
  const list = await api.request('GET', '/expense/v1/expenses')
  t.equal((list.body.items as Json[]).filter((e) => e.messageId === messageId).length, 1, 'still exactly one expense')

  // 5. A second user can neither see nor delete it.
  const bob = await signup(gateway)
  const bobApi = client(gateway, bob.accessToken)
  t.equal((await bobApi.request('GET', `/expense/v1/expenses/${expense.id}`)).status, 404)
  t.equal((await bobApi.request('DELETE', `/expense/v1/expenses/${expense.id}`)).status, 404)
  t.equal((await bobApi.request('GET', `/ds/v1/messages/${messageId}`)).status, 404)
  t.same((await bobApi.request('GET', '/expense/v1/expenses')).body.items, [], "bob's list is empty")
  t.equal((await api.request('GET', `/expense/v1/expenses/${expense.id}`)).status, 200, "alice's expense is untouched")

  // 6. A non-transaction message is rejected with a reason.
  const otp = await api.request('POST', '/ds/v1/messages', {
    text: '482913 is your OTP for txn of INR 2,000.00 at AMAZON on card XX4821. Valid for 10 mins. Do not share. -HDFC Bank',
    sender: 'VM-HDFCBK',
  })
  t.equal(otp.status, 202)
  const rejected = await eventually(async () => {
    const res = await api.request('GET', `/ds/v1/messages/${otp.body.messageId}`)
    return res.body?.status === 'rejected' ? res.body : undefined
  }, 'the OTP to be rejected')
  t.equal(rejected.reason, 'otp')

  // 7. A poison message on the raw-message topic (in alice's partition) goes to the dead-letter topic,
  //    and her next message behind it is still processed.
  const kafka = testKafka()
  const dlq = deadLetterTopic(topics.bankMessageReceived.name)
  const dlqFrom = await topicEndOffsets(kafka, dlq)
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: topics.bankMessageReceived.name, messages: [{ key: alice.userId, value: '{"this is": not json' }] })
  await producer.disconnect()
  const behind = await api.request('POST', '/ds/v1/messages', {
    text: 'Your a/c no. XXXXXXXX4821 is debited for Rs.349.00 on 15-03-2024 and credited to a/c no. XXXXXXXX9910 (UPI Ref no 407598765432). -SBI',
    sender: 'JD-SBIUPI',
  })
  t.equal(behind.status, 202)
  await eventually(async () => {
    const res = await api.request('GET', `/ds/v1/messages/${behind.body.messageId}`)
    return res.body?.status === 'parsed'
  }, 'the message behind the poison one')
  const dead = await readTopic(kafka, dlq, { from: dlqFrom, until: (m) => m.some((x) => x.key === alice.userId), durationMs: 20_000 })
  t.ok(
    dead.some((m) => m.key === alice.userId && m.value === '{"this is": not json'),
    'the poison message is in the dead-letter topic',
  )

  // 8. Without a token the gateway answers 401 before any service is involved.
  t.equal((await client(gateway).request('GET', '/expense/v1/expenses')).status, 401)

  // 9. The login limit gives 429 with Retry-After.
  const anon = client(gateway)
  let limited: Awaited<ReturnType<typeof anon.request>> | undefined
  for (let i = 0; i < 15 && !limited; i++) {
    const res = await anon.request('POST', '/auth/v1/login', { username: alice.user.username, password: 'wrong password 1' })
    if (res.status === 429) limited = res
  }
  t.ok(limited, 'a 429 within 15 attempts')
  t.ok(Number(limited?.headers.get('retry-after')) > 0, 'with Retry-After')
  t.equal(limited?.headers.get('content-type'), 'application/problem+json; charset=utf-8')
})
