// Fault tests of the whole pipeline. They stop the shared local Kafka broker and kill service
// processes, so the runner executes them in its serial phase, after every other test.
import t from 'tap'
import { localKafkaControl } from '@expenses/testing'
import { client, eventually, expectSettledExactlyOnce, messages, postBatch, signup, startTestSystem } from './support.js'

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
