{{/*
Environment. Non-secret settings go to the ConfigMap (its checksum rolls the pods on change);
credentials only ever come from Secrets: DATABASE_URL (an existing Secret holding the whole URL, or
the bundled Postgres' password Secret, composed into the URL by Kubernetes' $(VAR) expansion) and
the Kafka SASL password from the Strimzi-generated KafkaUser Secret.
*/}}

{{- define "lib.kafka.user" -}}
{{- default (include "lib.names.name" .) .Values.kafka.sasl.username -}}
{{- end -}}

{{- define "lib.config.data" -}}
PORT: {{ .Values.port | quote }}
HOST: "0.0.0.0"
LOG_LEVEL: {{ .Values.logLevel | quote }}
SHUTDOWN_TIMEOUT_MS: {{ .Values.shutdownTimeoutMs | quote }}
JWT_ISSUER: {{ .Values.auth.issuer | quote }}
JWT_AUDIENCE: {{ .Values.auth.audience | quote }}
{{- with .Values.auth.jwksUrl }}
AUTH_JWKS_URL: {{ . | quote }}
{{- end }}
KAFKA_BROKERS: {{ default (printf "%s-kafka-bootstrap:9092" .Values.kafka.clusterName) .Values.kafka.brokers | quote }}
KAFKA_CLIENT_ID: {{ default (include "lib.names.name" .) .Values.kafka.clientId | quote }}
KAFKA_SSL: {{ .Values.kafka.ssl | quote }}
{{- if .Values.kafka.sasl.enabled }}
KAFKA_SASL_MECHANISM: {{ .Values.kafka.sasl.mechanism | quote }}
KAFKA_SASL_USERNAME: {{ include "lib.kafka.user" . | quote }}
{{- end }}
{{- range $key, $value := .Values.env }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* env entries that set DATABASE_URL from a Secret. */}}
{{- define "lib.env.database" -}}
{{- if .Values.postgresql.enabled -}}
{{- $pg := .Values.postgresql -}}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "lib.postgresql.secretName" . }}
      key: {{ $pg.auth.passwordKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(DB_PASSWORD)@%s:5432/%s" $pg.auth.username (include "lib.names.component" (list . "postgresql")) $pg.auth.database | quote }}
{{- else -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required when postgresql.enabled is false" .Values.database.existingSecret }}
      key: {{ .Values.database.urlKey }}
{{- end -}}
{{- end -}}

{{- define "lib.env.secrets" -}}
{{ include "lib.env.database" . }}
{{- if .Values.kafka.sasl.enabled }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default (include "lib.kafka.user" .) .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- end -}}
