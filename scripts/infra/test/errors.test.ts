/**
 * The one-line errors developers see when something is missing or in the way. Real ports, real
 * PATH lookups and real database connections; no mocks.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { ensureInfra, InfraError } from '../index.js'
import { infraPorts } from '../config.js'
import { assertPortFree, waitUntil } from '../process.js'
import { checkJava, parseJavaMajor } from '../tools.js'
import { assertTraversable } from '../postgres.js'
import { freePortPair, occupy, runEnv, tempRoot } from './helpers.js'

const { databases, kafkaBrokers } = runEnv()

t.test('a port held by a foreign process is named together with the env var that moves it', async (t) => {
  const root = tempRoot('infra-port')
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const port = await freePortPair()
  const server = await occupy(port)
  t.teardown(() => server.close())
  // Kafka comes from the running test infrastructure so only the Postgres side is exercised.
  // LOCAL_KAFKA_PORT elsewhere so KAFKA_BROKERS counts as an external Kafka, not as this instance's own.
  const env = { LOCAL_PG_PORT: String(port), KAFKA_BROKERS: kafkaBrokers, LOCAL_KAFKA_PORT: String(await freePortPair()) }
  const err = await ensureInfra({ root, env }).catch((e: unknown) => e)
  t.type(err, InfraError)
  t.match((err as Error).message, new RegExp(`^port ${port} for the local Postgres is already in use by pid ${process.pid} .*set LOCAL_PG_PORT`))
  t.notOk(fs.existsSync(path.join(root, '.local', 'postgres', 'data')), 'nothing was initialised')
})

t.test('a busy Kafka port names LOCAL_KAFKA_PORT', async (t) => {
  const root = tempRoot('infra-kport')
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const port = await freePortPair()
  const server = await occupy(port + 1) // the controller port
  t.teardown(() => server.close())
  const err = await ensureInfra({ root, env: { ...process.env, ...databases, LOCAL_KAFKA_PORT: String(port), KAFKA_BROKERS: '' } }).catch((e: unknown) => e)
  t.match((err as Error).message, new RegExp(`^port ${port + 1} for the local Kafka controller is already in use .*set LOCAL_KAFKA_PORT`))
})

t.test('a port held by our own server from another checkout says where to stop it', async (t) => {
  const port = await freePortPair()
  const other = '/srv/other-checkout'
  // A listener whose command line looks like another checkout's Postgres (the argument is ignored).
  const child = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${port}, '127.0.0.1'); setInterval(() => {}, 1000)`, `${other}/.local/postgres/data`],
    { stdio: 'ignore' },
  )
  t.teardown(() => child.kill())
  await waitUntil(
    async () => {
      try {
        await assertPortFree(port, 'LOCAL_PG_PORT', 'Postgres')
        return false
      } catch {
        return true
      }
    },
    { timeoutMs: 10_000, timeoutMessage: 'listener did not start' },
  )
  const err = await assertPortFree(port, 'LOCAL_PG_PORT', 'Postgres').catch((e: unknown) => e)
  t.equal(
    (err as Error).message,
    `port ${port} for the local Postgres is already in use by a local Postgres from another checkout (${other}, pid ${child.pid}); stop it with \`npm run infra:down\` there, or set LOCAL_PG_PORT to another port`,
  )
})

t.test('no java on PATH: says to install Java 17+ or set KAFKA_BROKERS', async (t) => {
  const root = tempRoot('infra-nojava')
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const port = await freePortPair()
  const err = await ensureInfra({ root, env: { ...databases, PATH: path.join(root, 'empty-bin'), LOCAL_KAFKA_PORT: String(port) } }).catch((e: unknown) => e)
  t.type(err, InfraError)
  t.equal(
    (err as Error).message,
    'java not found: install Java 17+ (e.g. `apt-get install -y openjdk-17-jre-headless`) or set KAFKA_BROKERS to an existing Kafka',
  )
})

t.test('an old java is rejected with its version', async (t) => {
  const bin = tempRoot('infra-oldjava')
  t.teardown(() => fs.rmSync(bin, { recursive: true, force: true }))
  fs.writeFileSync(path.join(bin, 'java'), '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n', { mode: 0o755 })
  t.throws(() => checkJava({ PATH: bin }), { message: /^Java 11 found but Kafka 4 needs Java 17\+: install it .* or set KAFKA_BROKERS/ })
  t.equal(parseJavaMajor('java version "1.8.0_372"'), 8, 'old 1.x numbering')
  t.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21, 'major only')
  t.equal(parseJavaMajor('garbage'), undefined)
})

t.test('no mvn while the Kafka jars are not cached: says to install Maven or set KAFKA_BROKERS', async (t) => {
  const root = tempRoot('infra-nomvn')
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const bin = path.join(root, 'bin')
  fs.mkdirSync(bin)
  fs.symlinkSync(fs.realpathSync(findOnPath('java')), path.join(bin, 'java'))
  const port = await freePortPair()
  const err = await ensureInfra({ root, cacheRoot: root, env: { ...databases, PATH: bin, LOCAL_KAFKA_PORT: String(port) } }).catch((e: unknown) => e)
  t.equal(
    (err as Error).message,
    'mvn not found (needed once to fetch the Kafka jars from Maven Central): install Maven (e.g. `apt-get install -y maven`) or set KAFKA_BROKERS to an existing Kafka',
  )
})

t.test('an unreachable configured database is named, without its password', async (t) => {
  const env = {
    ...databases,
    KAFKA_BROKERS: kafkaBrokers,
    LOCAL_KAFKA_PORT: String(await freePortPair()),
    AUTH_DATABASE_URL: 'postgresql://auth:s3cret@127.0.0.1:1/auth_service',
  }
  const err = await ensureInfra({ root: tempRoot('infra-baddb'), env }).catch((e: unknown) => e)
  t.type(err, InfraError)
  t.match(
    (err as Error).message,
    /^AUTH_DATABASE_URL points at 127\.0\.0\.1:1\/auth_service, which is not reachable \(.*ECONNREFUSED.*\); fix it, or unset all four/,
  )
  t.notMatch((err as Error).message, /s3cret/)
})

t.test('some but not all database variables set is refused', async (t) => {
  const env = { AUTH_DATABASE_URL: databases.AUTH_DATABASE_URL, KAFKA_BROKERS: kafkaBrokers, LOCAL_KAFKA_PORT: String(await freePortPair()) }
  const err = await ensureInfra({ root: tempRoot('infra-partial'), env }).catch((e: unknown) => e)
  t.match((err as Error).message, /^AUTH_DATABASE_URL set but USER_DATABASE_URL, DS_DATABASE_URL, EXPENSE_DATABASE_URL not/)
})

t.test('an unreachable KAFKA_BROKERS is named', async (t) => {
  const port = await freePortPair()
  const err = await ensureInfra({ root: tempRoot('infra-badkafka'), env: { ...databases, KAFKA_BROKERS: `127.0.0.1:${port}` } }).catch((e: unknown) => e)
  t.match((err as Error).message, new RegExp(`^KAFKA_BROKERS=127\\.0\\.0\\.1:${port} is not reachable .*unset it to start a local Kafka`))
})

t.test('invalid port settings are rejected before anything starts', async (t) => {
  t.throws(() => infraPorts({ LOCAL_PG_PORT: 'abc' }), { message: 'LOCAL_PG_PORT=abc is not a valid TCP port (1-65535)' })
  t.throws(() => infraPorts({ LOCAL_KAFKA_PORT: '65535' }), { message: /leaves no room for the controller port/ })
  t.same(infraPorts({}), { postgres: 55432, kafka: 9092, kafkaController: 9093 })
})

t.test('a data directory the postgres user cannot reach is reported with the fix', async (t) => {
  const root = tempRoot('infra-perm')
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  fs.chmodSync(root, 0o700)
  const dataDir = path.join(root, '.local', 'postgres')
  fs.mkdirSync(dataDir, { recursive: true })
  // Run as root the server drops to the `postgres` user; this is the check made on its behalf.
  t.throws(() => assertTraversable(dataDir, true), {
    message: `the postgres user cannot enter ${root} (no o+x permission); run \`chmod o+x ${root}\` or move the checkout`,
  })
  fs.chmodSync(root, 0o755)
  t.doesNotThrow(() => assertTraversable(dataDir, true), 'fine once the folder is traversable')
})

t.test('readiness waits give up with the message that points at the log', async (t) => {
  const started = Date.now()
  await t.rejects(
    waitUntil(async () => false, { timeoutMs: 300, intervalMs: 50, timeoutMessage: 'not ready; see .local/x.log' }),
    {
      message: 'not ready; see .local/x.log',
    },
  )
  t.ok(Date.now() - started < 2000, 'bounded')
  await t.rejects(
    waitUntil(async () => false, { timeoutMs: 60_000, abort: () => 'died; see log', timeoutMessage: 'x' }),
    { message: 'died; see log' },
  )
})

function findOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, name)
    if (fs.existsSync(candidate)) return candidate
  }
  throw new Error(`${name} is not on PATH; these tests need it`)
}
