/**
 * The ExpenseTracker custom resource: its TypeScript shape and its CustomResourceDefinition, which
 * scripts/k8s/generate.ts writes to charts/operator/crds/ (Helm installs a chart's crds/ before its
 * templates). The CRD's schema is the contract a platform team edits with `kubectl edit expensetracker`:
 * defaults live here, not in the controller, so `kubectl get -o yaml` shows what is in force.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node'

export const TRACKER = {
  group: 'expenses-tracker.io',
  version: 'v1alpha1',
  kind: 'ExpenseTracker',
  plural: 'expensetrackers',
  singular: 'expensetracker',
  shortName: 'et',
} as const

export const TRACKER_API_VERSION = `${TRACKER.group}/${TRACKER.version}`

export interface RateLimitTier {
  /** The tier's KongPlugin is `<tracker>-<name>-rate-limit`, the name the release's Ingresses reference. */
  name: string
  perMinute: number
  perHour?: number
  limitBy: 'ip' | 'consumer'
}

export interface ExpenseTrackerSpec {
  /** strimzi false: Kafka is not run by Strimzi here (the chart's dev Kafka makes its own topics), so no KafkaTopic or KafkaUser is made. */
  kafka: { clusterName: string; strimzi: boolean }
  topics: {
    partitions: number
    replicas: number
    minInSyncReplicas: number
    /** Unset: each topic keeps the retention the event kit gives it. */
    retentionHours?: number
    deadLetterRetentionHours: number
  }
  signingKeys: {
    /** 0 turns scheduled rotation off. */
    rotationPeriodHours: number
    retainOldKeysMinutes: number
    /** The Deployment whose pod template the rotation Job runs `rotate-keys` in (its image, env, database). */
    authDeployment: string
  }
  rateLimits: { tiers: RateLimitTier[] }
  /** Deployments of the release whose availability counts towards Ready. */
  deployments: string[]
}

export interface Condition {
  type: 'Ready' | 'Progressing' | 'Degraded'
  status: 'True' | 'False' | 'Unknown'
  reason: string
  message: string
  lastTransitionTime: string
  observedGeneration: number
}

export interface ExpenseTrackerStatus {
  observedGeneration?: number
  conditions?: Condition[]
  kafka?: { topics: number; topicsReady: number; users: number; usersReady: number; summary: string }
  keys?: {
    published: number
    lastRotationTime?: string
    nextRotationTime?: string
    lastRotationJob?: string
    /** The last rotate-keys annotation value served. */
    lastRotationRequest?: string
    summary: string
  }
  gateway?: { rateLimitTiers: number }
  deployments?: { available: number; total: number }
}

export interface ExpenseTracker {
  apiVersion: string
  kind: string
  metadata: V1ObjectMeta
  spec: ExpenseTrackerSpec
  status?: ExpenseTrackerStatus
}

/**
 * What the apiserver makes of `spec: {}` through the CRD's defaults (a test creates one and compares).
 * Used where no apiserver defaults for us: the static k8s/strimzi/ YAML.
 */
export const DEFAULT_SPEC: ExpenseTrackerSpec = {
  kafka: { clusterName: 'expenses-kafka', strimzi: true },
  topics: { partitions: 6, replicas: 1, minInSyncReplicas: 1, deadLetterRetentionHours: 720 },
  signingKeys: { rotationPeriodHours: 720, retainOldKeysMinutes: 20, authDeployment: 'auth-service' },
  rateLimits: { tiers: [] },
  deployments: [],
}

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'

const int = (description: string, minimum: number, maximum: number, defaultValue?: number) => ({
  type: 'integer',
  description,
  minimum,
  maximum,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
})

const condition = {
  type: 'object',
  required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
  properties: {
    type: { type: 'string', maxLength: 316 },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string', maxLength: 1024 },
    message: { type: 'string', maxLength: 32768 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', minimum: 0 },
  },
}

export const specSchema = {
  type: 'object',
  description: 'The platform around the release: Kafka topics and users, signing-key rotation, rate limits.',
  properties: {
    // Whole objects as defaults, not {}: the apiserver checks a default against the object's CEL rules
    // before the nested defaults fill it in.
    kafka: {
      type: 'object',
      default: DEFAULT_SPEC.kafka,
      properties: {
        clusterName: {
          type: 'string',
          description: 'The Strimzi Kafka cluster (strimzi.io/cluster label of topics and users)',
          pattern: DNS_LABEL,
          maxLength: 63,
          default: 'expenses-kafka',
        },
        strimzi: {
          type: 'boolean',
          description: "Make the KafkaTopics and KafkaUsers; false where Kafka is not run by Strimzi (the chart's dev Kafka makes its own topics)",
          default: true,
        },
      },
    },
    topics: {
      type: 'object',
      default: DEFAULT_SPEC.topics,
      description: "One KafkaTopic per topic of the event kit's list (dead-letter topics included)",
      properties: {
        partitions: {
          ...int('Partitions of every event topic (dead-letter topics have one); Kafka can add partitions, never remove them', 1, 1000, 6),
          'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'partitions can only grow: Kafka cannot remove partitions from a topic' }],
        },
        replicas: int('Replicas of every topic', 1, 10, 1),
        minInSyncReplicas: int('min.insync.replicas of every topic', 1, 10, 1),
        retentionHours: int("retention.ms of the event topics, in hours; unset = each topic's own retention from the event kit", 1, 87600),
        deadLetterRetentionHours: int('retention.ms of the dead-letter topics, in hours', 1, 87600, 720),
      },
      'x-kubernetes-validations': [{ rule: 'self.minInSyncReplicas <= self.replicas', message: 'minInSyncReplicas cannot exceed replicas' }],
    },
    signingKeys: {
      type: 'object',
      default: DEFAULT_SPEC.signingKeys,
      properties: {
        rotationPeriodHours: int("How often auth-service's signing key is rotated (0 = never on a schedule)", 0, 87600, 720),
        retainOldKeysMinutes: int(
          'How long a rotated key stays in the JWKS (and at Kong); auth-service keeps it at least its access-token lifetime plus 5 minutes',
          1,
          525600,
          20,
        ),
        authDeployment: {
          type: 'string',
          description: 'The auth-service Deployment; the rotation Job runs in its pod template',
          pattern: DNS_LABEL,
          maxLength: 63,
          default: 'auth-service',
        },
      },
      'x-kubernetes-validations': [
        {
          rule: 'self.rotationPeriodHours == 0 || self.retainOldKeysMinutes < self.rotationPeriodHours * 60',
          message: 'retainOldKeysMinutes must be shorter than the rotation period, or old keys pile up in the JWKS',
        },
      ],
    },
    rateLimits: {
      type: 'object',
      default: DEFAULT_SPEC.rateLimits,
      properties: {
        tiers: {
          type: 'array',
          default: [],
          maxItems: 64,
          description: 'One rate-limiting KongPlugin per tier, named <tracker>-<tier>-rate-limit',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name', 'perMinute'],
            properties: {
              name: { type: 'string', pattern: DNS_LABEL, maxLength: 40 },
              perMinute: int('Requests per minute per client', 1, 1_000_000),
              perHour: int('Requests per hour per client (optional)', 1, 60_000_000),
              limitBy: { type: 'string', enum: ['ip', 'consumer'], default: 'ip' },
            },
            'x-kubernetes-validations': [{ rule: '!has(self.perHour) || self.perHour >= self.perMinute', message: 'perHour cannot be below perMinute' }],
          },
        },
      },
    },
    deployments: {
      type: 'array',
      default: [],
      maxItems: 64,
      description: 'Deployments of the release whose availability counts towards Ready',
      'x-kubernetes-list-type': 'set',
      items: { type: 'string', pattern: DNS_LABEL, maxLength: 63 },
    },
  },
}

const statusSchema = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer', minimum: 0 },
    conditions: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: condition },
    kafka: {
      type: 'object',
      properties: {
        topics: { type: 'integer' },
        topicsReady: { type: 'integer' },
        users: { type: 'integer' },
        usersReady: { type: 'integer' },
        summary: { type: 'string' },
      },
    },
    keys: {
      type: 'object',
      properties: {
        published: { type: 'integer' },
        lastRotationTime: { type: 'string', format: 'date-time' },
        nextRotationTime: { type: 'string', format: 'date-time' },
        lastRotationJob: { type: 'string' },
        lastRotationRequest: { type: 'string' },
        summary: { type: 'string' },
      },
    },
    gateway: { type: 'object', properties: { rateLimitTiers: { type: 'integer' } } },
    deployments: { type: 'object', properties: { available: { type: 'integer' }, total: { type: 'integer' } } },
  },
}

/**
 * The CRD as the YAML manifest Helm installs. A plain object, not client-node's V1CustomResourceDefinition:
 * that model renames `default` and the x-kubernetes-* extensions (`_default`, `x_kubernetes_validations`).
 * Tests load the generated file with loadYaml(), which maps them back.
 */
export function expenseTrackerCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${TRACKER.plural}.${TRACKER.group}` },
    spec: {
      group: TRACKER.group,
      scope: 'Namespaced',
      names: { kind: TRACKER.kind, plural: TRACKER.plural, singular: TRACKER.singular, shortNames: [TRACKER.shortName], listKind: `${TRACKER.kind}List` },
      versions: [
        {
          name: TRACKER.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Kafka', type: 'string', jsonPath: '.status.kafka.summary' },
            { name: 'Keys', type: 'string', jsonPath: '.status.keys.summary' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'An expense-tracker release as the operator keeps it: its Kafka topics and users, signing keys and rate limits.',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { ...specSchema, default: {} },
                status: statusSchema,
              },
            },
          },
        },
      ],
    },
  }
}
