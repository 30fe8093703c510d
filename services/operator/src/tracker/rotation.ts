/**
 * Signing-key rotation through auth-service's own job (services/auth/src/rotate-keys.ts), never by writing
 * its database: a Job runs `node dist/rotate-keys.js` in auth-service's own pod template (its image, its
 * environment, its database credentials, its ServiceAccount), so the rotation is exactly the code path an
 * administrator runs by hand. auth-service keeps the old key in its JWKS for
 * RETAIN_OLD_KEY_SECONDS (at least its access-token lifetime plus 5 minutes), and the credential loop keeps
 * Kong's jwt credentials in step with the JWKS, old key included, until it retires.
 */
import type { V1Container, V1Deployment, V1Job, V1OwnerReference } from '@kubernetes/client-node'
import type { ExpenseTrackerSpec } from './crd.js'
import { TRACKER_LABEL } from './resources.js'

/** Annotation on an ExpenseTracker asking for one rotation now (after a suspected leak): any new value. */
export const ROTATE_NOW_ANNOTATION = 'expenses-tracker.io/rotate-keys'
/** The annotation value a Job was made for, so one request is served once. */
export const ROTATION_REQUEST_ANNOTATION = 'expenses-tracker.io/rotation-request'
export const ROTATION_COMPONENT = 'rotate-keys'

export interface RotationDue {
  due: boolean
  /** When the next scheduled rotation falls (undefined when rotation is off). */
  next: Date | undefined
  reason?: 'schedule' | 'requested'
}

/**
 * Whether a rotation is due: scheduled rotations count from the last one, or from the tracker's creation
 * when none happened yet (installing a release is not a reason to rotate); a rotate-keys annotation whose
 * value no Job was made for yet is due at once.
 */
export function rotationDue(options: {
  spec: ExpenseTrackerSpec
  now: Date
  created: Date
  lastRotation: Date | undefined
  requested: string | undefined
  lastRequestServed: string | undefined
}): RotationDue {
  const { spec, now, created, lastRotation, requested, lastRequestServed } = options
  const periodMs = spec.signingKeys.rotationPeriodHours * 3_600_000
  const next = periodMs > 0 ? new Date((lastRotation ?? created).getTime() + periodMs) : undefined
  if (requested && requested !== lastRequestServed) return { due: true, next, reason: 'requested' }
  if (next && now.getTime() >= next.getTime()) return { due: true, next, reason: 'schedule' }
  return { due: false, next }
}

/** The Job that rotates once, or an error message when the Deployment gives nothing to run it in. */
export function rotationJob(options: {
  tracker: string
  deployment: V1Deployment
  spec: ExpenseTrackerSpec
  owner: V1OwnerReference
  now: Date
  request: string | undefined
}): V1Job | string {
  const { tracker, deployment, spec, owner, now, request } = options
  const template = deployment.spec?.template
  const podSpec = template?.spec
  const app = template?.metadata?.labels?.['app.kubernetes.io/name']
  const containers = podSpec?.containers ?? []
  const container = containers.find((c) => c.name === app) ?? containers[0]
  if (!podSpec || !container?.image) return `Deployment ${deployment.metadata?.name ?? '?'} has no container to run the rotation in`
  const labels = {
    // Labelled as auth-service's own `rotate-keys` component: its database's NetworkPolicy admits it, and the
    // Service (selecting the app name) never routes requests to it.
    'app.kubernetes.io/name': `${app ?? deployment.metadata?.name ?? 'auth-service'}-${ROTATION_COMPONENT}`,
    ...(template.metadata?.labels?.['app.kubernetes.io/instance']
      ? { 'app.kubernetes.io/instance': template.metadata.labels['app.kubernetes.io/instance'] }
      : {}),
    'app.kubernetes.io/component': ROTATION_COMPONENT,
    'app.kubernetes.io/managed-by': 'expenses-operator',
    [TRACKER_LABEL]: tracker,
  }
  const job: V1Container = {
    name: ROTATION_COMPONENT,
    image: container.image,
    ...(container.imagePullPolicy ? { imagePullPolicy: container.imagePullPolicy } : {}),
    command: ['node', 'dist/rotate-keys.js'],
    env: [
      ...(container.env ?? []).filter((e) => e.name !== 'RETAIN_OLD_KEY_SECONDS'),
      { name: 'RETAIN_OLD_KEY_SECONDS', value: String(spec.signingKeys.retainOldKeysMinutes * 60) },
    ],
    ...(container.envFrom ? { envFrom: container.envFrom } : {}),
    ...(container.securityContext ? { securityContext: container.securityContext } : {}),
    ...(container.volumeMounts ? { volumeMounts: container.volumeMounts } : {}),
    resources: container.resources ?? {},
  }
  const seconds = Math.floor(now.getTime() / 1000)
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${tracker}-rotate-keys-${seconds}`.slice(0, 63).replace(/-+$/, ''),
      namespace: deployment.metadata?.namespace,
      labels,
      annotations: request ? { [ROTATION_REQUEST_ANNOTATION]: request } : {},
      ownerReferences: [owner],
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(podSpec.serviceAccountName ? { serviceAccountName: podSpec.serviceAccountName } : {}),
          automountServiceAccountToken: podSpec.automountServiceAccountToken ?? false,
          ...(podSpec.securityContext ? { securityContext: podSpec.securityContext } : {}),
          ...(podSpec.imagePullSecrets ? { imagePullSecrets: podSpec.imagePullSecrets } : {}),
          ...(podSpec.volumes ? { volumes: podSpec.volumes } : {}),
          containers: [job],
        },
      },
    },
  }
}

export type JobOutcome = 'running' | 'succeeded' | 'failed'

export function jobOutcome(job: V1Job): JobOutcome {
  const conditions = job.status?.conditions ?? []
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'succeeded'
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'failed'
  return 'running'
}
