{{/*
A static site (the web app, charts/web): nginx serving built files, nothing else. Objects: a ConfigMap of
the browser security headers (values securityHeaders, mounted over the image's own copy so a platform team
can tighten them without a new image), Service, Deployment (non-root, read-only root filesystem, /tmp the
only writable path), PodDisruptionBudget, and a NetworkPolicy that lets in the ingress controller and the
listed apps and lets nothing out (a static server calls no one, not even DNS).
*/}}
{{- define "web.all" -}}
{{- $parts := list
  (include "web.configmap" .)
  (include "lib.service" .)
  (include "web.deployment" .)
  (include "lib.pdb" .)
  (include "web.networkPolicy" .) -}}
{{- range $parts }}
{{- if trim . }}
---
{{ trim . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* nginx add_header lines; a value nginx cannot hold in double quotes fails the render. */}}
{{- define "web.headers" -}}
{{- range $name, $value := .Values.securityHeaders }}
{{- if not (regexMatch "^[A-Za-z0-9-]+$" $name) }}{{ fail (printf "securityHeaders: %q is not a header name" $name) }}{{ end }}
{{- if regexMatch "[\"\\\\\r\n]" $value }}{{ fail (printf "securityHeaders.%s: quotes, backslashes and line breaks cannot be written" $name) }}{{ end }}
add_header {{ $name }} "{{ $value }}" always;
{{- end }}
{{- end -}}

{{- define "web.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
data:
  {{ .Values.headersFile }}: |
    {{- include "web.headers" . | nindent 4 }}
{{- end -}}

{{- define "web.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list .) | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
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
      {{- include "lib.pod.metadata" (dict "ctx" . "checksumName" "checksum/headers" "checksum" (include "web.configmap" .)) | nindent 6 }}
    spec:
      automountServiceAccountToken: false
      # nginx finishes in-flight requests on the image's stop signal (SIGQUIT) well within this.
      terminationGracePeriodSeconds: {{ add .Values.preStopSleepSeconds 15 }}
      securityContext:
        {{- include "lib.security.pod" .Values.uid | nindent 8 }}
      {{- with include "lib.pod.placement" . }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- include "lib.pod.topologySpread" . | nindent 6 }}
      containers:
        - {{ include "lib.pod.containerHead" . | indent 10 | trim }}
          {{- include "lib.pod.httpPort" . | nindent 10 }}
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 1
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 2
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 2
          lifecycle:
            preStop:
              # Keeps serving while the endpoint removal reaches the ingress controller and kube-proxy.
              sleep:
                seconds: {{ .Values.preStopSleepSeconds }}
          resources:
            {{- include "lib.resources" (dict "resources" .Values.resources "what" "resources") | nindent 12 }}
          securityContext:
            {{- include "lib.security.container" (dict) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: headers
              mountPath: {{ .Values.headersDir }}
              readOnly: true
      volumes:
        # The root filesystem is read-only; nginx writes its pid and temp files under /tmp only.
        - name: tmp
          emptyDir:
            sizeLimit: 16Mi
        - name: headers
          configMap:
            name: {{ include "lib.names.fullname" . }}
{{- end -}}

{{- define "web.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
{{- $np := .Values.networkPolicy -}}
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
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.ingressControllerNamespace }}
        {{- range $np.allowFromApps }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
  # No egress rule: nothing may leave.
  egress: []
{{- end -}}
{{- end -}}
