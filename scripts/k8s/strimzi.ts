/**
 * Strimzi resources derived from packages/events/src/topics.ts: one KafkaTopic per topic (dead-letter
 * topics included) and one KafkaUser per service with SCRAM-SHA-512 credentials and ACLs limited to
 * the topics it produces/consumes plus its own consumer group(s).
 */
import { allTopicSpecs, type TopicSpec } from '../../packages/events/src/topics.js'
import { KAFKA_CLUSTER } from './services.js'

const API_VERSION = 'kafka.strimzi.io/v1'
/** Sized for the single-node dev cluster in k8s/strimzi/kafka.yaml; raise both with the node pool. */
const REPLICAS = 1
const MIN_ISR = 1

type Acl = { resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' }; operations: string[] }

export function kafkaTopics(specs: readonly TopicSpec[] = allTopicSpecs()): object[] {
  return specs.map((spec) => ({
    apiVersion: API_VERSION,
    kind: 'KafkaTopic',
    metadata: { name: spec.name, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      topicName: spec.name,
      partitions: spec.partitions,
      replicas: REPLICAS,
      config: { 'retention.ms': spec.retentionMs, 'min.insync.replicas': MIN_ISR },
    },
  }))
}

/** Services named by topics.ts; DLQ `producer` lists the source topic's consumers, comma separated. */
const producersOf = (spec: TopicSpec) => spec.producer.split(',').filter((p) => p !== '' && p !== 'none')

export function aclsFor(service: string, specs: readonly TopicSpec[] = allTopicSpecs()): Acl[] {
  const acls: Acl[] = []
  for (const spec of specs) {
    const operations = [
      ...(spec.consumers.includes(service) ? ['Read'] : []),
      ...(producersOf(spec).includes(service) ? ['Write'] : []),
    ]
    if (operations.length > 0) {
      acls.push({ resource: { type: 'topic', name: spec.name, patternType: 'literal' }, operations: [...operations, 'Describe'] })
    }
  }
  // Consumer group ids start with the service name (one group per service, optionally suffixed).
  if (specs.some((spec) => spec.consumers.includes(service))) {
    acls.push({ resource: { type: 'group', name: service, patternType: 'prefix' }, operations: ['Read', 'Describe'] })
  }
  return acls
}

export function kafkaUsers(services: readonly string[], specs: readonly TopicSpec[] = allTopicSpecs()): object[] {
  return services.map((service) => ({
    apiVersion: API_VERSION,
    kind: 'KafkaUser',
    metadata: { name: service, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls: aclsFor(service, specs) },
    },
  }))
}
