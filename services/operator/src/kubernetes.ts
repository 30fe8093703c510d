import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1ObjectMeta } from '@kubernetes/client-node'

/** Kong Ingress Controller's consumer resource (configuration.konghq.com/v1, fields at the top level, not in spec). */
export const KONG_CONSUMER = { group: 'configuration.konghq.com', version: 'v1', plural: 'kongconsumers', kind: 'KongConsumer' } as const

export interface KongConsumer {
  apiVersion: string
  kind: string
  metadata: V1ObjectMeta
  username?: string
  custom_id?: string
  credentials?: string[]
  [field: string]: unknown
}

/** The two API groups the operator talks to, built once from a KubeConfig (kubeconfig file or in-cluster). */
export interface KubeClients {
  core: CoreV1Api
  custom: CustomObjectsApi
}

export function kubeClients(kubeConfig: KubeConfig): KubeClients {
  return { core: kubeConfig.makeApiClient(CoreV1Api), custom: kubeConfig.makeApiClient(CustomObjectsApi) }
}

/** HTTP status of an apiserver error answer; undefined for network errors (apiserver unreachable). */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined
}

/** A short, log-friendly description of an apiserver error (ApiException messages embed whole bodies). */
export function describeKubeError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = err.body as { message?: unknown } | string | undefined
    const message = typeof body === 'object' && body && typeof body.message === 'string' ? body.message : undefined
    return `HTTP ${err.code}${message ? `: ${message}` : ''}`
  }
  return err instanceof Error ? err.message : String(err)
}

/** A Kubernetes call failed (apiserver down, forbidden, conflict): retried with backoff by both loops. */
export class KubernetesError extends Error {
  constructor(step: string, cause: unknown) {
    super(`${step}: ${describeKubeError(cause)}`, { cause })
    this.name = 'KubernetesError'
  }
}

/** Runs one apiserver call, naming the step in the KubernetesError it throws. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw new KubernetesError(what, err)
  }
}
