{{/* Name of every object of the release. */}}
{{- define "helm-smoke.name" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
