# shellcheck shell=bash
# Source this file to use fleetwright's toolchain:   source toolchain/env.sh
# It only sets variables (cheap, builds nothing); run toolchain/setup.sh first to build.
# Respects FLEETWRIGHT_CACHE and an already-set PULUMI_HOME. Safe under `set -euo pipefail`.

FLEETWRIGHT_TOOLCHAIN_BIN="${FLEETWRIGHT_CACHE:-${HOME:-/root}/.cache/fleetwright}/bin"
export FLEETWRIGHT_TOOLCHAIN_BIN

# The bin dir holds pulumi, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, etcd, kwok, kwokctl, helm, kustomize and, when the machine's Node.js
# is older than 22, node (so the machine's npm/npx, which start `node` from PATH, run on it).
case ":${PATH:-}:" in
  *":$FLEETWRIGHT_TOOLCHAIN_BIN:"*) ;;
  *) PATH="$FLEETWRIGHT_TOOLCHAIN_BIN${PATH:+:$PATH}" ;;
esac
export PATH

# Pulumi: plugin cache with the self-built kubernetes provider; never reach out to the network.
export PULUMI_HOME="${PULUMI_HOME:-${FLEETWRIGHT_CACHE:-${HOME:-/root}/.cache/fleetwright}/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
# Resolve provider plugins from $PULUMI_HOME/plugins by exact version, never from PATH.
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
# The CLI is version-stamped, so the Automation API's version check must stay on.
unset PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK

if [ ! -x "$FLEETWRIGHT_TOOLCHAIN_BIN/pulumi" ] && [ -z "${FLEETWRIGHT_TOOLCHAIN_QUIET:-}" ]; then
  echo "toolchain/env.sh: $FLEETWRIGHT_TOOLCHAIN_BIN has no pulumi yet; run toolchain/setup.sh" >&2
fi
