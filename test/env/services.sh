#!/usr/bin/env bash
# Real services for Palisade's integration tests, without Docker: Kafka (KRaft), Redis, etcd and
# kube-apiserver on ports of Palisade's own, bound to 127.0.0.1, plus the kubectl, helm and kcat
# tools. See docs/TESTING.md.
#
#   services.sh install   install missing Debian packages, fetch the Kafka jars, build the Go tools
#                         (etcd, kube-apiserver, kubectl, helm, np-guard's netpol-analyzer)
#   services.sh up [name...]  install, then start whatever is not running and wait until each
#                         answers (names: redis kafka etcd apiserver; default all)
#   services.sh down      stop every service and forget its data
#   services.sh restart kafka  stop the broker and start it again on the same data
#   services.sh kafka-instance start|restart|stop NAME [PORT CONTROLLER_PORT]
#                         a broker of one test's own, to stop or restart without disturbing the others
#   services.sh status    say which service answers (exit 1 when one does not)
#   services.sh env       print the variables the tests read, as `export NAME=value` lines
#
# Downloads, builds and run state live outside the clone, in $PALISADE_CACHE_DIR (default
# ~/.cache/palisade), so a fresh CI clone on the same machine pays for them only once.
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PALISADE_CACHE_DIR:-$HOME/.cache/palisade}"
RUN="$CACHE/run"
TOOLS="$CACHE/tools"

# Pinned versions. Kafka's is in kafka/pom.xml, etcd's and Kubernetes' in the go.mod files, so that
# Maven and Go read them from the same place this script does.
# Prints the version a go.mod requires of a module, whether in a one-line require or a block.
required_version() {
  awk -v module="$2" '$1 == "require" { $1 = ""; $0 = $0 } $1 == module { print $2; exit }' "$1"
}
K8S_VERSION="$(required_version "$ENV_DIR/k8s/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(required_version "$ENV_DIR/etcd/go.mod" go.etcd.io/etcd/server/v3)"
HELM_VERSION="v3.19.5"
# np-guard's NetworkPolicy analyzer, the test suite's independent oracle for what policies allow.
NETPOL_ANALYZER_VERSION="v1.4.4"

KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
REDIS_PORT=16379
ETCD_PORT=12379
ETCD_PEER_PORT=12380
APISERVER_PORT=16443

# Keyed by the pom's content: changing a version there fetches a new set of jars instead of mixing two.
KAFKA_LIBS="$CACHE/kafka/$(sha256sum "$ENV_DIR/kafka/pom.xml" | cut -c1-16)/libs"
ETCD_BIN="$TOOLS/etcd-$ETCD_VERSION/etcd"
APISERVER_BIN="$TOOLS/kubernetes-$K8S_VERSION/kube-apiserver"
KUBECTL_BIN="$TOOLS/kubernetes-$K8S_VERSION/kubectl"
HELM_BIN="$TOOLS/helm-$HELM_VERSION/helm"
NETPOL_ANALYZER_BIN="$TOOLS/netpol-analyzer-$NETPOL_ANALYZER_VERSION/netpolicy"

PKI="$RUN/pki"
KUBECONFIG_FILE="$RUN/kubeconfig"
ENV_FILE="$RUN/env"

SERVICES=(redis kafka etcd apiserver)

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------

# Go's caches go under $CACHE too; -modcacherw keeps the module cache deletable with plain rm -rf.
go_env() {
  export GOMODCACHE="${GOMODCACHE:-$CACHE/go/mod}" GOCACHE="${GOCACHE:-$CACHE/go/build}"
  export GOFLAGS="-modcacherw" GOTOOLCHAIN=local CGO_ENABLED=0
}

install_debian_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v kcat >/dev/null || missing+=(kcat)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_toolchains() {
  command -v java >/dev/null || die "Java 17+ is required for Kafka (e.g. apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "Maven is required to fetch Kafka's jars (apt-get install maven)"
  command -v go >/dev/null || die "Go is required to build etcd, kube-apiserver, kubectl and helm"
}

fetch_kafka() {
  [ -f "$KAFKA_LIBS/.complete" ] && return
  log "fetching Kafka jars from Maven Central"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$CACHE/kafka"
  mvn -q -B -Dstyle.color=never -f "$ENV_DIR/kafka/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" \
    >"$CACHE/kafka/mvn.log" 2>&1 || { cat "$CACHE/kafka/mvn.log" >&2; die "Maven could not fetch Kafka's jars"; }
  touch "$KAFKA_LIBS/.complete"
}

build_etcd() {
  [ -x "$ETCD_BIN" ] && return
  log "building etcd $ETCD_VERSION (first time only)"
  go_env
  (cd "$ENV_DIR/etcd" && go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN.tmp" go.etcd.io/etcd/server/v3)
  mv "$ETCD_BIN.tmp" "$ETCD_BIN"
}

build_kubernetes() {
  [ -x "$APISERVER_BIN" ] && [ -x "$KUBECTL_BIN" ] && return
  log "building kube-apiserver and kubectl $K8S_VERSION (first time only; expect 10+ minutes)"
  go_env
  local minor ldflags="-s -w" pkg
  minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  # Without these, /version says v0.0.0 and clients (kubectl, helm) refuse or warn.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  local out
  out="$(dirname "$APISERVER_BIN")"
  mkdir -p "$out.tmp"
  (cd "$ENV_DIR/k8s" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$out" && mv "$out.tmp" "$out"
}

build_helm() {
  [ -x "$HELM_BIN" ] && return
  log "building helm $HELM_VERSION (first time only)"
  go_env
  local out
  out="$(dirname "$HELM_BIN")"
  rm -rf "$out.tmp"
  GOBIN="$out.tmp" go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

# `go install …/cmd/netpolicy@…` is refused (the module's go.mod has replace lines), so: download
# the module, copy it somewhere writable and build its command inside it, on its own go.mod and go.sum.
build_netpol_analyzer() {
  [ -x "$NETPOL_ANALYZER_BIN" ] && return
  log "building netpol-analyzer $NETPOL_ANALYZER_VERSION (first time only; a few minutes)"
  go_env
  local module="github.com/np-guard/netpol-analyzer" source out
  source="$(go mod download -json "$module@$NETPOL_ANALYZER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -d "$source" ] || die "go mod download found no directory for $module@$NETPOL_ANALYZER_VERSION"
  out="$(dirname "$NETPOL_ANALYZER_BIN")"
  rm -rf "$out.tmp" "$out.src"
  mkdir -p "$out.tmp"
  cp -r "$source" "$out.src" && chmod -R u+w "$out.src"
  (cd "$out.src" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/netpolicy" ./cmd/netpolicy)
  rm -rf "$out.src" "$out" && mv "$out.tmp" "$out"
}

prepare_redis() { :; }
prepare_kafka() { fetch_kafka; }
prepare_etcd() { build_etcd; }
prepare_apiserver() { build_kubernetes; }

# Installs what the named services need, or everything (helm and kubectl included) with no names.
install_for() {
  install_debian_packages
  check_toolchains
  mkdir -p "$TOOLS" "$RUN"
  if [ $# -eq 0 ]; then
    fetch_kafka
    build_etcd
    build_kubernetes
    build_helm
    build_netpol_analyzer
    return
  fi
  local name
  for name in "$@"; do "prepare_$name"; done
}

# --- process bookkeeping ---------------------------------------------------------------------

pid_of() { cat "$RUN/$1/pid" 2>/dev/null || true; }

is_alive() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Detached in a session of its own, so the services outlive the shell (and npm) that started them.
spawn() {
  local name="$1"
  shift
  # 9>&-: the services must not inherit the lock of `hold_lock`, or it would be held while they run.
  setsid "$@" >>"$RUN/$name/log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN/$name/pid"
}

stop_service() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$RUN/$name/pid"
}

# Waits until `answers_<name>` (or the given check command) succeeds; on timeout or death, names the
# service and shows its log.
wait_ready() {
  local name="$1" timeout="$2" waited=0
  shift 2
  [ $# -gt 0 ] || set -- "answers_$name"
  until "$@"; do
    if ! is_alive "$name"; then
      fail_with_log "$name" "exited during startup"
    fi
    if [ "$waited" -ge "$((timeout * 5))" ]; then
      fail_with_log "$name" "did not answer within ${timeout}s"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  log "$name is ready"
}

fail_with_log() {
  log "ERROR: $1 $2; last lines of $RUN/$1/log:"
  tail -n 40 "$RUN/$1/log" >&2 || true
  exit 1
}

# --- readiness checks ------------------------------------------------------------------------

answers_redis() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

# A metadata answer listing broker 1 means the broker has joined its own KRaft quorum and serves.
kafka_answers_on() { kcat -b "127.0.0.1:$1" -L -m 2 2>/dev/null | grep -q '1 brokers:'; }
answers_kafka() { kafka_answers_on "$KAFKA_PORT"; }

answers_etcd() { curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }

answers_apiserver() {
  [ -f "$PKI/admin.crt" ] && [ "$(curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" 2>/dev/null)" = "ok" ]
}

# --- services --------------------------------------------------------------------------------

start_redis() {
  mkdir -p "$RUN/redis"
  # No persistence: tests own their keys by prefix; persistence tests start an instance of their own.
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize no --dir "$RUN/redis"
  wait_ready redis 30
}

# The JVM command line of the Kafka tools and broker whose files are in $1 (java expands the `*`).
kafka_java() {
  # C1 only: on two cores the JVM starts seconds sooner, and a test broker never runs long enough
  # for C2's faster code to pay that back.
  KAFKA_JAVA=(java -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    -Dlog4j2.configurationFile="$1/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}

start_kafka() { start_kafka_instance kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; }
restart_kafka() { restart_kafka_instance kafka; }

# Starts a single-node broker named $1 (files in $RUN/$1) on port $2, controller port $3, empty.
start_kafka_instance() {
  local name="$1" port="$2" controller_port="$3"
  local dir="$RUN/$name"
  rm -rf "$dir/data"
  mkdir -p "$dir/data"
  echo "$port" >"$dir/port"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  cat >"$dir/log4j2.properties" <<'EOF'
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=org.apache.kafka
logger.kafka.level=WARN
logger.core.name=kafka
logger.core.level=WARN
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
EOF
  kafka_java "$dir"
  # What `StorageTool random-uuid` prints (16 random bytes, URL-safe base64), without a JVM start.
  # Like Kafka's own ids it never starts with '-': the storage tool would read it as a flag and
  # fail with "argument --cluster-id/-t: expected one argument" (one start in 64).
  local cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(openssl rand 16 | base64 | tr '+/' '-_' | tr -d '=')"
  done
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$dir/server.properties" \
    >>"$dir/log" 2>&1 || fail_with_log "$name" "could not format its storage"
  spawn "$name" "${KAFKA_JAVA[@]}" kafka.Kafka "$dir/server.properties"
  wait_ready "$name" 90 kafka_answers_on "$port"
}

# Stops the broker and starts it again on the same data, as a broker restart in production does:
# topics, committed offsets and idempotent-producer state survive (tests that ride out an outage).
restart_kafka_instance() {
  local name="$1"
  local dir="$RUN/$name"
  [ -f "$dir/server.properties" ] || die "$name was never started from $RUN; start it first"
  stop_service "$name"
  log "starting $name again on its existing data"
  kafka_java "$dir"
  spawn "$name" "${KAFKA_JAVA[@]}" kafka.Kafka "$dir/server.properties"
  wait_ready "$name" 90 kafka_answers_on "$(cat "$dir/port")"
}

# Brokers of a test's own, for tests that stop or restart one: doing that to the shared broker
# would break every test running beside them.
cmd_kafka_instance() {
  local action="${1:-}" name="${2:-}"
  [[ "$name" =~ ^[a-z0-9-]{1,64}$ ]] || die "usage: $0 kafka-instance start|restart|stop NAME [PORT CONTROLLER_PORT]"
  name="kafka-instance-$name"
  case "$action" in
    start)
      [[ "${3:-}" =~ ^[0-9]+$ && "${4:-}" =~ ^[0-9]+$ ]] || die "kafka-instance start needs PORT and CONTROLLER_PORT"
      fetch_kafka
      stop_service "$name"
      start_kafka_instance "$name" "$3" "$4"
      ;;
    restart) restart_kafka_instance "$name" ;;
    stop)
      stop_service "$name"
      rm -rf "${RUN:?}/$name"
      ;;
    *) die "kafka-instance: unknown action '$action' (start, restart, stop)" ;;
  esac
}

start_etcd() {
  local dir="$RUN/etcd"
  # kube-apiserver's objects (namespaces are never garbage-collected here) start afresh with etcd.
  rm -rf "$dir/data"
  mkdir -p "$dir"
  spawn etcd "$ETCD_BIN" --name palisade --data-dir "$dir/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "palisade=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
  wait_ready etcd 30
}

# One CA signs the serving certificate and the admin client certificate (group system:masters).
make_pki() {
  [ -f "$PKI/admin.crt" ] && return
  log "creating certificates in $PKI"
  rm -rf "$PKI.tmp" && mkdir -p "$PKI.tmp"
  (
    cd "$PKI.tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=palisade-test-ca" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout serving.key -out serving.csr -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc,IP:10.96.0.1\n' >serving.ext
    openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile serving.ext -out serving.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=palisade-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile admin.ext -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext ./*.srl
  )
  rm -rf "$PKI" && mv "$PKI.tmp" "$PKI"
}

write_kubeconfig() {
  cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: palisade-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: palisade-admin
  user:
    client-certificate: $PKI/admin.crt
    client-key: $PKI/admin.key
contexts:
- name: palisade-test
  context:
    cluster: palisade-test
    user: palisade-admin
current-context: palisade-test
EOF
}

start_apiserver() {
  local dir="$RUN/apiserver"
  mkdir -p "$dir"
  make_pki
  write_kubeconfig
  # Flags as controller-runtime's envtest runs it: no kubelet, scheduler or controllers.
  spawn apiserver "$APISERVER_BIN" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --secure-port="$APISERVER_PORT" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --cert-dir="$dir" --tls-cert-file="$PKI/serving.crt" --tls-private-key-file="$PKI/serving.key" \
    --client-ca-file="$PKI/ca.crt" --authorization-mode=RBAC \
    --service-cluster-ip-range=10.96.0.0/16 \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --disable-admission-plugins=ServiceAccount --allow-privileged=true --profiling=false
  wait_ready apiserver 180
}

# --- commands --------------------------------------------------------------------------------

print_env() {
  cat <<EOF
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export KUBECONFIG=$KUBECONFIG_FILE
export KUBECTL=$KUBECTL_BIN
export HELM=$HELM_BIN
export NETPOL_ANALYZER=$NETPOL_ANALYZER_BIN
export PALISADE_K8S_VERSION=$K8S_VERSION
EOF
}

cmd_up() {
  local started name
  started="$(date +%s)"
  for name in "$@"; do
    [[ " ${SERVICES[*]} " == *" $name "* ]] || die "unknown service '$name' (known: ${SERVICES[*]})"
  done
  install_for "$@"
  local wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${SERVICES[@]}")
  for name in "${wanted[@]}"; do
    if is_alive "$name" && "answers_$name"; then
      log "$name is already running"
      continue
    fi
    # Something else answering on the port would pass for our service: refuse rather than test against it.
    if ! is_alive "$name" && "answers_$name"; then
      die "$name's port is taken by a process not started from $RUN (another cache dir?); stop it first"
    fi
    # A pid that no longer answers is a half-dead leftover: replace it rather than wait on it.
    stop_service "$name"
    # kube-apiserver's state lives in etcd: a new etcd means a new apiserver too.
    [ "$name" = etcd ] && stop_service apiserver
    log "starting $name"
    "start_$name"
  done
  print_env >"$ENV_FILE"
  log "all services ready in $(($(date +%s) - started))s; variables in $ENV_FILE"
}

cmd_down() {
  local i
  # Reverse order: kube-apiserver before the etcd it writes to.
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_service "${SERVICES[$i]}"; done
  rm -rf "$RUN/kafka/data" "$RUN/etcd/data" "$ENV_FILE"
}

cmd_status() {
  local name all=0
  for name in "${SERVICES[@]}"; do
    if "answers_$name"; then
      echo "$name: up (pid $(pid_of "$name"))"
    else
      echo "$name: down"
      all=1
    fi
  done
  return "$all"
}

# Several shells (developers' npm test, CI) may start or stop the services at once: one at a time,
# so the second `up` finds the first one's services running instead of racing for their ports.
hold_lock() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/services.lock"
  flock 9
}

case "${1:-}" in
  install) hold_lock && install_for ;;
  up) shift && hold_lock && cmd_up "$@" ;;
  down) hold_lock && cmd_down ;;
  restart) [ "${2:-}" = kafka ] || die "restart supports: kafka"; hold_lock && restart_kafka ;;
  kafka-instance) shift && cmd_kafka_instance "$@" ;;
  status) cmd_status ;;
  env) print_env ;;
  *)
    echo "usage: $0 install|up|down|restart kafka|kafka-instance|status|env" >&2
    exit 2
    ;;
esac
