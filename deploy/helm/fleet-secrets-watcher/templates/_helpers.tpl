{{/* Labels of every object: the same four as `fleet-secrets watcher manifest`, plus helm's own. */}}
{{- define "watcher.labels" -}}
app.kubernetes.io/name: fleet-secrets-watcher
app.kubernetes.io/instance: {{ .Values.name }}
app.kubernetes.io/part-of: fleet-secrets
fleet-secrets.io/cluster-id: {{ .Values.clusterId | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "watcher.selector" -}}
app.kubernetes.io/name: fleet-secrets-watcher
app.kubernetes.io/instance: {{ .Values.name }}
{{- end -}}

{{/* The region of the Lambda endpoint: as given, else the one in the ingest function's ARN. */}}
{{- define "watcher.region" -}}
{{- .Values.region | default (index (splitList ":" .Values.ingestFunctionArn) 3) -}}
{{- end -}}
