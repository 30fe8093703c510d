{{/*
Migration Job (node dist/migrate.js), run once per install/upgrade instead of by every replica; the
service pods wait for it in their init container (lib.migration.waitContainer: migrate --wait), so no
service process ever starts against an older schema.
- External database: a pre-install/pre-upgrade hook, so the schema is current before Helm touches the
  Deployments. Hooks run before the release's ServiceAccount/ConfigMap exist, so the Job is self-contained.
- Bundled Postgres: the database is part of the release, so a pre-install hook would wait for a database
  that does not exist yet. The Job is then an ordinary release object, named per revision (a Job's pod
  template is immutable, and each upgrade must run the new image's migrations); Helm removes the previous
  revision's Job on upgrade. It retries its first connection while Postgres starts
  (MIGRATION_CONNECT_TIMEOUT_MS), so the first pod is the only one.
*/}}
{{- define "lib.migration.name" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "%s-%d" (include "lib.names.component" (list . "migrate")) (int .Release.Revision) | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "lib.names.component" (list . "migrate") -}}
{{- end -}}
{{- end -}}

{{/* The init container of the service's pods: waits until every migration of its image is applied. */}}
{{- define "lib.migration.waitContainer" -}}
{{- if .Values.migration.enabled -}}
- name: wait-for-migrations
  image: {{ include "lib.images.image" (dict "image" .Values.image "ctx" .) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: [node, dist/migrate.js, --wait]
  env:
    - name: MIGRATION_WAIT_TIMEOUT_MS
      value: {{ mul .Values.migration.activeDeadlineSeconds 1000 | quote }}
    {{- include "lib.env.database" . | nindent 4 }}
  resources:
    {{- include "lib.resources" (dict "resources" .Values.migration.resources "what" "migration.resources") | nindent 4 }}
  securityContext:
    {{- include "lib.security.container" (dict) | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
{{- end -}}
{{- end -}}

{{- define "lib.migration" -}}
{{- if .Values.migration.enabled -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "lib.migration.name" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "migrate") | nindent 4 }}
  {{- if not .Values.postgresql.enabled }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- end }}
spec:
  backoffLimit: {{ .Values.migration.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migration.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "lib.labels.standard" (list . "migrate") | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      securityContext:
        {{- include "lib.security.pod" 1000 | nindent 8 }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "lib.images.image" (dict "image" .Values.image "ctx" .) }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command: [node, dist/migrate.js]
          env:
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
            {{- if .Values.postgresql.enabled }}
            # The bundled Postgres starts with the release: retry the first connection instead of failing a pod.
            - name: MIGRATION_CONNECT_TIMEOUT_MS
              value: {{ mul .Values.migration.activeDeadlineSeconds 1000 | quote }}
            {{- end }}
            {{- include "lib.env.database" . | nindent 12 }}
          resources:
            {{- include "lib.resources" (dict "resources" .Values.migration.resources "what" "migration.resources") | nindent 12 }}
          securityContext:
            {{- include "lib.security.container" (dict) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end -}}
{{- end -}}
