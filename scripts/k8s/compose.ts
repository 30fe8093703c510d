/**
 * compose.yaml for people with Docker but no cluster: the same images as the charts, Kafka in KRaft
 * mode, one Postgres per service, a one-shot topic creator (topics.ts), one-shot migrations, and Kong
 * DB-less in front with k8s/kong/kong.yml, and the web app's static server behind it at `/`. The local gateway is available under the `gateway` profile.
 * Passwords here are fixed dev values for a throwaway local stack - never reuse them.
 */
import { allTopicSpecs, type TopicSpec } from '../../packages/events/src/topics.js'
import { serviceUrlsEnvVar } from '../../services/gateway/src/route-table.js'
import { AUTH_SERVICE, GATEWAY_PORT, type ServiceInfo } from './services.js'
import { DOCKERFILE, WEB_TARGET } from './dockerfile.js'

const KAFKA_IMAGE = 'apache/kafka:4.1.1'
const POSTGRES_IMAGE = 'postgres:17.6-bookworm'
const KONG_IMAGE = 'kong:3.9'

const hardened = {
  read_only: true,
  tmpfs: ['/tmp'],
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
}

/** Node's fetch as health probe: the slim image has no curl. */
const httpHealth = (port: number) => ({
  test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
  interval: '5s',
  timeout: '3s',
  retries: 20,
})

function topicCommands(specs: readonly TopicSpec[]): string {
  const bin = '/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092'
  return specs.map((s) => `${bin} --create --if-not-exists --topic ${s.name} --partitions ${s.partitions} --config retention.ms=${s.retentionMs}`).join(' && ')
}

/** The web app's static server (services/web): its Service name and port, from the route table's `web`. */
export interface WebInfo {
  readonly service: string
  readonly port: number
}

export function composeFile(services: readonly ServiceInfo[], web?: WebInfo): Record<string, unknown> {
  const compose: Record<string, Record<string, unknown>> = {
    kafka: {
      image: KAFKA_IMAGE,
      environment: {
        CLUSTER_ID: 'expenses-compose-kraft-1',
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      },
      healthcheck: {
        test: ['CMD-SHELL', '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null'],
        interval: '5s',
        timeout: '10s',
        retries: 30,
      },
    },
    'kafka-topics': {
      image: KAFKA_IMAGE,
      entrypoint: ['sh', '-c', topicCommands(allTopicSpecs())],
      depends_on: { kafka: { condition: 'service_healthy' } },
      restart: 'no',
    },
  }
  const authPort = services.find((s) => s.chart === AUTH_SERVICE)?.port
  for (const svc of services) {
    const db = `${svc.dir}-db`
    const databaseUrl = `postgresql://${svc.database}:dev-only-${svc.database}@${db}:5432/${svc.database}`
    const image = `expenses/${svc.chart}:dev`
    const build = { context: '.', dockerfile: DOCKERFILE, args: { SERVICE: svc.dir } }
    compose[db] = {
      image: POSTGRES_IMAGE,
      environment: { POSTGRES_DB: svc.database, POSTGRES_USER: svc.database, POSTGRES_PASSWORD: `dev-only-${svc.database}` },
      volumes: [`${db}-data:/var/lib/postgresql/data`],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', svc.database, '-d', svc.database], interval: '3s', timeout: '3s', retries: 30 },
    }
    compose[`${svc.dir}-migrate`] = {
      image,
      build,
      entrypoint: ['node', 'dist/migrate.js'],
      environment: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
      depends_on: { [db]: { condition: 'service_healthy' } },
      restart: 'no',
      ...hardened,
    }
    compose[svc.chart] = {
      image,
      build,
      environment: {
        PORT: String(svc.port),
        LOG_LEVEL: 'info',
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: 'kafka:9092',
        KAFKA_CLIENT_ID: svc.chart,
        KAFKA_SSL: 'false',
        ...(svc.jwksUrl ? { AUTH_JWKS_URL: svc.jwksUrl } : {}),
      },
      depends_on: {
        [db]: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        'kafka-topics': { condition: 'service_completed_successfully' },
        [`${svc.dir}-migrate`]: { condition: 'service_completed_successfully' },
        ...(svc.jwksUrl ? { [AUTH_SERVICE]: { condition: 'service_healthy' } } : {}),
      },
      healthcheck: httpHealth(svc.port),
      restart: 'unless-stopped',
      ...hardened,
    }
  }
  if (web) {
    // nginx only (no shell tools for a probe): Kong waits for it to start, not to be healthy.
    compose[web.service] = {
      image: `expenses/${web.service}:dev`,
      build: { context: '.', dockerfile: DOCKERFILE, target: WEB_TARGET },
      restart: 'unless-stopped',
      ...hardened,
    }
  }
  const webDependency = web ? { [web.service]: { condition: 'service_started' } } : {}
  compose.kong = {
    image: KONG_IMAGE,
    environment: {
      KONG_DATABASE: 'off',
      KONG_DECLARATIVE_CONFIG: '/kong/kong.yml',
      KONG_PROXY_LISTEN: '0.0.0.0:8000',
      KONG_ADMIN_LISTEN: '127.0.0.1:8001',
      KONG_PROXY_ACCESS_LOG: '/dev/stdout',
      KONG_PROXY_ERROR_LOG: '/dev/stderr',
    },
    volumes: ['./k8s/kong/kong.yml:/kong/kong.yml:ro'],
    ports: ['8000:8000'],
    depends_on: { ...Object.fromEntries(services.map((s) => [s.chart, { condition: 'service_healthy' }])), ...webDependency },
    healthcheck: { test: ['CMD', 'kong', 'health'], interval: '5s', timeout: '5s', retries: 20 },
  }
  compose.gateway = {
    image: 'expenses/gateway:dev',
    build: { context: '.', dockerfile: DOCKERFILE, args: { SERVICE: 'gateway' } },
    profiles: ['gateway'],
    environment: {
      PORT: String(GATEWAY_PORT),
      AUTH_JWKS_URL: `http://${AUTH_SERVICE}:${authPort}/auth/v1/jwks`,
      ...Object.fromEntries(services.map((s) => [serviceUrlsEnvVar(s.chart), `http://${s.chart}:${s.port}`])),
      ...(web ? { [serviceUrlsEnvVar(web.service)]: `http://${web.service}:${web.port}` } : {}),
    },
    ports: [`${GATEWAY_PORT}:${GATEWAY_PORT}`],
    depends_on: { ...Object.fromEntries(services.map((s) => [s.chart, { condition: 'service_healthy' }])), ...webDependency },
    healthcheck: httpHealth(GATEWAY_PORT),
    ...hardened,
  }
  return {
    name: 'expenses-tracker',
    services: compose,
    volumes: Object.fromEntries(services.map((s) => [`${s.dir}-db-data`, {}])),
  }
}
