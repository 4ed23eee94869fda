{{- define "c.container" -}}
- name: {{ .name }}
  image: {{ .image }}
  resources:
    limits:
      memory: 64Mi
{{- end -}}
