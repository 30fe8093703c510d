import t from 'tap'
import { allTopicSpecs, deadLetterTopic, topics } from '@expenses/events'

t.test('every topic has a dead-letter companion', async (t) => {
  const names = allTopicSpecs().map((s) => s.name)
  for (const spec of Object.values(topics)) {
    t.ok(names.includes(deadLetterTopic(spec.name)), `${spec.name} has a DLQ`)
  }
})
