#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, no Docker, no kind, no registry:
#   npm run cluster:up       build what is missing, start the cluster, import the images, install the chart
#   npm run cluster:down     stop everything and remove the cluster's state, undo the global changes
#   npm run cluster:status   what runs, the node, the pods
#   cluster.sh install       (re)install the chart on a running cluster; cluster.sh images: rebuild + import images
#   cluster.sh import expenses/<name>:<tag>...   import built images (scripts/cluster/dev-image.sh: Tilt, skaffold)
#   cluster.sh volumes       make the data volumes of deleted claims usable again
#
# Parts (all built here; see docs/kubernetes.md, "The local cluster"):
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy  .tools/bin (install-kube.sh)
#   containerd (CRI) + runc                                                          Debian packages
#   CNI bridge + host-local + portmap on the bridge expenses0 (10.244.0.0/24)           Debian containernetworking-plugins
#   CoreDNS in kube-system (k8s/cluster/coredns.yaml)                                 .tools/bin/coredns, image built here
# State lives under .local/cluster (git-ignored); the node's address is the bridge's 10.244.0.1, so no
# cluster traffic uses the machine's real network, and pods cannot send anything off the bridge (a FORWARD
# DROP rule), which also keeps CoreDNS from forwarding anywhere.
#
# Options for `up`: --no-install (cluster and images only), --no-images (implies --no-install).
# Environment: CLUSTER_STATE (state dir), CLUSTER_APISERVER_PORT (6443), CLUSTER_ETCD_PORT (2379, peer +1),
# CLUSTER_GATEWAY_NODEPORT (30080; must match k8s/values/local-cluster.yaml), CLUSTER_VALUES (extra values file).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.tools/bin"
STATE="${CLUSTER_STATE:-$ROOT/.local/cluster}"
RUN="$STATE/run"
LOGS="$STATE/logs"
PKI="$STATE/pki"
NODE_NAME=expenses-node
BRIDGE=expenses0
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
APISERVER_PORT="${CLUSTER_APISERVER_PORT:-6443}"
ETCD_PORT="${CLUSTER_ETCD_PORT:-2379}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
GATEWAY_NODEPORT="${CLUSTER_GATEWAY_NODEPORT:-30080}"
KUBELET_PORT=10250
NAMESPACE=expenses
RELEASE=expenses
PAUSE_IMAGE=docker.io/expenses/pause:3.10
CONTAINERD_SOCK="$STATE/containerd/containerd.sock"
KUBECONFIG_ADMIN="$STATE/admin.kubeconfig"
# The kernel settings kubelet and kube-proxy insist on (kubelet's protectKernelDefaults); the previous values
# are saved in $STATE/sysctl.saved and restored by `down`.
SYSCTLS=(net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 vm.overcommit_memory=1 kernel.panic=10 kernel.panic_on_oops=1)

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }
kubectl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
helm() { "$BIN/helm" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
ctr() { command ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# ---------------------------------------------------------------------------------------------- checks
preflight() {
  [[ $(id -u) -eq 0 ]] || die "needs root (containerd, mounts, iptables): run it as root"
  [[ $(uname -s) == Linux ]] || die "Linux only"
  local missing=() tool
  for tool in containerd containerd-shim-runc-v2 runc iptables conntrack openssl buildah ip; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/portmap ]] || missing+=(containernetworking-plugins)
  if [[ ${#missing[@]} -gt 0 ]]; then
    die "missing ${missing[*]}: apt-get install -y containerd runc containernetworking-plugins iptables conntrack openssl buildah iproute2"
  fi
  if command -v crun >/dev/null && [[ $(readlink -f "$(command -v runc)") == *crun* ]]; then
    die "runc is crun here, which refuses hybrid cgroups: install Debian's runc"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
check_port() {
  local host=$1 port=$2 what=$3 var=$4
  if port_in_use "$host" "$port"; then
    local holder
    holder=$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1, pid \2/p' | head -1)
    die "port $port ($what) is already in use${holder:+ by $holder}; stop it${var:+ or set $var to a free port}"
  fi
}

# ------------------------------------------------------------------------------------------- processes
pid_of() { local f="$RUN/$1.pid"; [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
running() { pid_of "$1" >/dev/null; }

# start NAME CMD...: starts CMD detached (own session), logging to $LOGS/NAME.log, unless NAME already runs.
start() {
  local name=$1
  shift
  if running "$name"; then return 0; fi
  log "starting $name"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# write_file PATH < content: replaces PATH only when the content differs. A running kube-proxy exits when its
# config file changes, and a re-run of `up` must leave what already runs alone.
write_file() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  if [[ -f $1 ]] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# wait_for WHAT SECONDS NAME CMD...: polls CMD each second; fails early (with the log's tail) if NAME died.
wait_for() {
  local what=$1 seconds=$2 name=$3 deadline=$((SECONDS + $2))
  shift 3
  until "$@" >/dev/null 2>&1; do
    if [[ -n $name ]] && ! running "$name"; then
      tail -n 15 "$LOGS/$name.log" >&2 || true
      die "$name exited while waiting for $what; its log: $LOGS/$name.log"
    fi
    ((SECONDS < deadline)) || { tail -n 15 "$LOGS/$name.log" >&2 || true; die "timed out after ${seconds}s waiting for $what; see $LOGS/$name.log"; }
    sleep 1
  done
}

stop() {
  local name=$1 grace=${2:-20} pid
  pid=$(pid_of "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

# ------------------------------------------------------------------------------------------------- PKI
# cert NAME CN [O] [SANS]: a client or serving certificate signed by the cluster CA.
cert() {
  local name=$1 cn=$2 org=${3:-} sans=${4:-} subj="/CN=$2"
  [[ -f "$PKI/$name.crt" ]] && return 0
  [[ -n $org ]] && subj="/O=$org/CN=$cn"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $sans ]]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$sans"; else echo "extendedKeyUsage=clientAuth"; fi
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 365 \
    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

kubeconfig() {
  local file=$1 user=$2 server=${3:-https://$NODE_IP:$APISERVER_PORT}
  [[ -f $file ]] && return 0
  write_file "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: expenses-local
    cluster: { server: "$server", certificate-authority: "$PKI/ca.crt" }
users:
  - name: $user
    user: { client-certificate: "$PKI/$user.crt", client-key: "$PKI/$user.key" }
contexts:
  - name: expenses-local
    context: { cluster: expenses-local, user: $user, namespace: $NAMESPACE }
current-context: expenses-local
EOF
}

make_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -f "$PKI/ca.crt" ]]; then
    log "making the cluster CA and certificates in $PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 365 \
      -subj "/CN=expenses-local-ca" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  cert apiserver kube-apiserver "" "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert admin expenses-admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert kube-controller-manager system:kube-controller-manager
  cert kube-scheduler system:kube-scheduler
  cert kube-proxy system:kube-proxy
  cert kubelet "system:node:$NODE_NAME" system:nodes
  cert kubelet-serving "system:node:$NODE_NAME" system:nodes "IP:$NODE_IP,DNS:$NODE_NAME,DNS:localhost,IP:127.0.0.1"
  local name
  for name in admin kube-controller-manager kube-scheduler kube-proxy kubelet; do kubeconfig "$STATE/$name.kubeconfig" "$name"; done
}

# ------------------------------------------------------------------------------------- global changes
# Made only here, announced, and undone by `down` (sysctl values restored, mount propagation back to private).
global_changes() {
  if [[ ! -d /proc/sys/net/bridge ]]; then modprobe br_netfilter 2>/dev/null || true; fi
  [[ -d /proc/sys/net/bridge ]] || die "the br_netfilter kernel module is missing (kube-proxy needs bridged traffic to pass iptables)"
  if [[ ! -f "$STATE/sysctl.saved" ]]; then
    local kv key
    for kv in "${SYSCTLS[@]}"; do key=${kv%%=*}; echo "$key=$(sysctl -n "$key")"; done >"$STATE/sysctl.saved"
    findmnt -no PROPAGATION / >"$STATE/mount-propagation.saved"
  fi
  log "GLOBAL CHANGE: sysctl ${SYSCTLS[*]} (kubelet and kube-proxy need them; \`npm run cluster:down\` restores $(tr '\n' ' ' <"$STATE/sysctl.saved"))"
  sysctl -q -w "${SYSCTLS[@]}"
  if [[ $(findmnt -no PROPAGATION /) != shared ]]; then
    log "GLOBAL CHANGE: mount --make-rshared / (kubelet's volume mounts must propagate into containers; \`down\` makes / $(cat "$STATE/mount-propagation.saved") again)"
    mount --make-rshared /
  fi
}

undo_global_changes() {
  if [[ -f "$STATE/sysctl.saved" ]]; then
    log "restoring sysctl $(tr '\n' ' ' <"$STATE/sysctl.saved")"
    while read -r kv; do sysctl -q -w "$kv" || true; done <"$STATE/sysctl.saved"
  fi
  if [[ -f "$STATE/mount-propagation.saved" && $(cat "$STATE/mount-propagation.saved") == private ]]; then
    log "mount --make-rprivate / (as it was before cluster:up)"
    mount --make-rprivate / || true
  fi
}

# ------------------------------------------------------------------------------------------- network
network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "creating bridge $BRIDGE ($NODE_IP/24), the node's and the pods' network"
    ip link add "$BRIDGE" type bridge
    ip addr add "$NODE_IP/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  # Sealed: pods may talk to each other and to the node, never past it (no route out is wanted, and CoreDNS
  # has no upstream). iptables -C first, so repeated `up`s do not stack rules.
  iptables -C FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -j DROP 2>/dev/null || iptables -I FORWARD 1 -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
  iptables -C FORWARD -o "$BRIDGE" ! -i "$BRIDGE" -j DROP 2>/dev/null || iptables -I FORWARD 1 -o "$BRIDGE" ! -i "$BRIDGE" -j DROP
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/ipam"
  write_file "$STATE/cni/net.d/10-expenses.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "expenses",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$STATE/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$NODE_IP", "rangeStart": "10.244.0.10" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

network_down() {
  iptables -D FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -j DROP 2>/dev/null || true
  iptables -D FORWARD -o "$BRIDGE" ! -i "$BRIDGE" -j DROP 2>/dev/null || true
  if [[ -x "$BIN/kube-proxy" ]]; then "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true; fi
  # The CNI bridge plugin's own rules are per container and go with the pods; the bridge goes last.
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" || true; fi
}

# ---------------------------------------------------------------------------------------------- parts
containerd_up() {
  mkdir -p "$STATE/containerd"
  write_file "$STATE/containerd/config.toml" <<EOF
# containerd for the local cluster: its own root, state and socket, so it never meets a system containerd.
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
# opt would install into /opt/containerd; nothing here needs it.
disabled_plugins = ["io.containerd.internal.v1.opt"]
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  # Built locally by scripts/cluster/images.sh; no registry is reachable.
  sandbox_image = "$PAUSE_IMAGE"
  # This sandbox cannot lower oom_score_adj (no CAP_SYS_RESOURCE); the pause container asks for -998.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # cgroupfs: no systemd here; crun refuses hybrid cgroups, so runc explicitly.
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  start containerd containerd --config "$STATE/containerd/config.toml"
  wait_for "containerd" 60 containerd ctr version
}

etcd_up() {
  start etcd "$BIN/etcd" --name "$NODE_NAME" --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
  wait_for "etcd" 60 etcd curl -sf "http://127.0.0.1:$ETCD_PORT/health"
}

apiserver_up() {
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
    --allow-privileged=false --profiling=false
  wait_for "kube-apiserver on https://$NODE_IP:$APISERVER_PORT" 120 kube-apiserver kubectl get --raw /readyz
}

controllers_up() {
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/kube-controller-manager.kubeconfig" --authorization-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" --use-service-account-credentials \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --leader-elect=false --bind-address 127.0.0.1 --secure-port 10257 --profiling=false
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/kube-scheduler.kubeconfig" --authorization-kubeconfig "$STATE/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 10259 --profiling=false
}

kubelet_up() {
  mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
  # Pods get this as resolv.conf for dnsPolicy Default: no upstream (the node's resolver is not theirs to use).
  : >"$STATE/resolv.conf"
  write_file "$STATE/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 (hybrid) is still allowed by 1.34; 1.35+ refuses it unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
# The sandbox cannot lower oom_score_adj below 0 (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
# cluster:up sets these sysctls itself (announced, restored by down) instead of letting kubelet change them.
protectKernelDefaults: true
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: Webhook }
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: $STATE/resolv.conf
podLogsDir: $STATE/pod-logs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
# Images cannot be pulled again here, so never garbage-collect them, and never evict for a disk that is
# merely fuller than a cloud node's would be.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2% }
maxPods: 60
serializeImagePulls: false
EOF
  start kubelet "$BIN/kubelet" --config "$STATE/kubelet-config.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
    --root-dir "$STATE/kubelet" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v 1
  write_file "$STATE/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: { kubeconfig: $STATE/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$NODE_IP/32"]
# No conntrack sysctl changes (global, and not needed at this size); 127.0.0.1 NodePorts would need route_localnet.
conntrack: { maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { localhostNodePorts: false }
EOF
  start kube-proxy "$BIN/kube-proxy" --config "$STATE/kube-proxy-config.yaml"
  wait_for "node $NODE_NAME Ready" 180 kubelet sh -c "\"$BIN/kubectl\" --kubeconfig \"$KUBECONFIG_ADMIN\" get node $NODE_NAME -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
}

# The storage a single node has: hostPath PersistentVolumes, made up front (no provisioner runs here).
# Directories are mode 1777 because hostPath volumes get no fsGroup ownership change; the pods run non-root.
storage_up() {
  local i dir
  for i in $(seq 1 10); do
    dir="$STATE/volumes/pv-$i"
    mkdir -p "$dir"
    chmod 1777 "$dir"
  done
  {
    cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
    for i in $(seq 1 10); do
      cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: local-pv-$i, labels: { app.kubernetes.io/part-of: expenses-local-cluster } }
spec:
  capacity: { storage: 5Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  hostPath: { path: $STATE/volumes/pv-$i, type: Directory }
EOF
    done
  } | kubectl apply -f - >/dev/null
}

dns_up() {
  kubectl apply -f "$ROOT/k8s/cluster/coredns.yaml" >/dev/null
  kubectl -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null ||
    die "CoreDNS did not become ready: kubectl -n kube-system describe pods -l k8s-app=kube-dns (KUBECONFIG=$KUBECONFIG_ADMIN)"
}

# The CRDs of the operators the chart talks to (Kong, Strimzi, prometheus-operator), extracted or generated
# by scripts/tools/install.sh into .tools/crds: objects of those kinds are then accepted by a real API server.
crds_up() {
  [[ -d "$ROOT/.tools/crds" ]] || die ".tools/crds is missing: run bash scripts/tools/install.sh"
  kubectl apply --server-side -f "$ROOT/.tools/crds/kong" -f "$ROOT/.tools/crds/strimzi" -f "$ROOT/.tools/crds/prometheus-operator" >/dev/null
  # `kubectl wait` fails at once on a CRD whose status has no conditions yet (just created), so poll it.
  wait_for "the CRDs to be Established" 60 "" kubectl wait --for=condition=Established crd --all --timeout=5s
}

# ------------------------------------------------------------------------------------------- images
# Our images (buildah, scripts/k8s/build-images.sh and scripts/cluster/images.sh) go into containerd's k8s.io
# namespace; one whose image id is already there is skipped.
import_images() {
  local names image
  mapfile -t names < <(cd "$ROOT" && node --import=tsx -e "import('./scripts/k8s/services.ts').then((m) => { for (const t of m.imageTargets()) console.log(t.name) })")
  bash "$ROOT/scripts/k8s/build-images.sh" "${names[@]}"
  bash "$ROOT/scripts/cluster/images.sh"
  # expenses/debian is only the base the platform images build on; pods never run it.
  for image in $(buildah --storage-driver overlay images --format '{{.Name}}:{{.Tag}}' | sed -n 's#^localhost/\(expenses/[^:]*:.*\)#\1#p' | grep -v '^expenses/debian:'); do
    import_image "$image"
  done
}

# One buildah image (expenses/<name>:<tag>) into containerd as docker.io/expenses/<name>:<tag>, the name the
# charts' `registry: docker.io` gives it; skipped when containerd already has that image id.
import_image() {
  local image=$1 id archive stamp
  id=$(buildah --storage-driver overlay inspect --type image --format '{{.FromImageID}}' "$image") ||
    die "no image $image in buildah's storage: build it first (scripts/k8s/build-images.sh)"
  mkdir -p "$STATE/images"
  stamp="$STATE/images/$(tr '/:' '__' <<<"$image").id"
  if ctr images ls -q "name==docker.io/$image" 2>/dev/null | grep -q . && [[ -f $stamp && $(cat "$stamp") == "$id" ]]; then
    return 0
  fi
  log "importing $image into containerd"
  archive="$STATE/images/$(tr '/:' '__' <<<"$image").tar"
  rm -f "$archive"
  buildah --storage-driver overlay push --quiet "$image" "docker-archive:$archive:docker.io/$image" >/dev/null
  ctr images import --no-unpack=false "$archive" >/dev/null
  rm -f "$archive"
  echo "$id" >"$stamp"
}

# ------------------------------------------------------------------------------------------ the chart
install_chart() {
  recycle_volumes
  bash "$ROOT/scripts/k8s/helm-deps.sh" >/dev/null
  kubectl apply -f "$ROOT/k8s/dev/namespaces.yaml" >/dev/null
  # The Strimzi Kafka is applied so the real API server checks it against the real CRD; its topics and users
  # are the release's ExpenseTracker's, made by the operator. No Strimzi operator runs here (the chart's dev
  # Kafka serves the services instead, see k8s/values/local-cluster.yaml).
  kubectl -n "$NAMESPACE" apply -f "$ROOT/k8s/strimzi/kafka.yaml" >/dev/null
  log "helm upgrade --install $RELEASE (k8s/values/local-cluster.yaml${CLUSTER_VALUES:+ + $CLUSTER_VALUES}) --wait"
  helm upgrade --install "$RELEASE" "$ROOT/charts/expenses-tracker" -n "$NAMESPACE" \
    -f "$ROOT/k8s/values/local-cluster.yaml" ${CLUSTER_VALUES:+-f "$CLUSTER_VALUES"} --wait --timeout 15m >"$LOGS/helm.log" 2>&1 ||
    { tail -n 20 "$LOGS/helm.log" >&2; die "helm install failed; see $LOGS/helm.log and: KUBECONFIG=$KUBECONFIG_ADMIN kubectl -n $NAMESPACE get pods"; }
}

# A volume whose claim was deleted (`kubectl delete pvc` after an uninstall) is Released and, with no
# provisioner here, would never bind again: empty its directory and make it Available. Volumes still
# claimed are never touched.
recycle_volumes() {
  local pv dir
  for pv in $(kubectl get pv -l app.kubernetes.io/part-of=expenses-local-cluster -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
    dir=$(kubectl get pv "$pv" -o jsonpath='{.spec.hostPath.path}')
    [[ $dir == "$STATE/volumes/"* ]] || continue
    log "recycling $pv (its claim was deleted): emptying $dir"
    find "$dir" -mindepth 1 -delete
    kubectl patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
  done
}

# The API and the web app (the chart's web, proxied by the gateway for every page no route claims).
print_urls() {
  echo "Gateway: $(gateway_url)"
  echo "Web app: $(gateway_url)/"
}

gateway_url() { echo "http://$NODE_IP:$GATEWAY_NODEPORT"; }

# ------------------------------------------------------------------------------------------- commands
up() {
  local install=1 images=1 arg
  for arg in "$@"; do
    case $arg in
      --no-install) install=0 ;;
      --no-images) images=0; install=0 ;;
      *) die "unknown option $arg (up takes --no-install, --no-images)" ;;
    esac
  done
  preflight
  mkdir -p "$RUN" "$LOGS"
  running kube-apiserver || check_port 127.0.0.1 "$APISERVER_PORT" kube-apiserver CLUSTER_APISERVER_PORT
  running etcd || { check_port 127.0.0.1 "$ETCD_PORT" etcd CLUSTER_ETCD_PORT; check_port 127.0.0.1 "$ETCD_PEER_PORT" "etcd peer" CLUSTER_ETCD_PORT; }
  running kubelet || check_port 127.0.0.1 10248 "kubelet healthz" ""
  log "building the Kubernetes binaries if missing (.tools/bin, cached by version)"
  bash "$ROOT/scripts/tools/install-kube.sh"
  [[ -x "$BIN/helm" ]] || bash "$ROOT/scripts/tools/install.sh"
  make_pki
  global_changes
  network_up
  containerd_up
  etcd_up
  apiserver_up
  controllers_up
  # The pause and CoreDNS images must be in containerd before the first pod; the app images too before install.
  if ((images)); then import_images; fi
  kubelet_up
  storage_up
  dns_up
  crds_up
  if ((install)); then install_chart; fi
  log "KUBECONFIG=$KUBECONFIG_ADMIN (kubectl: $BIN/kubectl)"
  if ((install)); then print_urls; fi
}

down() {
  mkdir -p "$RUN"
  # Pods first (kubelet would restart them), then each pod sandbox's netns and mounts, then the control plane.
  stop kube-proxy
  stop kubelet 30
  if running containerd; then
    local ids
    ids=$(ctr tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $ids; do ctr tasks delete -f "$id" >/dev/null 2>&1 || true; ctr containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
  stop containerd
  # Shims of our containerd that outlived it.
  pkill -KILL -f "containerd-shim-runc-v2 -namespace k8s.io -address $CONTAINERD_SOCK" 2>/dev/null || true
  # Everything mounted under the state dir (kubelet volumes, overlay snapshots, sandbox /dev/shm), deepest first.
  findmnt -rno TARGET | grep -F "$STATE/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # The CNI network namespaces of our pods.
  for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do ip netns delete "$ns" 2>/dev/null || true; done
  network_down
  # The kubepods cgroups kubelet made in every v1 controller, leaves first.
  find /sys/fs/cgroup/*/kubepods* -depth -type d -exec rmdir {} + 2>/dev/null || true
  undo_global_changes
  rm -rf "$STATE"
  log "stopped; removed $STATE"
}

status() {
  local name
  for name in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    if running "$name"; then printf '%-24s running (pid %s)\n' "$name" "$(pid_of "$name")"; else printf '%-24s stopped\n' "$name"; fi
  done
  if running kube-apiserver; then
    kubectl get nodes -o wide 2>/dev/null || true
    kubectl get pods -A -o wide 2>/dev/null || true
    print_urls
    echo "KUBECONFIG=$KUBECONFIG_ADMIN"
  fi
}

# Sourcing the file (for debugging a single step) defines the functions without running a command.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    status) status ;;
    # The chart alone, on a cluster that is up (what the cluster tests and a re-install after a change use).
    install) running kube-apiserver || die "the cluster is not running: npm run cluster:up"; install_chart; print_urls ;;
    # Images alone: rebuild what changed and import it (then \`kubectl rollout restart\` or install).
    images) running containerd || die "the cluster is not running: npm run cluster:up"; import_images ;;
    # Named images (expenses/<name>:<tag>, already built): what the Tilt and skaffold builds call.
    import) shift; running containerd || die "the cluster is not running: npm run cluster:up"; for ref in "$@"; do import_image "$ref"; done ;;
    # Data volumes whose claims were deleted become usable again (install does this itself; the dev loops call it).
    volumes) running kube-apiserver || die "the cluster is not running: npm run cluster:up"; recycle_volumes ;;
    *) die "usage: cluster.sh up [--no-install|--no-images] | install | images | import <image:tag>... | volumes | down | status" ;;
  esac
fi
