import type { V1Secret } from '@kubernetes/client-node'
import { fetchSigningKeys, type SigningKey } from './jwks.js'
import { apiStatus, describeKubeError, KONG_CONSUMER, type KongConsumer, type KubeClients } from './kubernetes.js'
import { KID_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, managedLabels, managedSelector, secretNameForKid } from './naming.js'

export interface ReconcilerOptions {
  clients: KubeClients
  namespace: string
  consumer: string
  jwksUrl: string
  jwksTimeoutMs: number
  /** KongConsumers are only picked up by the Kong Ingress Controller with this class annotation. */
  ingressClass: string
}

export interface ReconcileResult {
  /** Secret names the consumer lists now, sorted. */
  credentials: string[]
  created: string[]
  updated: string[]
  deleted: string[]
  /** kids whose Secret name is taken by a Secret we do not manage: left alone, reported. */
  conflicts: string[]
  consumer: 'created' | 'updated' | 'unchanged'
}

/** A Kubernetes call failed (apiserver down, forbidden, conflict): retried with backoff. */
export class KubernetesError extends Error {
  constructor(step: string, cause: unknown) {
    super(`${step}: ${describeKubeError(cause)}`, { cause })
    this.name = 'KubernetesError'
  }
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
    const result: ReconcileResult = { credentials: [], created: [], updated: [], deleted: [], conflicts: [], consumer: 'unchanged' }

    const existing = await step('list managed Secrets', () =>
      clients.core.listNamespacedSecret({ namespace, labelSelector: managedSelector(consumer) }),
    )
    const byName = new Map(existing.items.map((secret) => [secret.metadata?.name ?? '', secret]))
    const managed: string[] = []

    for (const [name, key] of desired) {
      const body = this.secretFor(name, key)
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
            body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
          }),
        )
        result.updated.push(name)
      }
      managed.push(name)
    }

    result.credentials = managed.sort()
    result.consumer = await this.ensureConsumer(result.credentials)

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

  private secretFor(name: string, key: SigningKey): V1Secret {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace: this.options.namespace,
        labels: managedLabels(this.options.consumer),
        annotations: { [KID_ANNOTATION]: key.kid },
      },
      // The three fields Kong's jwt credential needs; `key` is matched against the token's kid
      // (key_claim_name: kid on the KongPlugin).
      data: { key: b64(key.kid), algorithm: b64('RS256'), rsa_public_key: b64(key.pem) },
    }
  }

  private async ensureConsumer(credentials: string[]): Promise<ReconcileResult['consumer']> {
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
        metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE }, annotations: { 'kubernetes.io/ingress.class': ingressClass } },
        username: name,
        credentials,
      }
      await step(`create KongConsumer ${name}`, () => clients.custom.createNamespacedCustomObject({ ...ref, body }))
      return 'created'
    }
    if (sameList(current.credentials ?? [], credentials)) return 'unchanged'
    // A full replace carries metadata.resourceVersion, so a concurrent edit makes this fail (409) and the
    // next pass starts from fresh state instead of overwriting someone else's change blindly.
    await step(`update KongConsumer ${name}`, () =>
      clients.custom.replaceNamespacedCustomObject({ ...ref, name, body: { ...current, credentials } }),
    )
    return 'updated'
  }
}

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw new KubernetesError(what, err)
  }
}

function sameSecret(current: V1Secret, wanted: V1Secret): boolean {
  const data = current.data ?? {}
  const want = wanted.data ?? {}
  return (
    current.type === wanted.type &&
    Object.keys(data).length === Object.keys(want).length &&
    Object.entries(want).every(([k, v]) => data[k] === v) &&
    current.metadata?.annotations?.[KID_ANNOTATION] === wanted.metadata?.annotations?.[KID_ANNOTATION]
  )
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === b[i])
}
