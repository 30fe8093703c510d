import t from 'tap'
import { ConfigError, envPort, extendConfigSchema, loadConfig, Type } from '../src/index.js'

const schema = extendConfigSchema({
  PORT: envPort(4004),
  DATABASE_URL: Type.String({ format: 'uri' }),
  KAFKA_BROKERS: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  KAFKA_SSL: Type.Boolean({ default: false }),
  KAFKA_SASL_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
})

const validEnv = {
  DATABASE_URL: 'postgres://expense:s3cret@localhost:5432/expense',
  KAFKA_BROKERS: 'localhost:9092, localhost:9093',
  UNRELATED: 'ignored',
}

t.test('applies defaults, coerces strings and drops variables outside the schema', async (t) => {
  const config = loadConfig(schema, { ...validEnv, KAFKA_SSL: 'true', SHUTDOWN_TIMEOUT_MS: '2500' })
  t.same(config, {
    PORT: 4004,
    HOST: '0.0.0.0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    SHUTDOWN_TIMEOUT_MS: 2500,
    JWT_ISSUER: 'expenses-tracker',
    JWT_AUDIENCE: 'expenses-api',
    DATABASE_URL: validEnv.DATABASE_URL,
    KAFKA_BROKERS: ['localhost:9092', 'localhost:9093'],
    KAFKA_SSL: true,
  })
  t.equal(typeof config.SHUTDOWN_TIMEOUT_MS, 'number')
  t.notOk('UNRELATED' in config)
})

t.test('treats empty strings as unset so defaults apply and required variables are reported', async (t) => {
  const config = loadConfig(schema, { ...validEnv, HOST: '', KAFKA_SSL: ' ' })
  t.equal(config.HOST, '0.0.0.0')
  t.equal(config.KAFKA_SSL, false)
  t.throws(() => loadConfig(schema, { ...validEnv, DATABASE_URL: '' }), /DATABASE_URL is required/)
})

t.test('reports every bad variable in one line with what is expected', async (t) => {
  const err = t.throws(() =>
    loadConfig(schema, {
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      KAFKA_BROKERS: 'localhost:9092',
      SHUTDOWN_TIMEOUT_MS: '1.5',
      KAFKA_SSL: 'maybe',
    }),
  ) as ConfigError
  t.ok(err instanceof ConfigError)
  t.notMatch(err.message, /\n/, 'a single line')
  t.match(err.message, /^Invalid configuration: /)
  t.match(err.message, 'PORT must be an integer 1-65535 (got "abc")')
  t.match(err.message, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")')
  t.match(err.message, 'SHUTDOWN_TIMEOUT_MS must be an integer >= 0 (got "1.5")')
  t.match(err.message, 'KAFKA_SSL must be true or false (got "maybe")')
  t.match(err.message, 'DATABASE_URL is required')
  t.same(err.issues.map((i) => i.variable).sort(), ['DATABASE_URL', 'KAFKA_SSL', 'LOG_LEVEL', 'PORT', 'SHUTDOWN_TIMEOUT_MS'])
})

t.test('rejects out-of-range and lossy numbers instead of rounding them', async (t) => {
  t.throws(() => loadConfig(schema, { ...validEnv, PORT: '70000' }), /PORT must be an integer 1-65535 \(got "70000"\)/)
  t.throws(() => loadConfig(schema, { ...validEnv, PORT: '80.5' }), /PORT must be an integer/)
  t.throws(() => loadConfig(schema, { ...validEnv, KAFKA_BROKERS: ' , ' }), /KAFKA_BROKERS must be a comma-separated list/)
})

t.test('never echoes secrets in the error message', async (t) => {
  const err = t.throws(() => loadConfig(schema, { ...validEnv, DATABASE_URL: 'postgres://u:hunter22@db host/x', KAFKA_SASL_PASSWORD: 'short' })) as ConfigError
  t.notMatch(err.message, 'hunter22')
  t.notMatch(err.message, 'short"')
  t.match(err.message, 'KAFKA_SASL_PASSWORD must be a string of length >= 8 (got "[redacted]")')
  t.match(err.message, /DATABASE_URL must be a valid uri \(got "postgres:\/\/u:\[Redacted\]@db host\/x"\)/)
})

t.test('base schema alone requires PORT', async (t) => {
  t.throws(() => loadConfig(extendConfigSchema({}), {}), /^Invalid configuration: PORT is required$/)
  t.equal(loadConfig(extendConfigSchema({}), { PORT: '8080' }).PORT, 8080)
})
