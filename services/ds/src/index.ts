// ds-service as a library: for the end-to-end tests and tooling. The process entry point is main.ts.
export { buildDsApp, PREFIX, type DsApp, type DsAppDeps } from './app.js'
export { dsConfigSchema, type DsConfig } from './config.js'
export { createDb, type Db } from './db.js'
export { parserSubscriptions, processReceivedMessage } from './domain/processing.js'
export { decideOutcome, occurredAtFor } from './domain/outcome.js'
