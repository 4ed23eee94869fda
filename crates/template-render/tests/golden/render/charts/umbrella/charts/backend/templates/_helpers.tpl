{{- define "backend.fullname" -}}
{{ .Release.Name }}-backend
{{- end }}
{{- define "shared.banner" -}}
banner from backend
{{- end }}
