import { buildApp, createMetricsRegistry, type Logger, type PlatformApp } from '@expenses/platform'
import type { KubeConfig } from '@kubernetes/client-node'
import type { OperatorConfig } from './config.js'
import { kubeClients } from './kubernetes.js'
import { CredentialOperator } from './operator.js'
import { Reconciler } from './reconciler.js'

export interface OperatorApp {
  app: PlatformApp
  operator: CredentialOperator
}

/**
 * The operator process minus the listener: the reconcile loop and the HTTP app serving /healthz, /readyz
 * (JWKS + apiserver as last seen) and /metrics. main.ts adds listen + graceful shutdown; tests inject.
 */
export async function buildOperatorApp(options: { config: OperatorConfig; kubeConfig: KubeConfig; logger: Logger }): Promise<OperatorApp> {
  const { config, kubeConfig, logger } = options
  const registry = createMetricsRegistry({ service: 'operator' })
  const reconciler = new Reconciler({
    clients: kubeClients(kubeConfig),
    namespace: config.OPERATOR_NAMESPACE,
    consumer: config.KONG_CONSUMER_NAME,
    jwksUrl: config.AUTH_JWKS_URL,
    jwksTimeoutMs: config.JWKS_TIMEOUT_MS,
    ingressClass: config.KONG_INGRESS_CLASS,
    ownerConfigMap: config.OPERATOR_OWNER_CONFIGMAP,
  })
  const operator = new CredentialOperator({
    reconciler,
    kubeConfig,
    namespace: config.OPERATOR_NAMESPACE,
    consumer: config.KONG_CONSUMER_NAME,
    intervalMs: config.SYNC_INTERVAL_MS,
    retryMaxMs: config.RETRY_MAX_MS,
    logger,
    registry,
  })
  const app = await buildApp({
    service: 'operator',
    description: "Keeps Kong's jwt credentials in sync with auth-service's signing keys. No API of its own.",
    logger,
    metricsRegistry: registry,
    readinessChecks: operator.readinessChecks,
  })
  return { app, operator }
}
