{{/*
Image reference: [registry/]repository(@digest|:tag). global.imageRegistry wins over the image's own
registry; the tag defaults to the chart's appVersion; a digest, when set, wins over the tag.
Call with (dict "image" .Values.image "ctx" .).
*/}}
{{- define "lib.images.image" -}}
{{- $image := .image -}}
{{- $global := default dict .ctx.Values.global -}}
{{- $registry := default $image.registry $global.imageRegistry -}}
{{- $ref := $image.repository -}}
{{- if $registry -}}{{- $ref = printf "%s/%s" $registry $ref -}}{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $ref $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (default .ctx.Chart.AppVersion $image.tag | toString) -}}
{{- end -}}
{{- end -}}
