{{- define "t.name" -}}{{ .Chart.Name }}-{{ .Release.Namespace }}{{- end -}}
{{- define "t.list" -}}
{{- range . }}
- {{ . }}
{{- end }}
{{- end -}}
