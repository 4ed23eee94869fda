{{- define "childx.name" -}}{{ .Chart.Name }}-{{ .Chart.AppVersion }}{{- end -}}
