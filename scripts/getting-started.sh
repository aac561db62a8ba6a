#!/usr/bin/env bash
# Runs docs/getting-started.md's walk-through for real and prints each command with its output
# (markdown), so the guide shows what the commands print today:
#   bash scripts/getting-started.sh > /tmp/walkthrough.md
# Uses a packed tarball of this checkout and a temporary folder; leaves nothing behind.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../toolchain/env.sh
source "$ROOT/toolchain/env.sh"
WORK=$(mktemp -d /tmp/fleetwright-guide-XXXXXX)
trap 'cd "$WORK/my-fleet" 2>/dev/null && npx fleetwright dev down --quiet >/dev/null 2>&1; rm -rf "$WORK"' EXIT
TGZ=$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" | tail -1)
TGZ="$WORK/$TGZ"

show() { # show <command…>: prints the command and its output (stdout and stderr), keeps going on exit 2
  local start end code
  start=$(date +%s.%N)
  printf '```console\n$ %s\n' "$*" | sed "s#$TGZ#./fleetwright-0.1.0.tgz#g; s#$WORK/##g"
  set +e
  bash -c "$*" 2>&1 | sed "s#$TGZ#./fleetwright-0.1.0.tgz#g; s#$WORK/##g; s#$WORK#.#g"
  code=${PIPESTATUS[0]}
  set -e
  end=$(date +%s.%N)
  printf '```\n<!-- exit %s, %.1f s -->\n\n' "$code" "$(echo "$end - $start" | bc)"
  if [ "$code" != 0 ] && [ "$code" != 2 ]; then echo "failed: $*" >&2; exit 1; fi
}

cd "$WORK"
show npx --yes --package "$TGZ" fleetwright init my-fleet --regions us-west,us-east --from "file:$TGZ"
cd my-fleet
show npm install --no-audit --no-fund --prefer-offline --loglevel=error
show npm test --silent -- --ci=false
show npx fleetwright targets
show npx fleetwright synth
show 'git init -q -b main && git add -A && git commit -q -m "my fleet" && echo committed'
show "sed -i 's/replicas: 3/replicas: 5/' bundles/web.ts && git diff --stat"
show npx fleetwright diff --base HEAD
show 'git commit -qam "web: 5 replicas in prod" && echo committed'
show npx fleetwright dev up
show npx fleetwright up --local --region us-west
show 'eval "$(npx fleetwright env)" && pulumi up --yes --skip-preview --non-interactive -s local-us-east | tail -8'
show npx fleetwright status --local
show npx fleetwright dev down
