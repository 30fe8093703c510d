{{/* Everything a service chart renders; a thin chart's only template is {{ include "lib.app" . }}. */}}
{{- define "lib.app" -}}
{{- $parts := list
  (include "lib.serviceAccount" .)
  (include "lib.configmap" .)
  (include "lib.service" .)
  (include "lib.deployment" .)
  (include "lib.hpa" .)
  (include "lib.pdb" .)
  (include "lib.networkPolicy" .)
  (include "lib.serviceMonitor" .)
  (include "lib.postgresql" .)
  (include "lib.migration" .) -}}
{{- range $parts }}
{{- if trim . }}
---
{{ trim . }}
{{- end }}
{{- end }}
{{- end -}}
