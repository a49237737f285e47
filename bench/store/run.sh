#!/usr/bin/env bash
# Store: trials per second that `nas` runs and writes to its SQLite store at each durability
# level, against the JSON Lines writer the store replaced and against Optuna 3.1 with SQLite
# storage, in the same run, interleaved; medians and ratios.
#   nas:    configs/nb201-random.toml, TRIALS evaluations, repeats allowed and evaluated
#           (unique = false, dedupe = "none"), inline engine, durability "normal" and "full";
#           rate = trials / the stage's seconds in summary.json.
#   JSONL:  bench/store/jsonl_writer.cpp, the old writer alone on the same TRIALS records
#           (the normal run's trials.jsonl); rate = trials / seconds spent writing.
#   Optuna: RandomSampler, storage sqlite:///..., the same lookup, OPTUNA_TRIALS trials (at
#           ~20 trials/s, 100,000 would take hours); rate = trials / study.optimize seconds.
# Usage: bench/store/run.sh [BUILD_DIR] [TRIALS] [REPEATS] [OPTUNA_TRIALS]
#        (defaults: build, 100000, 3, 500). Env WORK: where run folders go (default
#        build-bench-store/ in the repository: a real disk, not a tmpfs, or fsync is free).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
trials=${2:-100000}
repeats=${3:-3}
optuna_trials=${4:-500}
work=${WORK:-$root/build-bench-store}
table="$root/data/nb201/cifar10_avg.csv.gz"
if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  echo "Optuna is missing: apt-get install python3-optuna (a benchmark-only package)" >&2
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
echo "work folder $work on $(df -T "$work" | awk 'NR==2 {print $2}'), build $build"
c++ -std=c++17 -O2 -g -DNDEBUG -I"$root/core" -I"$root/sdk/include" \
  "$here/jsonl_writer.cpp" "$root/core/trial.cpp" -o "$work/jsonl_writer"

py() { /usr/bin/python3 -c "$@"; }
# Runs `nas` at durability $1 into folder $2 with seed $3; prints trials/s of the stage.
nas_rate() {
  "$build/nas" run "$root/configs/nb201-random.toml" -q --output "$2" --seed "$3" \
    --set stage.0.budget.evaluations="$trials" --set stage.0.strategy.unique=false \
    --set stage.0.dedupe=none --set "experiment.durability=\"$1\"" >/dev/null
  py "import json,sys
s = json.load(open(sys.argv[1]))['stages'][0]
assert s['trials'] == $trials, s
print(f\"{$trials / s['seconds']:.1f}\")" "$2/summary.json"
}

normal=() full=() jsonl=() optuna=()
for i in $(seq 1 "$repeats"); do
  n=$(nas_rate normal "$work/normal$i" "$i")
  f=$(nas_rate full "$work/full$i" "$i")
  j=$("$work/jsonl_writer" "$work/normal$i/trials.jsonl" "$work/trials$i.jsonl" | cut -d' ' -f1)
  o=$(/usr/bin/python3 "$here/optuna_sqlite_nb201.py" "$table" \
    "$work/optuna$i.db" "$optuna_trials" "$i" | cut -d' ' -f1)
  echo "run $i: nas normal $n, nas full $f, JSONL writer $j, Optuna+SQLite $o trials/s"
  normal+=("$n") full+=("$f") jsonl+=("$j") optuna+=("$o")
  rm -rf "$work/normal$i" "$work/full$i" "$work/trials$i.jsonl" "$work/optuna$i.db"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mn=$(median "${normal[@]}") mf=$(median "${full[@]}") mj=$(median "${jsonl[@]}") mo=$(median "${optuna[@]}")
py "
mn, mf, mj, mo = $mn, $mf, $mj, $mo
print(f'median of $repeats ($trials nas trials, $optuna_trials Optuna trials):')
for name, r in [('nas normal', mn), ('nas full', mf), ('JSONL writer', mj), ('Optuna+SQLite', mo)]:
    print(f'  {name:14} {r:12,.1f} trials/s {1e6 / r:10.1f} us/trial')
print(f'  nas normal / Optuna {mn / mo:,.0f}x (target >= 100x), nas full / Optuna {mf / mo:,.0f}x')
print(f'  nas normal / JSONL writer {mn / mj:.3f}, nas full / JSONL writer {mf / mj:.3f}')
"
