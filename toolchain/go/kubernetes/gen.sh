#!/usr/bin/env bash
# Regenerate the Kubernetes wrapper module (go.mod/go.sum) for a given release.
# usage: toolchain/go/kubernetes/gen.sh 1.36.1        (only needed when bumping the pin)
# k8s.io/kubernetes requires every staging module at the nonexistent v0.0.0; this wrapper
# replaces each of them with the published v0.<minor>.<patch> tag, copies upstream's godebug
# lines, and records the four control-plane commands as tools.
set -euo pipefail
KV="${1:?usage: gen.sh <kubernetes version, e.g. 1.36.1>}"; KV="${KV#v}"
SV="v0.${KV#1.}"                                   # 1.36.1 -> v0.36.1
cd "$(dirname "$0")"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
GOPROXY="$(go env GOPROXY)"; export GOPROXY="${GOPROXY%,direct}"
rm -f go.mod go.sum
go mod init fleetwright.invalid/toolchain/go/kubernetes >/dev/null 2>&1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
GOMOD=$(cd "$tmp" && go mod download -json "k8s.io/kubernetes@v${KV}" | jq -r .GoMod)
go mod edit -json "$GOMOD" > "$tmp/k8s.json"
args=()
while read -r m; do args+=("-replace=${m}=${m}@${SV}"); done \
  < <(jq -r '.Require[] | select(.Version=="v0.0.0") | .Path' "$tmp/k8s.json")
while read -r kv; do [ -n "$kv" ] && args+=("-godebug=$kv"); done \
  < <(jq -r '(.GoDebug // [])[] | "\(.Key)=\(.Value)"' "$tmp/k8s.json")
args+=("-go=$(jq -r .Go "$tmp/k8s.json")")        # same go line => same language/GODEBUG defaults
go mod edit "${args[@]}"
echo "staging replaces: $(jq -r '[.Require[] | select(.Version=="v0.0.0")] | length' "$tmp/k8s.json")" >&2
echo "non-staging replaces upstream (review by hand):" >&2
jq -r '(.Replace // [])[] | select(.New.Path|startswith("./")|not) | "  \(.Old.Path) => \(.New.Path) \(.New.Version)"' "$tmp/k8s.json" >&2
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v${KV}" "k8s.io/kubernetes/cmd/kube-controller-manager@v${KV}" \
  "k8s.io/kubernetes/cmd/kube-scheduler@v${KV}" "k8s.io/kubernetes/cmd/kubectl@v${KV}"
go mod tidy
