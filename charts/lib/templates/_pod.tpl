{{/*
Pieces every Deployment of these charts shares (the services', the operator's, the web app's), so the
pod metadata, placement and the container's image and port are written once.
*/}}

{{/* Pod template metadata: the standard labels plus podLabels, a config checksum plus podAnnotations.
Call with (dict "ctx" . "checksumName" "checksum/config" "checksum" <rendered object>). */}}
{{- define "lib.pod.metadata" -}}
labels:
  {{- include "lib.labels.standard" (list .ctx) | nindent 2 }}
  {{- with .ctx.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  {{ .checksumName }}: {{ .checksum | sha256sum }}
  {{- with .ctx.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* imagePullSecrets, nodeSelector and tolerations from values, each only when set. */}}
{{- define "lib.pod.placement" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Spread the replicas over hosts and zones, as far as the cluster allows. */}}
{{- define "lib.pod.topologySpread" -}}
topologySpreadConstraints:
  {{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - topologyKey: {{ . }}
    maxSkew: 1
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "lib.labels.matchLabels" (list $) | nindent 8 }}
  {{- end }}
{{- end -}}

{{/* The container's name, image and its one port, `http`. */}}
{{- define "lib.pod.containerHead" -}}
name: {{ include "lib.names.name" . }}
image: {{ include "lib.images.image" (dict "image" .Values.image "ctx" .) }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- end -}}

{{- define "lib.pod.httpPort" -}}
ports:
  - name: http
    containerPort: {{ .Values.port }}
    protocol: TCP
{{- end -}}
