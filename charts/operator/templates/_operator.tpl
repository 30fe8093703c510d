{{/*
The credentials operator (services/operator): one replica that keeps Kong's jwt credentials in sync with
auth-service's JWKS. Unlike the services it talks to the Kubernetes API, so its ServiceAccount token is
mounted, and its Role is the least it needs in its own namespace: Secrets (the credentials it writes and
watches), KongConsumers (the consumer listing them) and a `get` of its own ConfigMap (the owner of both).
No ClusterRole: it never leaves the namespace.
*/}}
{{- define "operator.all" -}}
{{- $parts := list
  (include "operator.serviceAccount" .)
  (include "operator.rbac" .)
  (include "operator.configmap" .)
  (include "lib.service" .)
  (include "operator.deployment" .)
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
  # This ConfigMap itself owns the Secrets and the KongConsumer the operator writes (garbage-collected on uninstall).
  OPERATOR_OWNER_CONFIGMAP: {{ include "lib.names.fullname" . }}
  {{- /* OPERATOR_NAMESPACE is not set: the operator reads its pod's namespace from the token mount. */}}
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
  # Exactly one: the operator has no leader election, and two would only race each other's writes.
  replicas: 1
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list .) | nindent 6 }}
  strategy:
    type: Recreate
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
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          # Not ready while the JWKS or the apiserver cannot be reached: no traffic depends on it, but
          # `kubectl get pods` and alerts on readiness then show a credentials sync that is stuck.
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
