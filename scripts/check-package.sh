#!/usr/bin/env bash
# Checks the package as it would be published: packs it (prepack prunes stale lib/ output, prepare
# builds lib/) into a temp dir, then lints the tarball with publint (package.json fields, exports
# map, files present) and Are The Types Wrong (types resolve for every entry point under node10
# with typesVersions, node16 CJS, node16 ESM importing the CJS build, and bundler resolution).
#
# usage: scripts/check-package.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

npm pack --silent --pack-destination "$tmp" >"$tmp/name" 2>"$tmp/pack.log" || {
  cat "$tmp/pack.log" >&2
  echo "check-package: npm pack failed" >&2
  exit 1
}
tgz="$tmp/$(tail -n 1 "$tmp/name")"

# publint: warnings count as errors; suggestions are printed but pass.
npx --no-install publint run "$tgz" --strict
# attw: the strict profile checks node10, node16 (CJS and ESM) and bundler resolution.
npx --no-install attw "$tgz" --profile strict --format table-flipped --no-emoji --no-color
