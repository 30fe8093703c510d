{{/*
The operator (services/operator): reconciles the release's ExpenseTracker (Strimzi topics and users, Kong
rate-limit plugins, signing-key rotation, status) and keeps Kong's jwt credentials in sync with
auth-service's JWKS. Unlike the services it talks to the Kubernetes API, so its ServiceAccount token is
mounted, and its Role is the least it needs in its own namespace, each rule saying why. It runs
replicaCount replicas of which only the one holding the Lease acts (leader election); a
PodDisruptionBudget keeps one up during node drains. No ClusterRole: it never leaves the namespace (the
ExpenseTracker CRD itself is installed by Helm from crds/).
*/}}
{{- define "operator.all" -}}
{{- $parts := list
  (include "operator.serviceAccount" .)
  (include "operator.rbac" .)
  (include "operator.configmap" .)
  (include "operator.lease" .)
  (include "lib.service" .)
  (include "operator.deployment" .)
  (include "operator.pdb" .)
  (include "operator.networkPolicy" .)
  (include "lib.serviceMonitor" .) -}}
{{- range $parts }}
{{- if trim . }}
---
{{ trim . }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "operator.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "lib.names.serviceAccount" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# Mounted only into the operator's pod (the Deployment sets it), which needs the API.
automountServiceAccountToken: false
{{- end -}}
{{- end -}}

{{- define "operator.rbac" -}}
{{- if .Values.rbac.create -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
rules:
  # The jwt credential Secrets: listed and watched by label, created, repaired and retired by name.
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list, watch, create, update, patch, delete]
  # Its own ConfigMap, read for its uid: the owner of everything it writes, so `helm uninstall` removes it all.
  - apiGroups: [""]
    resources: [configmaps]
    resourceNames: [{{ include "lib.names.fullname" . }}]
    verbs: [get]
  # The KongConsumer that lists the credentials.
  - apiGroups: [configuration.konghq.com]
    resources: [kongconsumers]
    verbs: [get, list, create, patch, update]
  # The ExpenseTracker: watched, its finalizer added and removed (patch), its status written.
  - apiGroups: [expenses-tracker.io]
    resources: [expensetrackers]
    verbs: [get, list, watch, patch]
  - apiGroups: [expenses-tracker.io]
    resources: [expensetrackers/status]
    verbs: [get, patch]
  # Owner references with blockOwnerDeletion need update on the owner's finalizers subresource.
  - apiGroups: [expenses-tracker.io]
    resources: [expensetrackers/finalizers]
    verbs: [update]
  # What a tracker owns: applied server-side (patch; create is a patch too), watched for drift, pruned.
  - apiGroups: [kafka.strimzi.io]
    resources: [kafkatopics, kafkausers]
    verbs: [get, list, watch, create, patch, delete]
  - apiGroups: [configuration.konghq.com]
    resources: [kongplugins]
    verbs: [get, list, watch, create, patch, delete]
  # The Deployments whose availability the tracker's Ready reports, and auth-service's pod template that
  # the rotation Job runs in: read only.
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, list, watch]
  # The signing-key rotation Job (auth-service's own rotate-keys), watched for its outcome.
  - apiGroups: [batch]
    resources: [jobs]
    verbs: [get, list, watch, create]
  # `kubectl describe expensetracker` shows an Event for every change.
  - apiGroups: [""]
    resources: [events]
    verbs: [create]
  # Leader election on the Lease this chart creates (so uninstalling removes it): read and renewed by
  # name only. No create: it would have to be granted for every name.
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    resourceNames: [{{ include "lib.names.fullname" . }}]
    verbs: [get, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "lib.names.fullname" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "lib.names.serviceAccount" . }}
    namespace: {{ .Release.Namespace }}
{{- end -}}
{{- end -}}

{{- define "operator.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
data:
  PORT: {{ .Values.port | quote }}
  LOG_LEVEL: {{ .Values.logLevel | quote }}
  SHUTDOWN_TIMEOUT_MS: {{ .Values.shutdownTimeoutMs | quote }}
  AUTH_JWKS_URL: {{ .Values.jwksUrl | quote }}
  KONG_CONSUMER_NAME: {{ .Values.kong.consumerName | quote }}
  KONG_INGRESS_CLASS: {{ .Values.kong.ingressClass | quote }}
  SYNC_INTERVAL_MS: {{ .Values.syncIntervalMs | quote }}
  LEADER_ELECTION: {{ .Values.leaderElection.enabled | quote }}
  LEASE_NAME: {{ include "lib.names.fullname" . }}
  LEASE_DURATION_MS: {{ mul .Values.leaderElection.leaseDurationSeconds 1000 | quote }}
  LEASE_RETRY_MS: {{ mul .Values.leaderElection.retryPeriodSeconds 1000 | quote }}
  # This ConfigMap itself owns the Secrets and the KongConsumer the operator writes (garbage-collected on uninstall).
  OPERATOR_OWNER_CONFIGMAP: {{ include "lib.names.fullname" . }}
  {{- /* OPERATOR_NAMESPACE is not set: the operator reads its pod's namespace from the token mount. */}}
{{- end -}}

{{/* The replicas' Lease, created empty by Helm: the operator only reads and renews it (the Role has no create). */}}
{{- define "operator.lease" -}}
{{- if .Values.leaderElection.enabled -}}
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
spec: {}
{{- end -}}
{{- end -}}

{{- define "operator.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
spec:
  {{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
  {{- fail "operator: replicaCount > 1 needs leaderElection.enabled (two replicas without a Lease would both act)" }}
  {{- end }}
  # Only the replica holding the Lease acts; the others stand by to take over within the lease duration.
  replicas: {{ .Values.replicaCount }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list .) | nindent 6 }}
  strategy:
    {{- if .Values.leaderElection.enabled }}
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
    {{- else }}
    # Without a Lease two pods must never overlap.
    type: Recreate
    {{- end }}
  template:
    metadata:
      {{- include "lib.pod.metadata" (dict "ctx" . "checksumName" "checksum/config" "checksum" (include "operator.configmap" .)) | nindent 6 }}
    spec:
      serviceAccountName: {{ include "lib.names.serviceAccount" . }}
      automountServiceAccountToken: true
      terminationGracePeriodSeconds: {{ add (div (add .Values.shutdownTimeoutMs 999) 1000) 5 }}
      securityContext:
        {{- include "lib.security.pod" 1000 | nindent 8 }}
      {{- with include "lib.pod.placement" . }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - {{ include "lib.pod.containerHead" . | indent 10 | trim }}
          {{- include "lib.pod.httpPort" . | nindent 10 }}
          envFrom:
            - configMapRef:
                name: {{ include "lib.names.fullname" . }}
          env:
            # This replica's identity in the Lease.
            - name: POD_NAME
              valueFrom:
                fieldRef: { fieldPath: metadata.name }
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          # The leader is not ready while the JWKS or the apiserver cannot be reached: no traffic depends
          # on it, but `kubectl get pods` and alerts on readiness then show a sync that is stuck. A standby
          # is ready: it is healthy and waiting.
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          resources:
            {{- include "lib.resources" (dict "resources" .Values.resources "what" "resources") | nindent 12 }}
          securityContext:
            {{- include "lib.security.container" (dict) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 16Mi
{{- end -}}

{{- define "operator.pdb" -}}
{{- if and .Values.podDisruptionBudget.enabled (gt (int .Values.replicaCount) 1) -}}
{{ include "lib.pdb" . }}
{{- end -}}
{{- end -}}

{{/*
Ingress only: Prometheus may scrape /metrics. Egress stays open on purpose - the apiserver's address is
cluster-specific (and often outside the pod network), so a generic egress rule would either be wrong or
allow everything anyway.
*/}}
{{- define "operator.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list .) | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ .Values.networkPolicy.prometheusNamespace }}
      ports:
        - port: http
          protocol: TCP
{{- end -}}
{{- end -}}
