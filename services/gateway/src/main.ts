import { loadConfig, runService } from '@expenses/platform'
import { buildGateway } from './app.js'
import { gatewayConfigSchema } from './config.js'

const config = loadConfig(gatewayConfigSchema)
const { app, table } = await buildGateway(config)
app.log.info({ routes: table.routes.length, source: table.source }, 'route table loaded')
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS })
