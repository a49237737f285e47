#!/usr/bin/env bash
# Search strategies vs random search on tabular NB201 CIFAR-10 and NAS-Bench-Macro (issue 5's
# harness; issue 6 adds BO through --strategy). Each (strategy, benchmark, seed) runs once to
# BUDGET queries and the budgets 50, 100, 150, 300 (those up to BUDGET) are read off its curve.
# Prints a markdown table and writes it to bench/strategies/last_results.md.
# Usage: bench/strategies/run.sh [BUILD_DIR] [SEEDS] [BUDGET] [compare.py options...]
#   (defaults: build, 100, 300; options: --only, --strategy NAME=TOML, --benchmarks,
#    --budgets, --jobs (2), --output; see /usr/bin/python3 bench/strategies/compare.py --help)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case "${1:-}" in -h|--help) exec /usr/bin/python3 "$here/compare.py" --help ;; esac
rerun="bench/strategies/run.sh${*:+ $(printf '%q ' "$@")}"
export NAS_BENCH_RERUN="${rerun% }"
build=${1:-$root/build}
seeds=${2:-100}
budget=${3:-300}
shift $(( $# < 3 ? $# : 3 ))
exec /usr/bin/python3 "$here/compare.py" --build "$build" --seeds "$seeds" --budget "$budget" "$@"
