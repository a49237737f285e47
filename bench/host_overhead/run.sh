#!/usr/bin/env bash
# Host overhead: `nas` random search (repeats allowed and evaluated, as Optuna's RandomSampler
# does) + tabular NB201 vs Optuna 3.1 RandomSampler (in-memory) on the same lookup, in the
# same run, interleaved. Prints each run's trials/s and the medians and their ratio.
# Usage: bench/host_overhead/run.sh [BUILD_DIR] [TRIALS] [REPEATS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
trials=${2:-20000}
repeats=${3:-5}
if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  echo "Optuna is missing: apt-get install python3-optuna (a benchmark-only package)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nas_rates=() optuna_rates=()
for i in $(seq 1 "$repeats"); do
  out="$work/run$i"
  "$build/nas" run "$root/configs/nb201-random.toml" -q --output "$out" --seed "$i" \
    --set stage.0.budget.evaluations="$trials" --set stage.0.strategy.unique=false \
    --set stage.0.dedupe=none >/dev/null
  seconds=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stages'][0]['seconds'])" "$out/summary.json")
  nas_rate=$(/usr/bin/python3 -c "print(f'{$trials/$seconds:.1f}')")
  optuna_rate=$(/usr/bin/python3 "$here/optuna_random_nb201.py" "$root/data/nb201/cifar10_avg.csv.gz" "$trials" "$i" | cut -d' ' -f1)
  echo "run $i: nas $nas_rate trials/s, optuna $optuna_rate trials/s"
  nas_rates+=("$nas_rate") optuna_rates+=("$optuna_rate")
  rm -rf "$out"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_nas=$(median "${nas_rates[@]}")
m_opt=$(median "${optuna_rates[@]}")
echo "median: nas $m_nas trials/s, optuna $m_opt trials/s, ratio $(/usr/bin/python3 -c "print(f'{$m_nas/$m_opt:.1f}')")x ($trials trials, $repeats runs)"
