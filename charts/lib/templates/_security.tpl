{{/*
Hardened pod and container security contexts shared by every workload. The images run as the
unprivileged `node` user (uid 1000, see the project's Dockerfile); the bundled Postgres passes its own
uid (999, the postgres user of the official image).
*/}}
{{- define "lib.security.pod" -}}
{{- $uid := default 1000 . -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: {{ $uid }}
fsGroup: {{ $uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Call with (dict) or, for the dev loop only, (dict "writableRoot" true). */}}
{{- define "lib.security.container" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ not .writableRoot }}
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Fails the render when requests or limits are missing: no preset fallback on purpose. */}}
{{- define "lib.resources" -}}
{{- $r := .resources -}}
{{- if not (and $r $r.requests $r.limits $r.requests.cpu $r.requests.memory $r.limits.cpu $r.limits.memory) -}}
{{- fail (printf "%s: resources.requests and resources.limits (cpu and memory) are required" .what) -}}
{{- end -}}
{{- toYaml $r -}}
{{- end -}}
