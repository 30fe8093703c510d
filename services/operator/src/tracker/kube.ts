import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node'
import { apiStatus } from '../kubernetes.js'

/** The field manager of every write the tracker makes (server-side apply and status). */
export const FIELD_MANAGER = 'expenses-operator'

export interface TrackerClients {
  core: CoreV1Api
  apps: AppsV1Api
  batch: BatchV1Api
  custom: CustomObjectsApi
  objects: KubernetesObjectApi
}

export function trackerClients(kubeConfig: KubeConfig): TrackerClients {
  return {
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    batch: kubeConfig.makeApiClient(BatchV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
  }
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
export const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)

/** Server-side apply, forced: the operator owns the fields it sets, and takes them back from whoever edited them. */
export function apply<T extends KubernetesObject>(clients: TrackerClients, object: T): Promise<T> {
  return clients.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply)
}

/** `fn`'s result, or undefined when the apiserver answers 404. */
export async function unless404<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (err) {
    if (apiStatus(err) === 404) return undefined
    throw err
  }
}
