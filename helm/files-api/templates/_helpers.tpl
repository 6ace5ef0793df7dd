{{/*
The chart name, or nameOverride.
*/}}
{{- define "files-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A fully qualified app name, cut to 63 characters (the limit of some Kubernetes name fields).
If the release name already contains the chart name, it is used as is.
*/}}
{{- define "files-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "files-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "files-api.labels" -}}
helm.sh/chart: {{ include "files-api.chart" . }}
{{ include "files-api.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels (must never change between upgrades).
*/}}
{{- define "files-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "files-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The name of the service account to use.
*/}}
{{- define "files-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "files-api.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The container image, repository:tag (tag defaults to the chart's appVersion).
*/}}
{{- define "files-api.image" -}}
{{- printf "%s:%s" .Values.image.repository ((default .Chart.AppVersion .Values.image.tag) | toString) }}
{{- end }}

{{/*
A value of the config map as a string. Helm reads numbers from values files as float64, so
250000000000 would print as 2.5e+11: whole numbers are printed as integers.
*/}}
{{- define "files-api.configValue" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) }}
{{- int64 . | toString }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/*
Whether a PodDisruptionBudget is rendered: enabled, and more than one replica can run.
*/}}
{{- define "files-api.pdbEnabled" -}}
{{- if and .Values.podDisruptionBudget.enabled (or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1)) }}true{{ end }}
{{- end }}
