{{/* Name of the chart, overridable. */}}
{{- define "palisade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object's name: the release, plus the chart name unless the release already has it. */}}
{{- define "palisade.fullname" -}}
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

{{/* Name of one component's objects: palisade.component (dict "root" $ "component" "collector"). */}}
{{- define "palisade.componentName" -}}
{{- printf "%s-%s" (include "palisade.fullname" .root | trunc 50 | trimSuffix "-") .component }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "palisade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "palisade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (immutable on Deployments and DaemonSets: keep them stable). */}}
{{- define "palisade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "palisade.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component. */}}
{{- define "palisade.componentLabels" -}}
{{ include "palisade.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "palisade.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Prometheus scrape annotations of a pod, when enabled. */}}
{{- define "palisade.scrapeAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* Probes on /healthz at the metrics port. */}}
{{- define "palisade.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: metrics
  initialDelaySeconds: 10
  periodSeconds: 20
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 10
  timeoutSeconds: 5
{{- end }}

{{/*
Kafka connection variables (PALISADE_KAFKA_*), shared by the collector and the baseliner. The
password only ever comes from a Secret.
*/}}
{{- define "palisade.kafkaEnv" -}}
{{- $k := .Values.kafka }}
{{- if not $k.brokers }}
{{- fail "kafka.brokers is empty: set it to your brokers, HOST:PORT[,HOST:PORT...] (for Strimzi: <cluster>-kafka-bootstrap.<namespace>:9092)" }}
{{- end }}
- name: PALISADE_KAFKA_BROKERS
  value: {{ $k.brokers | quote }}
- name: PALISADE_KAFKA_CLIENT_ID
  value: {{ $k.clientId | quote }}
{{- if $k.tls.enabled }}
- name: PALISADE_KAFKA_TLS
  value: "true"
{{- if $k.tls.caSecret.name }}
- name: PALISADE_KAFKA_CA_FILE
  value: /etc/palisade/kafka-ca/{{ $k.tls.caSecret.key }}
{{- end }}
{{- end }}
{{- if $k.sasl.mechanism }}
{{- if not (has $k.sasl.mechanism (list "plain" "scram-sha-256" "scram-sha-512")) }}
{{- fail (printf "kafka.sasl.mechanism %q: use plain, scram-sha-256 or scram-sha-512" $k.sasl.mechanism) }}
{{- end }}
{{- if not $k.sasl.passwordSecret.name }}
{{- fail "kafka.sasl.passwordSecret.name is empty: SASL needs a Secret holding the password (kubectl create secret generic NAME --from-literal=password=...)" }}
{{- end }}
- name: PALISADE_KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: PALISADE_KAFKA_SASL_USERNAME
{{- if $k.sasl.usernameSecret.name }}
  valueFrom:
    secretKeyRef:
      name: {{ $k.sasl.usernameSecret.name }}
      key: {{ $k.sasl.usernameSecret.key }}
{{- else }}
  value: {{ required "kafka.sasl.username (or kafka.sasl.usernameSecret.name) is needed with kafka.sasl.mechanism" $k.sasl.username | quote }}
{{- end }}
- name: PALISADE_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $k.sasl.passwordSecret.name }}
      key: {{ $k.sasl.passwordSecret.key }}
{{- end }}
{{- end }}

{{/* Redis connection variables (PALISADE_REDIS_*), shared by the baseliner and the refresh. */}}
{{- define "palisade.redisEnv" -}}
{{- $r := .Values.redis }}
- name: PALISADE_REDIS_URL
{{- if $r.urlSecret.name }}
  valueFrom:
    secretKeyRef:
      name: {{ $r.urlSecret.name }}
      key: {{ $r.urlSecret.key }}
{{- else }}
{{- if not $r.url }}
{{- fail "redis.url is empty: set redis://HOST:PORT (rediss:// for TLS), or redis.urlSecret.name for a URL kept in a Secret" }}
{{- end }}
{{- if regexMatch "^rediss?://[^/@]*:[^/@]*@" $r.url }}
{{- fail "redis.url carries a password: keep it in a Secret (redis.passwordSecret, or redis.urlSecret for the whole URL), never in values" }}
{{- end }}
  value: {{ $r.url | quote }}
{{- end }}
- name: PALISADE_REDIS_PREFIX
  value: {{ $r.prefix | quote }}
{{- if $r.username }}
- name: PALISADE_REDIS_USERNAME
  value: {{ $r.username | quote }}
{{- end }}
{{- if $r.passwordSecret.name }}
- name: PALISADE_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $r.passwordSecret.name }}
      key: {{ $r.passwordSecret.key }}
{{- end }}
{{- if $r.tls.enabled }}
- name: PALISADE_REDIS_TLS
  value: "true"
{{- if $r.tls.caSecret.name }}
- name: PALISADE_REDIS_CA_FILE
  value: /etc/palisade/redis-ca/{{ $r.tls.caSecret.key }}
{{- end }}
{{- end }}
{{- end }}

{{/* Volumes of the CA bundles (and the writable /tmp every Node process may need). */}}
{{- define "palisade.caVolumes" -}}
{{- if and .kafka .root.Values.kafka.tls.enabled .root.Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .root.Values.kafka.tls.caSecret.name }}
    items:
      - key: {{ .root.Values.kafka.tls.caSecret.key }}
        path: {{ .root.Values.kafka.tls.caSecret.key }}
{{- end }}
{{- if and .redis .root.Values.redis.tls.enabled .root.Values.redis.tls.caSecret.name }}
- name: redis-ca
  secret:
    secretName: {{ .root.Values.redis.tls.caSecret.name }}
    items:
      - key: {{ .root.Values.redis.tls.caSecret.key }}
        path: {{ .root.Values.redis.tls.caSecret.key }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{- define "palisade.caVolumeMounts" -}}
{{- if and .kafka .root.Values.kafka.tls.enabled .root.Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/palisade/kafka-ca
  readOnly: true
{{- end }}
{{- if and .redis .root.Values.redis.tls.enabled .root.Values.redis.tls.caSecret.name }}
- name: redis-ca
  mountPath: /etc/palisade/redis-ca
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* What `palisade refresh` reads (generator/src/cluster/kubernetes-client.ts): it only lists,
page by page; it never gets or watches. Namespaces are cluster-scoped, so they are listed with a
ClusterRole even when `refresh.namespaces` narrows the rest to Roles. */}}
{{- define "palisade.refreshReadRules" -}}
- apiGroups: [""]
  resources: ["pods", "services"]
  verbs: ["list"]
- apiGroups: ["apps"]
  resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
  verbs: ["list"]
- apiGroups: ["batch"]
  resources: ["jobs", "cronjobs"]
  verbs: ["list"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["list"]
{{- end }}
{{/* `--then apply`: server-side apply is a PATCH, which the API server also authorizes as create
when the policy does not exist yet; pruning a policy whose workload is gone is a DELETE. The
server-side dry run that precedes every write needs the same verbs. */}}
{{- define "palisade.refreshNetworkPolicyRules" -}}
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: {{ ternary (list "list" "create" "patch" "delete") (list "list") (eq .then "apply") | toJson }}
{{- end }}

{{/*
Git and GitHub settings of `--then pr`. The token lives only in a Secret; Git reads it through a
credential helper declared in the environment (GIT_CONFIG_*), so nothing is written to disk and
the clone URL carries no credential.
*/}}
{{- define "palisade.gitEnv" -}}
{{- $pr := .Values.refresh.pr }}
- name: GITHUB_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $pr.tokenSecret.name }}
      key: {{ $pr.tokenSecret.key }}
- name: GIT_CONFIG_COUNT
  value: "1"
- name: GIT_CONFIG_KEY_0
  value: credential.helper
- name: GIT_CONFIG_VALUE_0
  value: '!f() { test "$1" = get && echo username=x-access-token && echo "password=$GITHUB_TOKEN"; }; f'
- name: GIT_TERMINAL_PROMPT
  value: "0"
- name: GIT_AUTHOR_NAME
  value: {{ $pr.authorName | quote }}
- name: GIT_AUTHOR_EMAIL
  value: {{ $pr.authorEmail | quote }}
- name: GIT_COMMITTER_NAME
  value: {{ $pr.authorName | quote }}
- name: GIT_COMMITTER_EMAIL
  value: {{ $pr.authorEmail | quote }}
{{- end }}
