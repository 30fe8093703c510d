{{/*
The route table: files/routes.yaml is a copy of api/routes.yaml (Helm reads only files inside the
chart); test/k8s/generated.test.ts fails when the copy drifts. Per route this chart renders one
Ingress and its KongPlugins, mirroring scripts/k8s/kong.ts (the DB-less kong.yml for compose):
rate-limiting (policy local, per client IP, per minute), request-size-limiting (bytes) and - for
auth: required - the shared jwt plugin.
*/}}
{{- define "expenses.routes" -}}
{{- .Files.Get "files/routes.yaml" | fromYaml | toJson -}}
{{- end -}}

{{- define "expenses.plugin.rateLimit" -}}{{ printf "%s-%s-rate-limit" .ctx.Release.Name .route.name }}{{- end -}}
{{- define "expenses.plugin.bodyLimit" -}}{{ printf "%s-%s-body-limit" .ctx.Release.Name .route.name }}{{- end -}}
{{- define "expenses.plugin.jwt" -}}{{ printf "%s-jwt" .Release.Name }}{{- end -}}

{{/* "true" when the release has an ExpenseTracker: the operator then owns the rate-limit KongPlugins. */}}
{{- define "expenses.tracker.enabled" -}}
{{- if and .Values.operator.enabled .Values.expenseTracker.enabled -}}true{{- end -}}
{{- end -}}

{{/* A subchart's object names: its fullnameOverride (the umbrella sets one per service), else <release>-<chart>. */}}
{{- define "expenses.subchart.fullname" -}}
{{- $values := index .ctx.Values .chart -}}
{{- $values.fullnameOverride | default (printf "%s-%s" .ctx.Release.Name .chart) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "expenses.route.perMinute" -}}
{{- int (dig "rateLimit" "perMinute" .table.defaults.rateLimit.perMinute .route) -}}
{{- end -}}

{{- define "expenses.route.bodyLimit" -}}
{{- int (dig "bodyLimitBytes" .table.defaults.bodyLimitBytes .route) -}}
{{- end -}}

{{- define "expenses.route.jwt" -}}
{{- if and (eq .route.auth "required") .ctx.Values.kong.jwt.enabled -}}true{{- end -}}
{{- end -}}
