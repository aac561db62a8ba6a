#!/usr/bin/env bash
# Generates the API reference (docs/api/, Markdown) of the three public entry points with TypeDoc
# (typedoc.json): `fleetwright`, `fleetwright/pulumi` and `fleetwright/testing`. Any TypeDoc
# warning (a referenced type that is not exported, a broken {@link}) fails the run.
#
# usage: scripts/docs.sh           regenerate docs/api/
#        scripts/docs.sh --check   generate into a temp dir; fail on warnings or when docs/api/
#                                  differs (stale: run `npm run docs` and commit docs/api/)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/api"

# Type errors are the typecheck step's job (skipErrorChecking in typedoc.json); warnings fail here.
npx --no-install typedoc --logLevel Warn --treatWarningsAsErrors --out "$out"
# The same formatting `prettier --check .` expects of docs/api/.
npx --no-install prettier --log-level warn --config .prettierrc.json --write "$out"

if [ "$CHECK" = 1 ]; then
  if ! diff -r "$out" docs/api >"$tmp/diff" 2>&1; then
    head -n 40 "$tmp/diff" >&2
    echo "docs/api/ is stale: run 'npm run docs' and commit docs/api/" >&2
    exit 1
  fi
  echo "docs/api/ is up to date"
else
  rm -rf docs/api
  mkdir -p docs
  cp -r "$out" docs/api
  echo "wrote docs/api/ ($(find docs/api -type f | wc -l) files)"
fi
