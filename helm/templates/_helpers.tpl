{{/* The chart name, overridable. */}}
{{- define "bollard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: object names start with it. */}}
{{- define "bollard.fullname" -}}
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

{{- define "bollard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "bollard.labels" -}}
helm.sh/chart: {{ include "bollard.chart" . }}
{{ include "bollard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: ingress-controller
{{- end }}

{{/* The pod selector: stable across upgrades, so never add to it. */}}
{{- define "bollard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bollard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "bollard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "bollard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "bollard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The versioned ConfigMap's name: one object per version. */}}
{{- define "bollard.configMapName" -}}
{{- printf "%s-config-v%d" (include "bollard.fullname" .) (int .Values.config.version) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* preStop sleep + drain + margin, or the value given (which must be longer). */}}
{{- define "bollard.terminationGracePeriodSeconds" -}}
{{- $needed := add .Values.proxy.preStopSleepSeconds .Values.proxy.shutdownGraceSeconds }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add $needed 10 }}
{{- else if le (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds: %v (expected: more than proxy.preStopSleepSeconds + proxy.shutdownGraceSeconds = %v, or the kubelet kills the drain)" .Values.terminationGracePeriodSeconds $needed) }}
{{- else }}
{{- .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* The `bollard run` command line the values describe. */}}
{{- define "bollard.args" -}}
- "run"
- "--listen=0.0.0.0:{{ .Values.proxy.httpPort }}"
- "--admin-listen=0.0.0.0:{{ .Values.proxy.adminPort }}"
- "--namespace={{ .Release.Namespace }}"
- "--ingress-class={{ .Values.controller.ingressClass.name }}"
- "--controller-name={{ .Values.controller.controllerName }}"
{{- if .Values.controller.watchIngressWithoutClass }}
- "--watch-ingress-without-class"
{{- end }}
{{- if .Values.controller.enableSslPassthrough }}
- "--enable-ssl-passthrough"
{{- end }}
{{- with .Values.controller.watchNamespaces }}
- "--watch-namespace={{ join "," . }}"
{{- end }}
- "--election-id={{ .Values.controller.electionId }}"
- "--leader-elect-lease-duration={{ .Values.controller.leaderElection.leaseDuration }}"
- "--leader-elect-renew-deadline={{ .Values.controller.leaderElection.renewDeadline }}"
- "--leader-elect-retry-period={{ .Values.controller.leaderElection.retryPeriod }}"
{{- if .Values.controller.publishStatusAddress }}
- "--publish-status-address={{ join "," .Values.controller.publishStatusAddress }}"
{{- else if .Values.controller.publishService }}
- "--publish-service={{ .Release.Namespace }}/{{ include "bollard.fullname" . }}"
{{- end }}
- "--config={{ .Release.Namespace }}/{{ .Values.config.name }}"
{{- if gt (int .Values.config.pinVersion) 0 }}
- "--config-version={{ .Values.config.pinVersion }}"
{{- end }}
- "--io-threads={{ .Values.proxy.ioThreads }}"
- "--connect-timeout={{ .Values.proxy.connectTimeout }}"
- "--upstream-read-timeout={{ .Values.proxy.upstreamReadTimeout }}"
- "--client-header-timeout={{ .Values.proxy.clientHeaderTimeout }}"
- "--keep-alive-timeout={{ .Values.proxy.keepAliveTimeout }}"
- "--upstream-idle-timeout={{ .Values.proxy.upstreamIdleTimeout }}"
- "--max-header-bytes={{ .Values.proxy.maxHeaderBytes }}"
- "--max-uri-bytes={{ .Values.proxy.maxUriBytes }}"
- "--max-request-headers={{ .Values.proxy.maxRequestHeaders }}"
- "--shutdown-grace={{ .Values.proxy.shutdownGraceSeconds }}s"
- "--rebuild-hold-off={{ .Values.controller.rebuildHoldOff }}"
- "--rebuild-max-delay={{ .Values.controller.rebuildMaxDelay }}"
- "--https-listen=0.0.0.0:{{ .Values.tls.httpsPort }}"
- "--https-redirect-port={{ .Values.tls.servicePort }}"
{{- with .Values.tls.defaultCertificate }}
- "--default-ssl-certificate={{ include "bollard.qualified" (list $ .) }}"
{{- end }}
{{- if .Values.acme.enabled }}
{{- if not (and .Values.acme.directory .Values.acme.email) }}
{{- fail "acme.enabled needs acme.directory (your CA's ACME directory URL) and acme.email" }}
{{- end }}
- "--acme-directory={{ .Values.acme.directory }}"
- "--acme-email={{ .Values.acme.email }}"
{{- with .Values.acme.accountSecret }}
- "--acme-account-secret={{ include "bollard.qualified" (list $ .) }}"
{{- end }}
{{- with .Values.acme.challengesConfigMap }}
- "--acme-challenges-configmap={{ . }}"
{{- end }}
{{- with .Values.acme.challengeTypes }}
- "--acme-challenge-types={{ join "," . }}"
{{- end }}
{{- with .Values.acme.renewWhenRemaining }}
- "--acme-renew-when-remaining={{ . }}"
{{- end }}
{{- with .Values.acme.caFile }}
- "--acme-ca-file={{ . }}"
{{- end }}
{{- end }}
- "--access-log={{ .Values.accessLog.destination }}"
- "--access-log-format={{ .Values.accessLog.format }}"
- "--access-log-queue={{ .Values.accessLog.queue }}"
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{/* Rules for what the controller watches, per watched namespace or cluster-wide. */}}
{{- define "bollard.watchedRules" -}}
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
{{- if .Values.acme.enabled }}
# ACME: the spec.tls Secrets of tls-acme Ingresses.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["create", "update", "patch"]
{{- end }}
{{- end }}

{{/* `namespace/name` of the global Basic-auth Secret. */}}
{{- define "bollard.basicAuthSecret" -}}
{{- $secret := .Values.basicAuth.existingSecret }}
{{- if and (not $secret) .Values.basicAuth.htpasswd }}
{{- $secret = printf "%s-basic-auth" (include "bollard.fullname" .) }}
{{- end }}
{{- if not $secret }}
{{- fail "basicAuth.hosts needs basicAuth.existingSecret or basicAuth.htpasswd: the guarded hosts would answer 503" }}
{{- end }}
{{- if not (contains "/" $secret) }}
{{- $secret = printf "%s/%s" .Release.Namespace $secret }}
{{- end }}
{{- $watched := .Values.controller.watchNamespaces }}
{{- if and $watched (not (has (first (splitList "/" $secret)) $watched)) }}
{{- fail (printf "basicAuth: Secret %s is in a namespace controller.watchNamespaces leaves out, so Bollard cannot read it; put it in a watched namespace (basicAuth.existingSecret) or watch its namespace" $secret) }}
{{- end }}
{{- $secret }}
{{- end }}

{{/* `namespace/name` from `name` (release namespace) or `namespace/name`. */}}
{{- define "bollard.qualified" -}}
{{- $root := index . 0 }}{{ $name := index . 1 }}
{{- if contains "/" $name }}{{ $name }}{{ else }}{{ $root.Release.Namespace }}/{{ $name }}{{ end }}
{{- end }}
