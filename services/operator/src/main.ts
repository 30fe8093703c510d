import { createLogger, runService } from '@expenses/platform'
import { KubeConfig } from '@kubernetes/client-node'
import { buildOperatorApp } from './app.js'
import { loadOperatorConfig } from './config.js'

const config = loadOperatorConfig()
const logger = createLogger({ service: 'operator', level: config.LOG_LEVEL })
// KUBECONFIG (local runs, tests) or else ~/.kube/config, or else the pod's ServiceAccount (in-cluster).
const kubeConfig = new KubeConfig()
kubeConfig.loadFromDefault()

const { app, operator } = await buildOperatorApp({ config, kubeConfig, logger })
const running = await runService({
  app,
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: [{ name: 'reconcile loop', fn: () => operator.stop() }],
})
operator.start()
logger.info(
  {
    address: running.address,
    namespace: config.OPERATOR_NAMESPACE,
    consumer: config.KONG_CONSUMER_NAME,
    jwks: config.AUTH_JWKS_URL,
    server: kubeConfig.getCurrentCluster()?.server,
  },
  'operator started',
)
