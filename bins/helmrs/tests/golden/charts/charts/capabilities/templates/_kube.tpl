{{- define "capabilities.kube" -}}{{ . }} {{ .Major }}{{- end -}}
