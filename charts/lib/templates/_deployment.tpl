{{/*
The service's Deployment. terminationGracePeriodSeconds must outlast the preStop pause plus the
service's own SHUTDOWN_TIMEOUT_MS drain, otherwise the kubelet SIGKILLs a pod that is still finishing
requests; the default is derived from shutdownTimeoutMs and a smaller explicit value fails the render.
*/}}
{{- define "lib.deployment.gracePeriod" -}}
{{- $minimum := add (div (add .Values.shutdownTimeoutMs 999) 1000) .Values.preStopSleepSeconds -}}
{{- if .Values.terminationGracePeriodSeconds -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $minimum) -}}
{{- fail (printf "terminationGracePeriodSeconds (%v) must be greater than preStopSleepSeconds + shutdownTimeoutMs/1000 (%v)" .Values.terminationGracePeriodSeconds $minimum) -}}
{{- end -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add $minimum 5 -}}
{{- end -}}
{{- end -}}

{{- define "lib.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list .) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      {{- include "lib.pod.metadata" (dict "ctx" . "checksumName" "checksum/config" "checksum" (include "lib.configmap" .)) | nindent 6 }}
    spec:
      serviceAccountName: {{ include "lib.names.serviceAccount" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ include "lib.deployment.gracePeriod" . }}
      securityContext:
        {{- include "lib.security.pod" 1000 | nindent 8 }}
      {{- with include "lib.pod.placement" . }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- include "lib.pod.topologySpread" . | nindent 6 }}
      {{- with include "lib.migration.waitContainer" . }}
      initContainers:
        {{- . | nindent 8 }}
      {{- end }}
      containers:
        - {{ include "lib.pod.containerHead" . | indent 10 | trim }}
          {{- if .Values.devMode.enabled }}
          # Dev loop only: restart on compiled files synced by Tilt's live_update.
          command: [node, --watch-path=dist, dist/main.js]
          {{- end }}
          {{- include "lib.pod.httpPort" . | nindent 10 }}
          envFrom:
            - configMapRef:
                name: {{ include "lib.names.fullname" . }}
            {{- range .Values.envFromSecrets }}
            - secretRef:
                name: {{ . }}
            {{- end }}
          env:
            {{- include "lib.env.secrets" . | nindent 12 }}
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 2
          lifecycle:
            preStop:
              # Keeps serving while the endpoint removal propagates to Kong and kube-proxy; only then
              # does SIGTERM start the service's own graceful shutdown.
              sleep:
                seconds: {{ .Values.preStopSleepSeconds }}
          resources:
            {{- include "lib.resources" (dict "resources" .Values.resources "what" "resources") | nindent 12 }}
          securityContext:
            {{- include "lib.security.container" (dict "writableRoot" .Values.devMode.enabled) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The root filesystem is read-only; /tmp is the only writable path.
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end -}}
