import { buildApp, createMetricsRegistry, type Logger, type PlatformApp } from '@expenses/platform'
import type { KubeConfig } from '@kubernetes/client-node'
import type { OperatorConfig } from './config.js'
import { kubeClients } from './kubernetes.js'
import { CredentialOperator } from './operator.js'
import { Reconciler } from './reconciler.js'
import { OperatorRuntime } from './runtime.js'
import { TrackerController } from './tracker/controller.js'
import { EventRecorder } from './tracker/events.js'
import { trackerClients } from './tracker/kube.js'
import { TrackerReconciler } from './tracker/reconcile.js'

export interface OperatorApp {
  app: PlatformApp
  operator: OperatorRuntime
}

/**
 * The operator process minus the listener: the credential loop and the ExpenseTracker controller behind
 * leader election, and the HTTP app serving /healthz, /readyz (JWKS + apiserver as last seen, while
 * leading) and /metrics. main.ts adds listen + graceful shutdown; tests inject.
 */
export async function buildOperatorApp(options: { config: OperatorConfig; kubeConfig: KubeConfig; logger: Logger }): Promise<OperatorApp> {
  const { config, kubeConfig, logger } = options
  const registry = createMetricsRegistry({ service: 'operator' })
  const namespace = config.OPERATOR_NAMESPACE
  const reconciler = new Reconciler({
    clients: kubeClients(kubeConfig),
    namespace,
    consumer: config.KONG_CONSUMER_NAME,
    jwksUrl: config.AUTH_JWKS_URL,
    jwksTimeoutMs: config.JWKS_TIMEOUT_MS,
    ingressClass: config.KONG_INGRESS_CLASS,
    ownerConfigMap: config.OPERATOR_OWNER_CONFIGMAP,
  })
  const clients = trackerClients(kubeConfig)
  const identity = config.POD_NAME ?? 'operator'
  // The two loops know each other through closures, called only once both exist.
  const trackers: TrackerController = new TrackerController({
    kubeConfig,
    namespace,
    registry,
    logger,
    resyncMs: config.SYNC_INTERVAL_MS,
    retryBaseMs: 500,
    retryMaxMs: config.RETRY_MAX_MS,
    reconciler: new TrackerReconciler({
      clients,
      namespace,
      logger,
      keyState: () => credentials.keyState(),
      events: new EventRecorder(clients.core, logger, identity),
    }),
  })
  const credentials: CredentialOperator = new CredentialOperator({
    reconciler,
    kubeConfig,
    namespace,
    consumer: config.KONG_CONSUMER_NAME,
    intervalMs: config.SYNC_INTERVAL_MS,
    retryMaxMs: config.RETRY_MAX_MS,
    logger,
    registry,
    // The trackers' status reports the keys: look again when they change.
    onKeyStateChange: () => trackers.enqueueAll(),
  })
  const operator = new OperatorRuntime(credentials, trackers, { config, kubeConfig, logger, registry })
  const app = await buildApp({
    service: 'operator',
    description:
      "Keeps the platform around the services: ExpenseTracker resources (Strimzi topics and users, Kong rate limits, signing-key rotation, status) and Kong's jwt credentials in step with auth-service's JWKS. No API of its own.",
    logger,
    metricsRegistry: registry,
    readinessChecks: operator.readinessChecks,
  })
  return { app, operator }
}
