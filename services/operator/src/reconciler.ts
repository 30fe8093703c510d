import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node'
import { fetchSigningKeys, type SigningKey } from './jwks.js'
import { apiStatus, KONG_CONSUMER, KubernetesError, step, type KongConsumer, type KubeClients } from './kubernetes.js'

// Re-exported: KubernetesError was defined here before both loops shared it.
export { KubernetesError }
import { KID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, managedLabels, managedSelector, secretNameForKid } from './naming.js'

export interface ReconcilerOptions {
  clients: KubeClients
  namespace: string
  consumer: string
  jwksUrl: string
  jwksTimeoutMs: number
  /** KongConsumers are only picked up by the Kong Ingress Controller with this class annotation. */
  ingressClass: string
  /**
   * A ConfigMap of the release (the chart passes the operator's own) that owns every object written here,
   * so Kubernetes' garbage collector removes them on `helm uninstall`. Unset, or not found: no owner.
   */
  ownerConfigMap?: string
}

export interface ReconcileResult {
  /** Secret names the consumer lists now, sorted. */
  credentials: string[]
  created: string[]
  updated: string[]
  deleted: string[]
  /** kids whose Secret name is taken by a Secret we do not manage: left alone, reported. */
  conflicts: string[]
  /** The ownerConfigMap's uid written into the objects; undefined when none is configured or found. */
  ownerUid: string | undefined
  consumer: 'created' | 'updated' | 'unchanged'
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

/**
 * One pass from "what the JWKS says" to "what Kong is configured with":
 * 1. fetch and validate the JWKS (any problem throws JwksError before anything is written);
 * 2. create or repair one Secret per kid (labelled konghq.com/credential=jwt, key=<kid>, RS256, PEM);
 * 3. make the KongConsumer list exactly those Secrets;
 * 4. only then delete our Secrets whose kid left the JWKS - after the consumer stopped referencing them.
 * New keys are therefore valid at Kong before old ones go, and a failure at any step leaves the old
 * credentials in place. Secrets without our managed-by label are never listed, changed or deleted.
 */
export class Reconciler {
  constructor(private readonly options: ReconcilerOptions) {}

  async reconcile(signal?: AbortSignal): Promise<ReconcileResult> {
    const keys = await fetchSigningKeys(this.options.jwksUrl, this.options.jwksTimeoutMs, signal)
    return this.apply(keys)
  }

  /** Steps 2-4 for keys already validated. */
  async apply(keys: SigningKey[]): Promise<ReconcileResult> {
    const { clients, namespace, consumer } = this.options
    const desired = new Map(keys.map((key) => [secretNameForKid(consumer, key.kid), key]))
    const owner = await this.owner()
    const result: ReconcileResult = { credentials: [], created: [], updated: [], deleted: [], conflicts: [], consumer: 'unchanged', ownerUid: owner?.uid }

    const existing = await step('list managed Secrets', () => clients.core.listNamespacedSecret({ namespace, labelSelector: managedSelector(consumer) }))
    const byName = new Map(existing.items.map((secret) => [secret.metadata?.name ?? '', secret]))
    const managed: string[] = []

    for (const [name, key] of desired) {
      const body = this.secretFor(name, key, owner)
      const current = byName.get(name)
      if (!current) {
        const created = await step(`create Secret ${name}`, async () => {
          try {
            await clients.core.createNamespacedSecret({ namespace, body })
            return true
          } catch (err) {
            // The name is taken by a Secret without our labels (it was not in the labelled list): not ours.
            if (apiStatus(err) === 409) return false
            throw err
          }
        })
        if (created) result.created.push(name)
        else {
          result.conflicts.push(key.kid)
          continue
        }
      } else if (!sameSecret(current, body)) {
        await step(`update Secret ${name}`, () =>
          clients.core.replaceNamespacedSecret({
            name,
            namespace,
            body: {
              ...body,
              metadata: {
                ...body.metadata,
                resourceVersion: current.metadata?.resourceVersion,
                ownerReferences: withOwner(current.metadata?.ownerReferences, owner),
              },
            },
          }),
        )
        result.updated.push(name)
      }
      managed.push(name)
    }

    result.credentials = managed.sort()
    result.consumer = await this.ensureConsumer(result.credentials, owner)

    for (const name of byName.keys()) {
      if (desired.has(name)) continue
      await step(`delete Secret ${name}`, async () => {
        try {
          await clients.core.deleteNamespacedSecret({ name, namespace })
        } catch (err) {
          if (apiStatus(err) !== 404) throw err
        }
      })
      result.deleted.push(name)
    }
    return result
  }

  /**
   * The owner reference for what this pass writes, read fresh each pass (one GET), so a re-created
   * ConfigMap's new uid is picked up. A missing ConfigMap gives none: a reference to an absent owner
   * would make the garbage collector delete the credentials at once.
   */
  private async owner(): Promise<V1OwnerReference | undefined> {
    const { clients, namespace, ownerConfigMap: name } = this.options
    if (!name) return undefined
    const configMap = await step(`read owner ConfigMap ${name}`, async () => {
      try {
        return await clients.core.readNamespacedConfigMap({ name, namespace })
      } catch (err) {
        if (apiStatus(err) === 404) return undefined
        throw err
      }
    })
    const uid = configMap?.metadata?.uid
    // Not a controller reference: the Secrets stay ours to manage; the reference only ties their lifetime to the release.
    return uid ? { apiVersion: 'v1', kind: 'ConfigMap', name, uid } : undefined
  }

  private secretFor(name: string, key: SigningKey, owner: V1OwnerReference | undefined): V1Secret {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace: this.options.namespace,
        labels: managedLabels(this.options.consumer),
        annotations: { [KID_ANNOTATION]: key.kid },
        ...(owner ? { ownerReferences: [owner] } : {}),
      },
      // The three fields Kong's jwt credential needs; `key` is matched against the token's kid
      // (key_claim_name: kid on the KongPlugin).
      data: { key: b64(key.kid), algorithm: b64('RS256'), rsa_public_key: b64(key.pem) },
    }
  }

  private async ensureConsumer(credentials: string[], owner: V1OwnerReference | undefined): Promise<ReconcileResult['consumer']> {
    const { clients, namespace, consumer: name, ingressClass } = this.options
    const ref = { group: KONG_CONSUMER.group, version: KONG_CONSUMER.version, plural: KONG_CONSUMER.plural, namespace }
    const current = await step(`read KongConsumer ${name}`, async () => {
      try {
        return (await clients.custom.getNamespacedCustomObject({ ...ref, name })) as KongConsumer
      } catch (err) {
        if (apiStatus(err) === 404) return undefined
        throw err
      }
    })
    if (!current) {
      const body: KongConsumer = {
        apiVersion: `${KONG_CONSUMER.group}/${KONG_CONSUMER.version}`,
        kind: KONG_CONSUMER.kind,
        metadata: {
          name,
          namespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
          annotations: { 'kubernetes.io/ingress.class': ingressClass },
          ...(owner ? { ownerReferences: [owner] } : {}),
        },
        username: name,
        credentials,
      }
      await step(`create KongConsumer ${name}`, () => clients.custom.createNamespacedCustomObject({ ...ref, body }))
      return 'created'
    }
    const ownerReferences = withOwner(current.metadata.ownerReferences, owner)
    if (sameList(current.credentials ?? [], credentials) && ownerReferences === current.metadata.ownerReferences) return 'unchanged'
    // A full replace carries metadata.resourceVersion, so a concurrent edit makes this fail (409) and the
    // next pass starts from fresh state instead of overwriting someone else's change blindly.
    await step(`update KongConsumer ${name}`, () =>
      clients.custom.replaceNamespacedCustomObject({
        ...ref,
        name,
        body: { ...current, metadata: { ...current.metadata, ...(ownerReferences ? { ownerReferences } : {}) }, credentials },
      }),
    )
    return 'updated'
  }
}

/**
 * The object's owner references with `owner` in them: the same array when nothing changes (also when no owner
 * is known: references someone else set are kept), else a copy where a stale reference to an earlier
 * ConfigMap of that name is replaced.
 */
function withOwner(current: V1OwnerReference[] | undefined, owner: V1OwnerReference | undefined): V1OwnerReference[] | undefined {
  if (!owner || current?.some((r) => r.uid === owner.uid)) return current
  return [...(current ?? []).filter((r) => !(r.kind === owner.kind && r.name === owner.name)), owner]
}

function sameSecret(current: V1Secret, wanted: V1Secret): boolean {
  const data = current.data ?? {}
  const want = wanted.data ?? {}
  const owner = wanted.metadata?.ownerReferences?.[0]
  return (
    withOwner(current.metadata?.ownerReferences, owner) === current.metadata?.ownerReferences &&
    current.type === wanted.type &&
    Object.keys(data).length === Object.keys(want).length &&
    Object.entries(want).every(([k, v]) => data[k] === v) &&
    current.metadata?.annotations?.[KID_ANNOTATION] === wanted.metadata?.annotations?.[KID_ANNOTATION]
  )
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === b[i])
}
