// The end-to-end journey through the gateway only, on the real system: every service as its own
// process, real Postgres, real Kafka.
import t from 'tap'
import { topics, deadLetterTopic } from '@expenses/events'
import { readTopic, testKafka, topicEndOffsets } from '@expenses/testing'
import { client, eventually, signup, startTestSystem, type Json } from './support.js'

/** Ports of this test's own system: the gateway, then auth-, user-, ds- and expense-service. */
const BASE_PORT = 18100
/** A full account number (not a masked one): the system may keep its last four digits, never more. */
const FULL_ACCOUNT = '918020047414821'
const OTP_SMS = '482913 is your OTP for txn of INR 2,000.00 at AMAZON on card XX4821. Valid for 10 mins. Do not share. -HDFC Bank'
const SBI_SMS = 'Your a/c no. XXXXXXXX4821 is debited for Rs.349.00 on 15-03-2024 and credited to a/c no. XXXXXXXX9910 (UPI Ref no 407598765432). -SBI'
const HDFC_SMS = 'Rs.1,250.00 debited from A/c XX4821 on 14-03-24 to VPA swiggy.order@icici (UPI Ref No 407412345678). Avl Bal Rs 48,210.55 -HDFC Bank'

t.test('sign up, forward a bank SMS, see the expense, summarise, and stay isolated', async (t) => {
  const system = await startTestSystem(t, { basePort: BASE_PORT })
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
    text: OTP_SMS,
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
    text: SBI_SMS,
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

  // 9. A message with a full account number: the expense keeps its last four digits only.
  const fullAccount = await api.request('POST', '/ds/v1/messages', {
    text: `INR 2,500.00 debited from A/c ${FULL_ACCOUNT} on 16-03-2024 at AMAZON PAY INDIA. Avl Bal INR 45,710.55. Not you? Call 18002586161 -Axis Bank`,
    sender: 'AX-AXISBK',
  })
  t.equal(fullAccount.status, 202)
  const fullParsed = await eventually(async () => {
    const res = await api.request('GET', `/ds/v1/messages/${fullAccount.body.messageId}`)
    return res.body?.status === 'parsed' ? res.body : undefined
  }, 'the message with a full account number')
  t.equal(fullParsed.result.accountLast4, FULL_ACCOUNT.slice(-4))

  // 10. Bob's session: log in, refresh, log out, so every kind of token passes through the system.
  const bobLogin = await client(gateway).request('POST', '/auth/v1/login', { username: bob.user.username, password: bob.user.password })
  t.equal(bobLogin.status, 200)
  const refreshed = await client(gateway).request('POST', '/auth/v1/refresh', { refreshToken: bobLogin.body.refreshToken })
  t.equal(refreshed.status, 200)
  t.equal((await client(gateway, refreshed.body.accessToken).request('POST', '/auth/v1/logout', { refreshToken: refreshed.body.refreshToken })).status, 204)

  // 11. The login limit gives 429 with Retry-After.
  const anon = client(gateway)
  let limited: Awaited<ReturnType<typeof anon.request>> | undefined
  for (let i = 0; i < 15 && !limited; i++) {
    const res = await anon.request('POST', '/auth/v1/login', { username: alice.user.username, password: 'wrong password 1' })
    if (res.status === 429) limited = res
  }
  t.ok(limited, 'a 429 within 15 attempts')
  t.ok(Number(limited?.headers.get('retry-after')) > 0, 'with Retry-After')
  t.equal(limited?.headers.get('content-type'), 'application/problem+json; charset=utf-8')

  // 12. The event path's metrics. Other test files run systems in the same consumer groups on the same broker,
  //     so which process consumed which partition is not ours to say: the per-process counters are checked for
  //     their shape, the group-wide lag and the per-database outbox for their values.
  const metrics = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const values = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern.source, 'gm'))].map((m) => Number(m[1]))
  for (const [port, topic] of [
    [BASE_PORT + 3, topics.bankMessageReceived.name],
    [BASE_PORT + 4, topics.expenseParsed.name],
  ] as const) {
    const text = await metrics(port)
    t.match(text, /^# TYPE events_consumed_total counter$/m, `port ${port}: events consumed, by outcome`)
    t.match(text, new RegExp(`^kafka_consumer_lag\\{[^}]*topic="${topic.replace(/\./g, '\\.')}"`, 'm'), `port ${port}: lag per partition of ${topic}`)
  }
  t.match(await metrics(BASE_PORT + 3), /^# TYPE ds_messages_settled_total counter$/m, 'ds-service: parse outcomes by reason')
  await eventually(async () => {
    const lags = values(await metrics(BASE_PORT + 4), /^kafka_consumer_lag\{[^}]*topic="expense\.parsed\.v1"[^}]*\} (\d+)/)
    return lags.length >= topics.expenseParsed.partitions && lags.every((lag) => lag === 0)
  }, "expense-service's group caught up: lag 0 on every partition")
  for (const port of [BASE_PORT + 1, BASE_PORT + 2, BASE_PORT + 3, BASE_PORT + 4]) {
    await eventually(async () => values(await metrics(port), /^outbox_unpublished_events(?:\{[^}]*\})? (\d+)/)[0] === 0, `an empty outbox on port ${port}`)
    t.same(values(await metrics(port), /^outbox_oldest_unpublished_age_seconds(?:\{[^}]*\})? (\S+)/), [0], `port ${port}: no outbox row waiting`)
  }

  // 13. The logs of all of it, every service and the gateway at the production level, hold none of what
  //     must never be written down.
  const logs = system.logs.join('\n')
  t.ok(system.logs.length > 50, `${system.logs.length} log lines to read`)
  // The control: the requests above are in these logs (so a secret written with them would be found).
  t.match(logs, /"url":"\/auth\/v1\/login"/, 'the logs do record the login requests')
  t.match(logs, /"url":"\/ds\/v1\/messages"/, 'and the message posts')
  const secrets: [string, string][] = [
    ...[alice, bob].flatMap((u) => [
      [`${u.user.username}'s password`, u.user.password],
      [`${u.user.username}'s signup access token`, u.accessToken],
      [`${u.user.username}'s signup refresh token`, u.refreshToken],
    ]),
    ['a wrong password that was tried', 'wrong password 1'],
    ["bob's login access token", bobLogin.body.accessToken],
    ["bob's login refresh token", bobLogin.body.refreshToken],
    ["bob's refreshed access token", refreshed.body.accessToken],
    ["bob's refreshed refresh token", refreshed.body.refreshToken],
  ] as [string, string][]
  for (const [what, secret] of secrets) t.notOk(logs.includes(secret), `no ${what} in the logs`)
  t.notMatch(logs, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./, 'no JWT of any kind')
  t.notMatch(logs, /-----BEGIN [A-Z ]*PRIVATE KEY-----|"d":"[\w-]{20,}"/, 'no private signing key (PEM or JWK)')
  // A message's text, or any 32-character stretch of it, is the user's bank data.
  for (const text of [HDFC_SMS, OTP_SMS, SBI_SMS]) {
    const stretches = Array.from({ length: text.length - 31 }, (_, i) => text.slice(i, i + 32))
    t.notOk(
      stretches.some((part) => logs.includes(part)),
      `no part of "${text.slice(0, 24)}…" in the logs`,
    )
  }
  const accountDigits = Array.from({ length: FULL_ACCOUNT.length - 4 }, (_, i) => FULL_ACCOUNT.slice(i))
  t.notOk(
    accountDigits.some((digits) => logs.includes(digits)),
    'no more of the account number than its last four digits',
  )
})
