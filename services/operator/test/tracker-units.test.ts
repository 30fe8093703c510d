import t from 'tap'
import { allTopicSpecs } from '@expenses/events/topics'
import { DEFAULT_SPEC } from '../src/tracker/crd.js'
import { aclsFor, desiredObjects, kafkaServices } from '../src/tracker/resources.js'
import { rotationDue, rotationJob } from '../src/tracker/rotation.js'
import { WorkQueue } from '../src/workqueue.js'

const HOUR = 3_600_000

t.test('rotationDue: on the schedule from the last rotation (or creation), at once for a new request, never when off', async (t) => {
  const created = new Date('2026-12-01T00:00:00Z')
  const spec = { ...DEFAULT_SPEC, signingKeys: { ...DEFAULT_SPEC.signingKeys, rotationPeriodHours: 24 } }
  const at = (hours: number) => new Date(created.getTime() + hours * HOUR)
  const base = { spec, created, lastRotation: undefined, requested: undefined, lastRequestServed: undefined }
  t.same(rotationDue({ ...base, now: at(1) }), { due: false, next: at(24) }, 'installing is no reason to rotate')
  t.same(rotationDue({ ...base, now: at(24) }), { due: true, next: at(24), reason: 'schedule' }, 'one period after creation')
  t.same(rotationDue({ ...base, now: at(30), lastRotation: at(24) }), { due: false, next: at(48) }, 'counted from the last rotation')
  t.same(rotationDue({ ...base, now: at(1), requested: 'leak', lastRequestServed: undefined }).reason, 'requested', 'a request is due at once')
  t.equal(rotationDue({ ...base, now: at(1), requested: 'leak', lastRequestServed: 'leak' }).due, false, 'a request is served once')
  const off = { ...spec, signingKeys: { ...spec.signingKeys, rotationPeriodHours: 0 } }
  t.same(rotationDue({ ...base, spec: off, now: at(10_000) }), { due: false, next: undefined }, 'period 0: never on a schedule')
  t.equal(rotationDue({ ...base, spec: off, now: at(1), requested: 'now' }).due, true, 'but still on request')
})

t.test('rotationJob needs a container to run in and says which Deployment lacks it', async (t) => {
  const owner = { apiVersion: 'expenses-tracker.io/v1alpha1', kind: 'ExpenseTracker', name: 'x', uid: 'u' }
  const result = rotationJob({
    tracker: 'x',
    deployment: { metadata: { name: 'auth-service' }, spec: { selector: {}, template: { spec: { containers: [] } } } },
    spec: DEFAULT_SPEC,
    owner,
    now: new Date(),
    request: undefined,
  })
  t.equal(result, 'Deployment auth-service has no container to run the rotation in')
})

t.test('the desired objects follow the event kit: every topic, every service with exactly its ACLs', async (t) => {
  const topics = allTopicSpecs()
  const objects = desiredObjects('rel', DEFAULT_SPEC, topics)
  t.equal(objects.filter((o) => o.kind === 'KafkaTopic').length, topics.length)
  t.same(kafkaServices(topics).sort(), ['auth-service', 'ds-service', 'expense-service', 'user-service'])
  for (const service of kafkaServices(topics)) {
    for (const acl of aclsFor(service, topics).filter((a) => a.resource.type === 'topic')) {
      const topic = topics.find((x) => x.name === acl.resource.name)
      const reads = topic?.consumers.includes(service) ?? false
      t.equal(acl.operations.includes('Read'), reads, `${service} reads ${acl.resource.name} iff it consumes it`)
    }
  }
  t.ok(
    objects.every((o) => o.metadata.labels['expenses-tracker.io/tracker'] === 'rel'),
    'every object carries the tracker label',
  )
})

t.test('WorkQueue: one key queued once, never handled twice at once, re-handled when changed meanwhile, retried with backoff', async (t) => {
  const handled: string[] = []
  let running = 0
  let overlap = false
  let failOnce = true
  let release: (() => void) | undefined
  const queue = new WorkQueue({
    retryBaseMs: 20,
    retryMaxMs: 40,
    handle: async (key) => {
      running++
      if (running > 1) overlap = true
      handled.push(key)
      if (key === 'slow' && !release) await new Promise<void>((resolve) => (release = resolve))
      running--
      if (key === 'flaky' && failOnce) {
        failOnce = false
        throw new Error('boom')
      }
    },
  })
  queue.start()
  t.teardown(() => queue.stop())
  queue.add('slow')
  await new Promise((resolve) => setTimeout(resolve, 20))
  queue.add('slow') // changed while in hand: once more afterwards
  queue.add('slow') // ...but only once
  queue.add('other')
  queue.add('other')
  release?.()
  queue.add('flaky')
  await new Promise((resolve) => setTimeout(resolve, 300))
  // The second 'slow' goes to the back when its first pass ends, after 'flaky' was queued.
  t.same(handled, ['slow', 'other', 'flaky', 'slow', 'flaky'], 'deduplicated, re-handled once, retried once')
  t.notOk(overlap, 'one at a time')
  t.equal(queue.depth, 0)
})
