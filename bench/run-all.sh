#!/usr/bin/env bash
# Runs every benchmark in turn (about 30 minutes on 2 cores) and writes each result table to
# bench/results/<name>.md (git-ignored); BENCHMARKS.md quotes them.
# usage: bash bench/run-all.sh [synth] [diff] [helm] [values] [devfleet] [deploy-light] [deploy-full] [status] [scale]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=../toolchain/env.sh
source toolchain/env.sh
npm run --silent build && npm run --silent build:bench
mkdir -p bench/results
export FLEETWRIGHT_STATE=$ROOT/.fleetwright/bench
which=${*:-synth diff helm values devfleet deploy-light deploy-full status scale}
for b in $which; do
  echo "==> $b"
  case $b in
    synth) node build/bench/synth/run.js --runs 5 > bench/results/synth.md ;;
    diff) node build/bench/diff/run.js --runs 5 > bench/results/diff.md ;;
    helm) node build/bench/helm/run.js --runs 5 > bench/results/helm.md ;;
    values) node build/bench/values/run.js --runs 5 > bench/results/values.md ;;
    devfleet) node build/bench/devfleet/run.js --runs 3 > bench/results/devfleet.md ;;
    deploy-light)
      BENCH_CLUSTERS=20 node bin/fleetwright.js --fleet build/bench/deploy/fleet.js dev up --light
      BENCH_CLUSTERS=20 node build/bench/deploy/run.js --mode light --runs 3 > bench/results/deploy-light.md
      node bin/fleetwright.js dev down ;;
    deploy-full)
      node bin/fleetwright.js dev up --nodes 1
      node build/bench/deploy/run.js --mode full --runs 3 > bench/results/deploy-full.md
      node bin/fleetwright.js dev down ;;
    status) node build/bench/status/run.js --runs 5 > bench/results/status.md ;;
    scale)
      SCALE_CLUSTERS=100 node bin/fleetwright.js --fleet build/bench/scale/fleet.js dev up --light
      node build/bench/scale/run.js --clusters 25,50,100 --runs 3 --single-runs-at-100 0 > bench/results/scale.md
      node build/bench/scale/run.js --clusters 25 --runs 3 --configs single,pulumi-checkpoints > bench/results/scale-checkpoints.md
      node build/bench/scale/run.js --clusters 100 --runs 3 --configs sharded,per-step-checkpoints --single-runs-at-100 0 > bench/results/scale-per-step.md
      node bin/fleetwright.js dev down ;;
    *) echo "unknown benchmark $b" >&2; exit 1 ;;
  esac
  cat "bench/results/$b.md"
done
