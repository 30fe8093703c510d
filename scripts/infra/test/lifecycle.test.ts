/**
 * The whole local lifecycle in a throwaway folder on its own ports, next to the infrastructure the
 * test run itself uses: up starts both servers, a second up reuses them, topics match the specs,
 * down stops everything and frees the ports. Uses the real jars from the repository's .cache.
 */
import fs from 'node:fs'
import pg from 'pg'
import t from 'tap'
import kafkajs from 'kafkajs'
import { allTopicSpecs } from '@expenses/events'
import { ensureInfra, infraStatus, shellExports, stopInfra } from '../index.js'
import { infraPaths } from '../config.js'
import { isAlive, isPortFree, readPidFile } from '../process.js'
import { freePortPair, tempRoot } from './helpers.js'

const root = tempRoot('infra-lifecycle')
const pgPort = await freePortPair()
let kafkaPort = await freePortPair()
while (Math.abs(kafkaPort - pgPort) < 2) kafkaPort = await freePortPair()
// No inherited connection variables: this instance must start its own servers.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOCAL_PG_PORT: String(pgPort), LOCAL_KAFKA_PORT: String(kafkaPort) }
const opts = { root, env }
const paths = infraPaths(root)

t.teardown(async () => {
  await stopInfra(opts)
  fs.rmSync(root, { recursive: true, force: true })
})

t.test('up starts Postgres and Kafka and returns their connection variables', async (t) => {
  const first = await ensureInfra(opts)
  t.same(first.started, { postgres: true, kafka: true })
  t.equal(first.env.KAFKA_BROKERS, `127.0.0.1:${kafkaPort}`)
  for (const name of ['AUTH_DATABASE_URL', 'USER_DATABASE_URL', 'DS_DATABASE_URL', 'EXPENSE_DATABASE_URL', 'POSTGRES_ADMIN_URL']) {
    t.match(first.env[name], new RegExp(`^postgresql://[^@]+@127\\.0\\.0\\.1:${pgPort}/\\w+$`), `${name} points at the local server`)
  }
  t.ok(fs.existsSync(paths.pgLog) && fs.existsSync(paths.kafkaLog), 'logs under .local/')
  const status = await infraStatus(opts)
  t.match(status[0], /^postgres: running, pid \d+, .*healthy/)
  t.match(status[1], /^kafka: running, pid \d+, .*healthy/)
  t.notMatch(status.join('\n'), /local_dev/, 'status does not print passwords')

  const again = await ensureInfra(opts)
  t.same(again.started, { postgres: false, kafka: false }, 'a second up reuses the running servers')
  t.same(again.env, first.env)

  const client = new pg.Client({ connectionString: first.env.EXPENSE_DATABASE_URL })
  await client.connect()
  t.equal((await client.query('SELECT current_user AS u')).rows[0]?.u, 'expense_service')
  await client.end()
})

t.test('every topic from the specs exists with its partitions and retention', async (t) => {
  const admin = new kafkajs.Kafka({ brokers: [`127.0.0.1:${kafkaPort}`], logLevel: kafkajs.logLevel.NOTHING }).admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  const specs = allTopicSpecs()
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) })
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name: s.name, configNames: ['retention.ms'] })),
  })
  for (const spec of specs) {
    t.equal(topics.find((x) => x.name === spec.name)?.partitions.length, spec.partitions, `${spec.name} partitions`)
    const retention = configs.resources.find((r) => r.resourceName === spec.name)?.configEntries[0]?.configValue
    t.equal(retention, String(spec.retentionMs), `${spec.name} retention.ms`)
  }
})

t.test('env output is shell-quoted export lines', async (t) => {
  t.equal(shellExports({ A: "it's", B: 'x y' }), "export A='it'\\''s'\nexport B='x y'")
})

t.test('down stops both servers, frees the ports and removes the pid files', async (t) => {
  const pgPid = readPidFile(paths.pgPidFile)
  const kafkaPid = readPidFile(paths.kafkaPidFile)
  t.ok(pgPid !== undefined && kafkaPid !== undefined, 'pid files written')
  t.same(await stopInfra(opts), { postgres: true, kafka: true })
  t.notOk(isAlive(pgPid as number), 'postgres process gone')
  t.notOk(isAlive(kafkaPid as number), 'kafka process gone')
  t.ok(await isPortFree(pgPort), 'postgres port free')
  t.ok(await isPortFree(kafkaPort), 'kafka port free')
  t.notOk(fs.existsSync(paths.pgPidFile) || fs.existsSync(paths.kafkaPidFile), 'pid files removed')
  t.same(await stopInfra(opts), { postgres: false, kafka: false }, 'a second down is a no-op')
  t.match((await infraStatus(opts))[0], /^postgres: not running/)
})

t.test('up after down restarts on the kept data', async (t) => {
  const again = await ensureInfra(opts)
  t.same(again.started, { postgres: true, kafka: true })
  const client = new pg.Client({ connectionString: again.env.AUTH_DATABASE_URL })
  await client.connect()
  t.equal((await client.query('SELECT 1 AS one')).rows[0]?.one, 1)
  await client.end()
})

t.test('variables printed by `env` for this very instance still mean "the local servers"', async (t) => {
  const { env: printed } = await ensureInfra(opts)
  // As after `eval "$(cli.ts env)"`: up must keep managing (and provisioning) its own servers.
  await stopInfra(opts)
  const again = await ensureInfra({ root, env: { ...env, ...printed } })
  t.same(again.started, { postgres: true, kafka: true }, 'restarted instead of failing as an unreachable external server')
})
