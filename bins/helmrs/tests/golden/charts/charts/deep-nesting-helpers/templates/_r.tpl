{{- define "rec" -}}
{{- if gt .n 0 -}}
{{ .p }}{{ .n }}/{{ include "rec" (dict "n" (sub .n 1) "p" .p) }}
{{- else -}}
end
{{- end -}}
{{- end -}}
