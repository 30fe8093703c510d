{{/*
Labels. Call with (list $ctx) for the service itself or (list $ctx "postgresql") for a component.
matchLabels keeps only name + instance: selectors are immutable, so version/chart labels must never
reach them.
*/}}

{{- define "lib.labels.appName" -}}
{{- $ctx := index . 0 -}}
{{- if gt (len .) 1 -}}
{{- printf "%s-%s" (include "lib.names.name" $ctx) (index . 1) -}}
{{- else -}}
{{- include "lib.names.name" $ctx -}}
{{- end -}}
{{- end -}}

{{- define "lib.labels.matchLabels" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ include "lib.labels.appName" . }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
{{- end -}}

{{- define "lib.labels.standard" -}}
{{- $ctx := index . 0 -}}
{{ include "lib.labels.matchLabels" . }}
helm.sh/chart: {{ include "lib.names.chart" $ctx }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/part-of: expenses-tracker
{{- end -}}
