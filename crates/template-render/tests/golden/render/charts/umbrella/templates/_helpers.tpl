{{- define "umbrella.fullname" -}}
{{ .Release.Name }}-{{ .Chart.Name }}
{{- end }}
{{- define "shared.banner" -}}
banner from parent
{{- end }}
