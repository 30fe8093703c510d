{{/*
Least-privilege traffic for the service pods and its migration Job's pods.
Ingress: the ingress controller's namespace (Kong), Prometheus' namespace (for /metrics; the HTTP
port is shared, NetworkPolicy cannot filter by path) and the in-namespace apps listed in
networkPolicy.allowFromApps (e.g. the other services fetching auth-service's JWKS).
Egress: DNS, the service's own Postgres, the Kafka brokers, auth-service (JWKS) when AUTH_JWKS_URL is
set, plus networkPolicy.extraEgress (e.g. an external database's CIDR).
*/}}
{{- define "lib.networkPolicy" -}}
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
  # The service's pods and its migration Job's, which need no more than these (Postgres, DNS) and would
  # otherwise run unrestricted.
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
    matchExpressions:
      - key: app.kubernetes.io/name
        operator: In
        values:
          - {{ include "lib.labels.appName" (list .) }}
          - {{ include "lib.labels.appName" (list . "migrate") }}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.ingressControllerNamespace }}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.prometheusNamespace }}
        {{- range $np.allowFromApps }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
  egress:
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }
    {{- if .Values.postgresql.enabled }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "lib.labels.matchLabels" (list . "postgresql") | nindent 14 }}
      ports:
        - { port: 5432, protocol: TCP }
    {{- end }}
    - to:
        - podSelector:
            matchLabels:
              strimzi.io/cluster: {{ .Values.kafka.clusterName }}
      ports:
        - { port: 9092, protocol: TCP }
    {{- if .Values.auth.jwksUrl }}
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ $np.authService.name }}
      ports:
        - { port: {{ $np.authService.port }}, protocol: TCP }
    {{- end }}
    {{- with $np.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
