import { verify } from 'node:crypto'
import t, { type Test } from 'tap'
import { startRotatingTokenIssuer, type JwksFault } from '@expenses/testing'
import { JwksError } from '../src/jwks.js'
import { CONSUMER_LABEL, CREDENTIAL_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, secretNameForKid } from '../src/naming.js'
import { CONSUMER, decoded, managedKids, managedSecrets, newNamespace, readConsumer, reconcilerFor, startControlPlane } from './helper.js'

// One real etcd + kube-apiserver for the whole file; every test works in its own namespace.
const { clients } = await startControlPlane(t)

async function issuerFor(test: Test) {
  const issuer = await startRotatingTokenIssuer()
  test.teardown(() => issuer.close())
  return issuer
}

t.test('first sync creates one labelled jwt credential Secret per kid and a KongConsumer listing them', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const result = await reconcilerFor(clients, namespace, issuer.jwksUrl).reconcile()

  const name = secretNameForKid(CONSUMER, issuer.signingKid)
  t.same(result.created, [name])
  t.equal(result.consumer, 'created')
  const secret = (await managedSecrets(clients, namespace)).get(name)
  t.ok(secret, 'Secret exists')
  t.same(secret?.metadata?.labels, { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [CREDENTIAL_LABEL]: 'jwt', [CONSUMER_LABEL]: CONSUMER })
  const data = decoded(secret)
  t.equal(data.key, issuer.signingKid, 'key is the kid Kong matches against the token (key_claim_name: kid)')
  t.equal(data.algorithm, 'RS256')
  t.equal(data.rsa_public_key, issuer.publicKeyPem(issuer.signingKid), 'PEM is the SPKI form of the published JWK')

  const consumer = await readConsumer(clients, namespace)
  t.same(consumer?.credentials, [name])
  t.equal(consumer?.username, CONSUMER)
  t.equal(consumer?.metadata.annotations?.['kubernetes.io/ingress.class'], 'kong', 'Kong Ingress Controller only reads annotated consumers')
})

t.test('the PEM stored in the Secret verifies a token the issuer signed, and rejects a tampered one', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  await reconcilerFor(clients, namespace, issuer.jwksUrl).reconcile()
  const token = issuer.token('5b0f7c4e-2d7e-4a53-9d2a-000000000001')
  const [header = '', payload = '', signature = ''] = token.split('.')
  const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid
  // What Kong does: find the credential whose key equals the token's kid, verify with its rsa_public_key.
  const secret = [...(await managedSecrets(clients, namespace)).values()].find((s) => decoded(s).key === kid)
  const pem = decoded(secret).rsa_public_key ?? ''
  t.ok(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), pem, Buffer.from(signature, 'base64url')), 'signature verifies')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')
  t.notOk(verify('RSA-SHA256', Buffer.from(`${header}.${forged}`), pem, Buffer.from(signature, 'base64url')), 'changed payload fails')
})

t.test('rotation adds the new kid at once and removes the old one only after it leaves the JWKS', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl)
  const oldKid = issuer.signingKid
  await reconciler.reconcile()

  const newKid = issuer.rotate()
  const during = await reconciler.reconcile()
  t.same(await managedKids(clients, namespace), [oldKid, newKid].sort(), 'both keys are valid during the rotation')
  t.same(during.deleted, [])
  t.equal(during.consumer, 'updated')
  t.same((await readConsumer(clients, namespace))?.credentials, [secretNameForKid(CONSUMER, oldKid), secretNameForKid(CONSUMER, newKid)].sort())

  const again = await reconciler.reconcile()
  t.same([again.created, again.updated, again.deleted, again.consumer], [[], [], [], 'unchanged'], 'a second pass changes nothing')

  issuer.retire(oldKid)
  const after = await reconciler.reconcile()
  t.same(after.deleted, [secretNameForKid(CONSUMER, oldKid)])
  t.same(await managedKids(clients, namespace), [newKid])
  t.same((await readConsumer(clients, namespace))?.credentials, [secretNameForKid(CONSUMER, newKid)])
})

t.test('a JWKS that is down, failing or not understood deletes nothing and writes nothing', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl)
  await reconciler.reconcile()
  issuer.rotate()
  await reconciler.reconcile()
  const before = await managedSecrets(clients, namespace)
  const versions = [...before.values()].map((s) => s.metadata?.resourceVersion).sort()
  t.equal(before.size, 2)

  const faults: JwksFault[] = ['http-500', 'garbage', 'empty', 'non-rsa']
  for (const fault of faults) {
    issuer.fault(fault)
    await t.rejects(reconciler.reconcile(), JwksError, `${fault}: rejected as a JwksError`)
  }
  issuer.fault('none')
  // Unreachable: nothing listens on the URL any more.
  await issuer.close()
  await t.rejects(reconciler.reconcile(), { name: 'JwksError', message: /fetch .* failed/ }, 'network error: rejected as a JwksError')

  const after = await managedSecrets(clients, namespace)
  t.same([...after.values()].map((s) => s.metadata?.resourceVersion).sort(), versions, 'the same Secrets, not even rewritten')
  t.equal((await readConsumer(clients, namespace))?.credentials?.length, 2, 'the consumer still lists both')
})

t.test('Secrets without our managed-by label are never changed or deleted, even on a name clash', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  // Someone's own jwt credential in the same namespace, and a Secret squatting the name our kid maps to.
  const foreign = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hand-made-jwt', labels: { [CREDENTIAL_LABEL]: 'jwt' } },
    stringData: { key: 'other', algorithm: 'RS256', rsa_public_key: 'x' },
  }
  const squatter = { apiVersion: 'v1', kind: 'Secret', metadata: { name: secretNameForKid(CONSUMER, issuer.signingKid) }, stringData: { note: 'not yours' } }
  await clients.core.createNamespacedSecret({ namespace, body: foreign })
  await clients.core.createNamespacedSecret({ namespace, body: squatter })
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl)

  const result = await reconciler.reconcile()
  t.same(result.conflicts, [issuer.signingKid], 'the clash is reported')
  t.same(result.credentials, [], 'and the squatter is not listed as a credential')
  const newKid = issuer.rotate()
  issuer.retire(result.conflicts[0] ?? '')
  const next = await reconciler.reconcile()
  t.same(next.credentials, [secretNameForKid(CONSUMER, newKid)])
  t.same(next.deleted, [], 'the squatter is not deleted when its kid leaves the JWKS')

  const hand = await clients.core.readNamespacedSecret({ namespace, name: 'hand-made-jwt' })
  t.same(decoded(hand), { key: 'other', algorithm: 'RS256', rsa_public_key: 'x' })
  const squat = await clients.core.readNamespacedSecret({ namespace, name: squatter.metadata.name })
  t.same(decoded(squat), { note: 'not yours' })
  t.same(squat.metadata?.labels ?? {}, {})
})

t.test('an edited or deleted managed Secret is restored by the next pass', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl)
  await reconciler.reconcile()
  const name = secretNameForKid(CONSUMER, issuer.signingKid)
  const secret = (await managedSecrets(clients, namespace)).get(name)
  await clients.core.replaceNamespacedSecret({
    namespace,
    name,
    body: { ...secret, data: { ...secret?.data, rsa_public_key: Buffer.from('tampered').toString('base64') } },
  })
  t.same((await reconciler.reconcile()).updated, [name])
  t.equal(decoded((await managedSecrets(clients, namespace)).get(name)).rsa_public_key, issuer.publicKeyPem(issuer.signingKid))

  await clients.core.deleteNamespacedSecret({ namespace, name })
  t.same((await reconciler.reconcile()).created, [name])
})

t.test('the KongConsumer is brought back to exactly the managed credentials', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl)
  await reconciler.reconcile()
  const consumer = await readConsumer(clients, namespace)
  await clients.custom.replaceNamespacedCustomObject({
    group: 'configuration.konghq.com',
    version: 'v1',
    plural: 'kongconsumers',
    namespace,
    name: CONSUMER,
    body: { ...consumer, credentials: ['stale-credential'], custom_id: 'kept' },
  })
  t.equal((await reconciler.reconcile()).consumer, 'updated')
  const repaired = await readConsumer(clients, namespace)
  t.same(repaired?.credentials, [secretNameForKid(CONSUMER, issuer.signingKid)])
  t.equal(repaired?.custom_id, 'kept', 'other fields of the consumer are preserved')
})

t.test('with an owner ConfigMap every Secret and the KongConsumer carry its owner reference (garbage-collected on uninstall)', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const owner = await clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'ops-operator' }, data: {} } })
  const expected = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ops-operator', uid: owner.metadata?.uid }]
  const reconciler = reconcilerFor(clients, namespace, issuer.jwksUrl, { ownerConfigMap: 'ops-operator' })
  const first = await reconciler.reconcile()
  t.equal(first.ownerUid, owner.metadata?.uid)
  issuer.rotate()
  await reconciler.reconcile()
  const secrets = [...(await managedSecrets(clients, namespace)).values()]
  t.equal(secrets.length, 2)
  for (const secret of secrets) t.match(secret.metadata?.ownerReferences, expected, `${secret.metadata?.name} is owned by the ConfigMap`)
  t.match((await readConsumer(clients, namespace))?.metadata.ownerReferences, expected, 'the KongConsumer is owned by the ConfigMap')
  const again = await reconciler.reconcile()
  t.same([again.updated, again.consumer], [[], 'unchanged'], 'a pass with nothing to change writes nothing')
})

t.test('objects written before an owner was configured get the reference on the next pass; a re-created owner replaces it', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  await reconcilerFor(clients, namespace, issuer.jwksUrl).reconcile()
  const name = secretNameForKid(CONSUMER, issuer.signingKid)
  t.notOk((await managedSecrets(clients, namespace)).get(name)?.metadata?.ownerReferences, 'no owner without the setting')

  const owned = reconcilerFor(clients, namespace, issuer.jwksUrl, { ownerConfigMap: 'ops-operator' })
  const first = await clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'ops-operator' } } })
  const upgraded = await owned.reconcile()
  t.same(upgraded.updated, [name], 'the existing Secret is updated with its owner')
  t.equal(upgraded.consumer, 'updated', 'the existing consumer is updated with its owner')
  t.same(
    (await managedSecrets(clients, namespace)).get(name)?.metadata?.ownerReferences?.map((r) => r.uid),
    [first.metadata?.uid],
  )

  await clients.core.deleteNamespacedConfigMap({ name: 'ops-operator', namespace })
  const second = await clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'ops-operator' } } })
  await owned.reconcile()
  t.same(
    (await managedSecrets(clients, namespace)).get(name)?.metadata?.ownerReferences?.map((r) => r.uid),
    [second.metadata?.uid],
    'the stale reference is replaced, not kept beside the new one',
  )
  t.same(
    (await readConsumer(clients, namespace))?.metadata.ownerReferences?.map((r) => r.uid),
    [second.metadata?.uid],
  )
})

t.test('an owner ConfigMap that does not exist gives no owner reference (one to an absent owner would be collected at once)', async (t) => {
  const namespace = await newNamespace(clients)
  const issuer = await issuerFor(t)
  const result = await reconcilerFor(clients, namespace, issuer.jwksUrl, { ownerConfigMap: 'missing' }).reconcile()
  t.equal(result.ownerUid, undefined)
  t.same(result.created.length, 1, 'the credentials are still written')
  t.notOk((await managedSecrets(clients, namespace)).get(result.created[0] ?? '')?.metadata?.ownerReferences)
  t.notOk((await readConsumer(clients, namespace))?.metadata.ownerReferences)
})
