import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { ConfigError } from '@expenses/platform'
import { KubeBinariesMissingError, kubeBinaries, startRotatingTokenIssuer } from '@expenses/testing'
import { loadOperatorConfig } from '../src/config.js'
import { fetchSigningKeys, JwksError, parseSigningKeys } from '../src/jwks.js'
import { managedSelector, secretNameForKid } from '../src/naming.js'

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

function rsaJwk(kid: string) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
}

t.test('Secret names are valid DNS-1123 names, stable per kid and distinct for kids that sanitise alike', async (t) => {
  t.equal(secretNameForKid('kong', 'abc-123'), 'kong-jwt-abc-123', 'a kid that is already a valid name is kept as is')
  t.equal(secretNameForKid('kong', 'Key_1'), secretNameForKid('kong', 'Key_1'), 'stable')
  t.not(secretNameForKid('kong', 'Key_1'), secretNameForKid('kong', 'key-1'), 'no collision')
  t.not(secretNameForKid('kong', 'key.1'), secretNameForKid('kong', 'key-1'))
  for (const kid of ['Key_1', '---', '2026-11-25T10:00:00Z', 'ä', 'x'.repeat(600), 'k/../../etc']) {
    const name = secretNameForKid('expenses-auth-service', kid)
    t.match(name, DNS_1123_SUBDOMAIN, `${kid.slice(0, 20)} -> ${name.slice(0, 60)}`)
    t.ok(name.length <= 253)
  }
  t.equal(managedSelector('c'), 'app.kubernetes.io/managed-by=expenses-operator,konghq.com/credential=jwt,operator.expenses-tracker.io/consumer=c')
})

t.test('parseSigningKeys converts RSA JWKs to SPKI PEM and rejects anything else as a whole', async (t) => {
  const keys = parseSigningKeys({ keys: [rsaJwk('a'), rsaJwk('b')] })
  t.same(
    keys.map((k) => k.kid),
    ['a', 'b'],
  )
  t.match(keys[0]?.pem, /^-----BEGIN PUBLIC KEY-----\n/)

  const good = rsaJwk('good')
  const bad: [string, unknown][] = [
    ['null', null],
    ['no keys array', { keys: 'x' }],
    ['empty set', { keys: [] }],
    ['key without kid', { keys: [{ ...good, kid: undefined }] }],
    ['duplicate kid', { keys: [good, good] }],
    ['EC key next to a good one', { keys: [good, { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'a', y: 'b' }] }],
    ['RSA key for another alg', { keys: [{ ...good, alg: 'RS512' }] }],
    ['encryption key', { keys: [{ ...good, use: 'enc' }] }],
    ['RSA key without modulus', { keys: [{ ...good, n: undefined }] }],
    ['RSA key with a broken modulus', { keys: [{ ...good, n: '!!!' }] }],
    ['RSA key with a short modulus', { keys: [{ ...good, n: (good.n ?? '').slice(0, 100) }] }],
  ]
  for (const [what, document] of bad) t.throws(() => parseSigningKeys(document), JwksError, what)
})

t.test('parseSigningKeys ignores private members: a leaked "d" never becomes a private key', async (t) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const [key] = parseSigningKeys({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'leaky' }] })
  t.match(key?.pem, /^-----BEGIN PUBLIC KEY-----/)
  t.notMatch(key?.pem, /PRIVATE/)
})

t.test('fetchSigningKeys reads a real JWKS endpoint and turns every failure into a JwksError', async (t) => {
  const issuer = await startRotatingTokenIssuer()
  t.teardown(() => issuer.close())
  t.same(
    (await fetchSigningKeys(issuer.jwksUrl, 2000)).map((k) => k.kid),
    [issuer.signingKid],
  )
  issuer.fault('http-500')
  await t.rejects(fetchSigningKeys(issuer.jwksUrl, 2000), { name: 'JwksError', message: /HTTP 500/ })
  issuer.fault('garbage')
  await t.rejects(fetchSigningKeys(issuer.jwksUrl, 2000), { name: 'JwksError', message: /not JSON/ })

  // A JWKS endpoint that accepts the connection and never answers: the timeout ends the fetch.
  const hanging = createServer(() => {})
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    hanging.closeAllConnections()
    hanging.close()
  })
  const started = Date.now()
  await t.rejects(fetchSigningKeys(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/jwks`, 300), { name: 'JwksError' })
  t.ok(Date.now() - started < 3000, 'gave up after the timeout')
})

t.test('OPERATOR_NAMESPACE defaults to the pod namespace file and is required outside a cluster', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'operator-config-'))
  const file = path.join(dir, 'namespace')
  writeFileSync(file, 'expenses\n')
  t.equal(loadOperatorConfig({}, file).OPERATOR_NAMESPACE, 'expenses')
  t.equal(loadOperatorConfig({ OPERATOR_NAMESPACE: 'other' }, file).OPERATOR_NAMESPACE, 'other', 'the variable wins')
  t.throws(() => loadOperatorConfig({}, path.join(dir, 'missing')), ConfigError)
  t.throws(() => loadOperatorConfig({ OPERATOR_NAMESPACE: 'Not_A_Namespace' }, file), { message: /OPERATOR_NAMESPACE/ })
  t.throws(() => loadOperatorConfig({ KONG_CONSUMER_NAME: 'UPPER' }, file), { message: /KONG_CONSUMER_NAME/ })
  t.throws(() => loadOperatorConfig({ SYNC_INTERVAL_MS: '10' }, file), { message: /SYNC_INTERVAL_MS/ })
  const config = loadOperatorConfig({}, file)
  t.same(
    [config.PORT, config.SYNC_INTERVAL_MS, config.KONG_CONSUMER_NAME, config.AUTH_JWKS_URL],
    [4005, 30_000, 'expenses-auth-service', 'http://auth-service:4001/auth/v1/jwks'],
  )
})

t.test('without the control-plane binaries the test helper fails with one line naming the install script', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'no-kube-'))
  const printed: string[] = []
  const error = console.error
  console.error = (...args: unknown[]) => printed.push(args.join(' '))
  try {
    t.throws(() => kubeBinaries(dir), KubeBinariesMissingError)
  } finally {
    console.error = error
  }
  t.same(printed, ['etcd and kube-apiserver not found in .tools/bin: run bash scripts/tools/install-kube.sh'])
})
