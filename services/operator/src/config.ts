import { readFileSync } from 'node:fs'
import { ConfigError, envPort, extendConfigSchema, loadConfig, Type, type Static } from '@expenses/platform'

/** Where a pod finds its own namespace (mounted with the ServiceAccount token). */
export const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'

// DNS-1123 subdomain: what Kubernetes accepts as a Secret / KongConsumer name.
const DNS_1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'

export const operatorConfigSchema = extendConfigSchema({
  PORT: envPort(4005),
  AUTH_JWKS_URL: Type.String({
    pattern: '^https?://',
    default: 'http://auth-service:4001/auth/v1/jwks',
    description: "auth-service's JWKS, the source of truth for Kong's jwt credentials",
  }),
  OPERATOR_NAMESPACE: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      maxLength: 63,
      description: "Namespace of the Secrets and the KongConsumer; default: the pod's own",
    }),
  ),
  KONG_CONSUMER_NAME: Type.String({
    pattern: DNS_1123_SUBDOMAIN,
    maxLength: 200,
    default: 'expenses-auth-service',
    description: 'KongConsumer that owns the jwt credentials (also its Kong username)',
  }),
  OPERATOR_OWNER_CONFIGMAP: Type.Optional(
    Type.String({
      pattern: DNS_1123_SUBDOMAIN,
      maxLength: 253,
      description: 'ConfigMap in the namespace that owns the Secrets and the KongConsumer (the chart sets its own), so uninstalling the release removes them',
    }),
  ),
  KONG_INGRESS_CLASS: Type.String({ minLength: 1, default: 'kong', description: 'kubernetes.io/ingress.class of the KongConsumer' }),
  SYNC_INTERVAL_MS: Type.Integer({ minimum: 100, default: 30_000, description: 'Full reconcile period' }),
  JWKS_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000, description: 'Time limit of one JWKS fetch' }),
  RETRY_MAX_MS: Type.Integer({ minimum: 100, default: 30_000, description: 'Longest backoff between failed reconciles' }),
  LEADER_ELECTION: Type.Boolean({ default: true, description: 'Act only while holding the Lease, so several replicas never act at once' }),
  LEASE_NAME: Type.String({
    pattern: DNS_1123_SUBDOMAIN,
    maxLength: 253,
    default: 'expenses-operator',
    description: 'The coordination.k8s.io Lease the replicas compete for',
  }),
  LEASE_DURATION_MS: Type.Integer({
    minimum: 2_000,
    default: 15_000,
    description: "How long a Lease not renewed stays its holder's: the longest a standby waits after the leader dies",
  }),
  LEASE_RETRY_MS: Type.Integer({ minimum: 200, default: 2_000, description: 'How often the leader renews and a standby retries' }),
  POD_NAME: Type.Optional(
    Type.String({ minLength: 1, maxLength: 253, description: "This replica's identity in the Lease (the chart sets the pod name); default: hostname and pid" }),
  ),
})

export type OperatorConfig = Static<typeof operatorConfigSchema> & { OPERATOR_NAMESPACE: string }

/**
 * loadConfig plus the namespace default: outside a cluster OPERATOR_NAMESPACE must be given; inside one the
 * pod's own namespace is read from the ServiceAccount mount, so the chart needs no downward-API plumbing.
 */
export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env, namespaceFile = IN_CLUSTER_NAMESPACE_FILE): OperatorConfig {
  const config = loadConfig(operatorConfigSchema, env)
  const namespace = config.OPERATOR_NAMESPACE ?? readNamespaceFile(namespaceFile)
  if (!namespace) {
    throw new ConfigError([{ variable: 'OPERATOR_NAMESPACE', message: `OPERATOR_NAMESPACE is required outside a cluster (${namespaceFile} not found)` }])
  }
  return { ...config, OPERATOR_NAMESPACE: namespace }
}

function readNamespaceFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}
