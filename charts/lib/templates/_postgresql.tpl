{{/*
Bundled single-instance Postgres (dev/demo): StatefulSet + PVC, Service, NetworkPolicy and, unless
postgresql.auth.existingSecret names one, a password Secret with a stable name. That generated
password is DERIVED (sha256 of namespace/release/name), not random: it is identical on every render
(helm template, Tilt, skaffold, Argo CD), which is what makes it usable without `lookup`, and also
what makes it guessable - dev only. Production sets postgresql.enabled=false and database.existingSecret.
*/}}
{{- define "lib.postgresql.secretName" -}}
{{- default (include "lib.names.component" (list . "postgresql")) .Values.postgresql.auth.existingSecret -}}
{{- end -}}

{{- define "lib.postgresql" -}}
{{- if .Values.postgresql.enabled -}}
{{- $pg := .Values.postgresql -}}
{{- $name := include "lib.names.component" (list . "postgresql") -}}
{{- if and .Values.database.existingSecret -}}
{{- fail "database.existingSecret is for an external database: set postgresql.enabled=false to use it" -}}
{{- end -}}
{{- if not $pg.auth.existingSecret }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "postgresql") | nindent 4 }}
  annotations:
    expenses-tracker/dev-only: "derived password, set postgresql.auth.existingSecret outside dev"
type: Opaque
data:
  {{ $pg.auth.passwordKey }}: {{ printf "%s/%s/%s" .Release.Namespace .Release.Name $name | sha256sum | trunc 32 | b64enc }}
---
{{- end }}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "postgresql") | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "lib.labels.matchLabels" (list . "postgresql") | nindent 4 }}
  ports:
    - name: postgres
      port: 5432
      targetPort: postgres
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "postgresql") | nindent 4 }}
spec:
  replicas: 1
  serviceName: {{ $name }}
  selector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list . "postgresql") | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "lib.labels.standard" (list . "postgresql") | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 60
      securityContext:
        {{- include "lib.security.pod" 999 | nindent 8 }}
      containers:
        - name: postgresql
          image: {{ include "lib.images.image" (dict "image" $pg.image "ctx" .) }}
          imagePullPolicy: IfNotPresent
          ports:
            - name: postgres
              containerPort: 5432
          env:
            - name: POSTGRES_DB
              value: {{ $pg.auth.database | quote }}
            - name: POSTGRES_USER
              value: {{ $pg.auth.username | quote }}
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ include "lib.postgresql.secretName" . }}
                  key: {{ $pg.auth.passwordKey }}
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          startupProbe:
            exec: { command: [pg_isready, -U, {{ $pg.auth.username | quote }}, -d, {{ $pg.auth.database | quote }}] }
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            exec: { command: [pg_isready, -U, {{ $pg.auth.username | quote }}, -d, {{ $pg.auth.database | quote }}] }
            periodSeconds: 10
            timeoutSeconds: 5
          readinessProbe:
            exec: { command: [pg_isready, -U, {{ $pg.auth.username | quote }}, -d, {{ $pg.auth.database | quote }}] }
            periodSeconds: 5
            timeoutSeconds: 5
          resources:
            {{- include "lib.resources" (dict "resources" $pg.resources "what" "postgresql.resources") | nindent 12 }}
          securityContext:
            {{- include "lib.security.container" (dict) | nindent 12 }}
          volumeMounts:
            - { name: data, mountPath: /var/lib/postgresql/data }
            - { name: run, mountPath: /var/run/postgresql }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: run
          emptyDir: {}
        - name: tmp
          emptyDir: {}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        {{- with $pg.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $pg.persistence.size }}
{{- if .Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "lib.labels.standard" (list . "postgresql") | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "lib.labels.matchLabels" (list . "postgresql") | nindent 6 }}
  policyTypes: [Ingress, Egress]
  # Only the service, its migration Job and the operator's rotate-keys Job (auth-service's signing-key
  # rotation, run in the service's own pod template) may connect; Postgres itself needs no egress.
  ingress:
    - from:
        - podSelector:
            matchLabels:
              {{- include "lib.labels.matchLabels" (list .) | nindent 14 }}
        - podSelector:
            matchLabels:
              {{- include "lib.labels.matchLabels" (list . "migrate") | nindent 14 }}
        - podSelector:
            matchLabels:
              {{- include "lib.labels.matchLabels" (list . "rotate-keys") | nindent 14 }}
      ports:
        - { port: 5432, protocol: TCP }
  egress: []
{{- end }}
{{- end -}}
{{- end -}}
