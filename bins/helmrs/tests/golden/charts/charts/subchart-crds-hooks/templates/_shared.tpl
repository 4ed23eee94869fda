{{- define "shared.label" -}}from-parent-{{ .Chart.Name }}{{- end -}}
