#!/usr/bin/env bash
# Workers: the local engine's parallel speed-up on an evaluator that only sleeps (sleeping
# costs no core, so the ideal is linear even on 2 cores), and its per-trial dispatch cost
# against the inline engine.
#  1. test.evaluator.sleep (200 ms per trial) with 1, 2, 4 and 8 workers, TRIALS_PER_WORKER
#     trials per worker: speed-up = rate(N) / rate(1), efficiency = speed-up / N.
#  2. the same evaluator at 0 ms, DISPATCH_TRIALS trials, inline vs 1 local worker: the
#     dispatch overhead is the difference of the per-trial times (frames over pipes, one
#     worker process, the store's commits are the same in both).
# Every figure is the median of REPEATS runs, interleaved. Times come from summary.json
# (the stage's seconds), so process start-up and plugin loading are left out.
# Usage: bench/workers/run.sh [BUILD_DIR] [REPEATS] [TRIALS_PER_WORKER] [DISPATCH_TRIALS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
repeats=${2:-3}
per_worker=${3:-10}
dispatch_trials=${4:-2000}
plugins="$build/tests/plugins/misbehaving"
[ -d "$plugins" ] || { echo "build the tests first: $plugins is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pipeline() { # engine workers ms trials
  cat <<TOML
[experiment]
name = "workers"
seed = 1
output = "$work/run"
[objective]
metric = "score"
direction = "maximize"
[space]
plugin = "nas.space.nb201"
[execution]
engine = "$1"
workers = $2
[[stage]]
name = "search"
budget = { evaluations = $4 }
strategy = { plugin = "nas.strategy.random", unique = false }
dedupe = "none"
[stage.evaluator]
plugin = "test.evaluator.sleep"
ms = $3
TOML
}

seconds_of() { # engine workers ms trials
  pipeline "$@" >"$work/p.toml"
  rm -rf "$work/run"
  NAS_PLUGIN_PATH="$plugins" "$build/nas" run "$work/p.toml" -q >/dev/null
  /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stages'][0]['seconds'])" \
    "$work/run/summary.json"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A rate
for n in 1 2 4 8; do
  rates=()
  for r in $(seq 1 "$repeats"); do
    trials=$((n * per_worker))
    s=$(seconds_of local "$n" 200 "$trials")
    rates+=("$(/usr/bin/python3 -c "print($trials/$s)")")
  done
  rate[$n]=$(median "${rates[@]}")
done
echo "| workers | trials/s | speed-up | efficiency |"
echo "|---:|---:|---:|---:|"
for n in 1 2 4 8; do
  /usr/bin/python3 -c "r1=${rate[1]}; r=${rate[$n]}; print(f'| $n | {r:.2f} | {r/r1:.2f}x | {100*r/r1/$n:.1f}% |')"
done

inline=() local1=()
for r in $(seq 1 "$repeats"); do
  inline+=("$(seconds_of inline 1 0 "$dispatch_trials")")
  local1+=("$(seconds_of local 1 0 "$dispatch_trials")")
done
mi=$(median "${inline[@]}") ml=$(median "${local1[@]}")
/usr/bin/python3 -c "
n=$dispatch_trials; i=$mi; l=$ml
print(f'dispatch: inline {1e6*i/n:.0f} us/trial, 1 local worker {1e6*l/n:.0f} us/trial, overhead {1e6*(l-i)/n:.0f} us/trial ({n} trials, median of $repeats)')"
