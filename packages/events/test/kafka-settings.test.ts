// Kafka connection settings: one schema (kafkaConnectionConfig) loaded like every other setting, and
// one function that turns the loaded values into client settings. No broker is needed here.
import t from 'tap'
import { kafkaConnectionConfig, kafkaSettings } from '@expenses/events'
import { loadConfig, Type } from '@expenses/platform'

const schema = Type.Object(kafkaConnectionConfig)
const load = (env: Record<string, string>) => kafkaSettings(loadConfig(schema, env), 'ds-service')

t.test('brokers, client id and TLS from the environment', async (t) => {
  t.same(load({ KAFKA_BROKERS: ' a:9092, b:9092 ' }), { brokers: ['a:9092', 'b:9092'], clientId: 'ds-service', ssl: false })
  t.same(load({ KAFKA_BROKERS: 'a:9092', KAFKA_CLIENT_ID: 'ds-7', KAFKA_SSL: 'true' }), { brokers: ['a:9092'], clientId: 'ds-7', ssl: true })
})

t.test('SASL in either case, with its credentials', async (t) => {
  const settings = load({
    KAFKA_BROKERS: 'a:9093',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'ds-service',
    KAFKA_SASL_PASSWORD: 'secret-pass',
  })
  t.same(settings.sasl, { mechanism: 'scram-sha-512', username: 'ds-service', password: 'secret-pass' })
  t.equal(load({ KAFKA_BROKERS: 'a:9093', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).sasl?.mechanism, 'plain')
})

t.test('bad values are refused with the variable named, and the password is never echoed', async (t) => {
  t.throws(() => load({}), /KAFKA_BROKERS is required/)
  t.throws(() => load({ KAFKA_BROKERS: 'a:9092,,b:9092' }), /KAFKA_BROKERS must/)
  t.throws(() => load({ KAFKA_BROKERS: 'a:9092', KAFKA_SSL: 'maybe' }), /KAFKA_SSL must be true or false/)
  t.throws(() => load({ KAFKA_BROKERS: 'a:9092', KAFKA_SASL_MECHANISM: 'gssapi' }), /KAFKA_SASL_MECHANISM must/)
  t.throws(
    () => load({ KAFKA_BROKERS: 'a:9092', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'only-password' }),
    /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/,
  )
  const err = (() => {
    try {
      load({ KAFKA_BROKERS: 'a:9092', KAFKA_SASL_MECHANISM: 'nope', KAFKA_SASL_PASSWORD: 'hunter2-secret' })
    } catch (e) {
      return e as Error
    }
    return undefined
  })()
  t.ok(err, 'refused')
  t.notMatch(err?.message ?? '', /hunter2-secret/, 'the password does not appear in the error')
})
