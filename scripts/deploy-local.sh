#!/usr/bin/env bash
# The main job on a fresh machine: build (or reuse) the toolchain, install and build fleetwright,
# then, in the example project examples/edge-fleet, start the local fleet (its 6 clusters on
# 127.0.0.1), deploy every region stack in rollout order and print the bundle × cluster status
# table read from the clusters. Running it again changes nothing.
#
# usage: scripts/deploy-local.sh   (stop the local fleet with: cd examples/edge-fleet && npx fleetwright dev down)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

echo "==> toolchain"
bash toolchain/setup.sh --skip actionlint >/dev/null
# shellcheck source=../toolchain/env.sh
source toolchain/env.sh
echo "node $(node --version), $(pulumi version)"

echo "==> npm"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run --silent build
fi
# The example imports 'fleetwright' by name: node_modules/fleetwright → this repository.
node scripts/link-self.js

cd examples/edge-fleet

echo "==> local fleet"
npx fleetwright dev up

echo "==> deploy"
npx fleetwright up --local

echo "==> status (read from the clusters)"
npx fleetwright status --live --local
