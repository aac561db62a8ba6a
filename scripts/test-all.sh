#!/usr/bin/env bash
# Runs every check and test suite of fleetwright on a fresh machine: builds (or reuses) the
# toolchain, installs npm dependencies, type-checks, lints, runs the unit suite, the tools suite
# (real helm, kustomize, actionlint) and the end-to-end suite against a local fleet, and ends with
# one line: `N passed, N failed`.
#
# usage: scripts/test-all.sh [--unit-only]
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

UNIT_ONLY=0
[ "${1:-}" = "--unit-only" ] && UNIT_ONLY=1

passed=0
failed=0
results=$(mktemp -d)
cleanup() {
  # Tear down every local fleet the end-to-end suites may have left behind (a crashed test file
  # skips its own afterAll), then their scratch folders.
  if [ "$UNIT_ONLY" = 0 ] && [ -f "$ROOT/lib/cli/main.js" ]; then
    for state in "$ROOT"/.fleetwright/e2e/*/; do
      [ -d "$state" ] && FLEETWRIGHT_STATE=$state node "$ROOT/bin/fleetwright.js" dev down --quiet >/dev/null 2>&1
    done
    rm -rf "$ROOT/.fleetwright/e2e" "$ROOT"/examples/edge-fleet/stacks/Pulumi.local-*.yaml
  fi
  rm -rf "$results"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
check() { # name, command...: counts a check as one test
  local name=$1
  shift
  step "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
jest_suite() { # project name: counts every test of the suite
  local project=$1 out="$results/$1.json"
  step "jest $project"
  npx jest --selectProjects "$project" --ci --passWithNoTests --json --outputFile="$out" ${2:+$2}
  local code=$?
  if [ -s "$out" ]; then
    passed=$((passed + $(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests)' "$out")))
    failed=$((failed + $(node -e 'const r=require(process.argv[1]);console.log(r.numFailedTests + r.numRuntimeErrorTestSuites)' "$out")))
  fi
  if [ $code -ne 0 ] && [ ! -s "$out" ]; then failed=$((failed + 1)); fi
}

if [ "$UNIT_ONLY" = 0 ]; then
  step "toolchain"
  if ! bash toolchain/setup.sh; then
    echo "toolchain setup failed; see the messages above"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
if [ "$UNIT_ONLY" = 0 ] && ! command -v chromium >/dev/null; then
  # The status page is tested in a real browser: Debian's Chromium, driven by playwright-core.
  step "chromium (Debian package)"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q chromium >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)
  else
    sudo apt-get install -y -q chromium >/dev/null
  fi
fi
if [ "$UNIT_ONLY" = 0 ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null; then
  # PostgreSQL as shared Pulumi state is tested against a private server (scripts/postgres.sh).
  step "postgresql (Debian package)"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q postgresql >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null)
  else
    sudo apt-get install -y -q postgresql >/dev/null
  fi
fi
# shellcheck source=../toolchain/env.sh
FLEETWRIGHT_TOOLCHAIN_QUIET=1 source toolchain/env.sh
echo "node $(node --version)"

step "npm ci"
if ! npm ci --no-audit --no-fund; then
  echo "npm ci failed"
  echo "0 passed, 1 failed"
  exit 1
fi

check "typecheck" npm run --silent typecheck
check "lint" npm run --silent lint
jest_suite unit
if [ "$UNIT_ONLY" = 0 ]; then
  jest_suite tools
  jest_suite e2e --runInBand
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
