{{/*
Migration Job (node dist/migrate.js), run once per install/upgrade as a Helm hook instead of by every
replica. With an external database it runs pre-install/pre-upgrade, so new code never starts against
an old schema. With the bundled Postgres the database only exists after the install, so the first
run is post-install (services wait in readiness until the DB answers) and later ones pre-upgrade.
Hooks run before the release's ServiceAccount/ConfigMap exist, so the Job is self-contained.
*/}}
{{- define "lib.migration" -}}
{{- if .Values.migration.enabled -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "lib.names.component" (list . "migrate") }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "migrate") | nindent 4 }}
  annotations:
    helm.sh/hook: {{ ternary "post-install,pre-upgrade" "pre-install,pre-upgrade" .Values.postgresql.enabled }}
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
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
