{{/*
Names. Every helper takes the chart's root context. A component (the bundled Postgres, the migration
Job) gets its own app.kubernetes.io/name ("<name>-postgresql") so no selector of the service ever
matches its pods: selectors carry only name + instance (see lib.labels.matchLabels).
*/}}

{{- define "lib.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "lib.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "lib.names.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>" for objects of a component, e.g. lib.names.component (list . "postgresql"). */}}
{{- define "lib.names.component" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s-%s" (include "lib.names.fullname" $ctx | trunc 50 | trimSuffix "-") (index . 1) -}}
{{- end -}}

{{- define "lib.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lib.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "lib.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
