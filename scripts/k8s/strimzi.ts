/**
 * The static Strimzi YAML in k8s/strimzi/ (topics.yaml, users.yaml), for clusters that run Strimzi without
 * the operator. The objects come from the operator's own builders (services/operator/src/tracker/resources.ts)
 * with the ExpenseTracker CRD's defaults, so `kubectl apply -f k8s/strimzi/` and an ExpenseTracker with an
 * empty spec create the same topics and users.
 */
import { DEFAULT_SPEC } from '../../services/operator/src/tracker/crd.js'
import { aclsFor, kafkaTopics as topicsFor, kafkaUsers as usersFor, type DesiredObject } from '../../services/operator/src/tracker/resources.js'
import { allTopicSpecs } from '../../packages/events/src/topics.js'
import { KAFKA_CLUSTER } from './services.js'

const spec = { ...DEFAULT_SPEC, kafka: { ...DEFAULT_SPEC.kafka, clusterName: KAFKA_CLUSTER } }

export const kafkaTopics = (): DesiredObject[] => topicsFor(spec, {}, allTopicSpecs())
export const kafkaUsers = (): DesiredObject[] => usersFor(spec, {}, allTopicSpecs())
export const aclsForService = (service: string) => aclsFor(service, allTopicSpecs())
