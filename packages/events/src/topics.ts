/**
 * Every Kafka topic the system uses, in one place. Producers, consumers, the local infrastructure
 * script (which creates them) and the Strimzi KafkaTopic resources all read this list.
 *
 * Topics carry one event contract each and are keyed by userId, so all events of one user land on
 * one partition and keep their order.
 */
export interface TopicSpec {
  /** Kafka topic name. The `.v1` suffix is the contract's major version. */
  readonly name: string
  readonly partitions: number
  /** Retention in milliseconds. */
  readonly retentionMs: number
  /** Service that publishes to it (through its outbox). */
  readonly producer: string
  /** Services (consumer groups) that read it. */
  readonly consumers: readonly string[]
}

const DAY = 24 * 60 * 60 * 1000

export const topics = {
  userRegistered: {
    name: 'user.registered.v1',
    partitions: 6,
    retentionMs: 30 * DAY,
    producer: 'auth-service',
    consumers: ['user-service'],
  },
  userProfileUpdated: {
    name: 'user.profile-updated.v1',
    partitions: 6,
    retentionMs: 30 * DAY,
    producer: 'user-service',
    consumers: [],
  },
  bankMessageReceived: {
    name: 'bank-message.received.v1',
    partitions: 6,
    retentionMs: 14 * DAY,
    producer: 'ds-service',
    consumers: ['ds-service'],
  },
  expenseParsed: {
    name: 'expense.parsed.v1',
    partitions: 6,
    retentionMs: 14 * DAY,
    producer: 'ds-service',
    consumers: ['expense-service'],
  },
  bankMessageRejected: {
    name: 'bank-message.rejected.v1',
    partitions: 6,
    retentionMs: 14 * DAY,
    producer: 'ds-service',
    consumers: [],
  },
} as const satisfies Record<string, TopicSpec>

export type TopicKey = keyof typeof topics

/** Dead-letter topic for a source topic: messages that can never be processed land here. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`
}

/** All topics including their dead-letter topics, for infrastructure provisioning. */
export function allTopicSpecs(): TopicSpec[] {
  const specs: TopicSpec[] = []
  for (const spec of Object.values(topics)) {
    specs.push(spec)
    specs.push({
      name: deadLetterTopic(spec.name),
      partitions: 1,
      retentionMs: 30 * DAY,
      producer: spec.consumers.join(',') || 'none',
      consumers: [],
    })
  }
  return specs
}
