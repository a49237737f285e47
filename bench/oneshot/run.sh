#!/usr/bin/env bash
# Quality at equal search time on Fashion-MNIST (NB201 space, C = 8, one cell per stage):
# first-order DARTS, random search with weight sharing (RSWS) and random search with partial
# training (RS-PT), SEEDS seeds each. Per seed DARTS runs first; its search time (the search
# stage's seconds) is the budget of the other two (RSWS: supernet training plus scoring).
# Every method's result is retrained the same way (2 epochs, 10,000 images) and tested once
# on the 10,000 test images. Writes bench/oneshot/last_results.md.
# Usage: bench/oneshot/run.sh [BUILD_DIR] [SEEDS]   (default build, 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
seeds=${2:-3}
out=$(mktemp -d /tmp/nas-oneshot-XXXXXX)
nas="$build/nas"
stage_seconds() { # run, stage -> seconds the stage ran
  "$nas" results "$1" --format json | /usr/bin/python3 -c '
import json, sys
trials = [t for t in json.load(sys.stdin)["trials"] if t["stage"] == sys.argv[1]]
print(max(t["ended"] for t in trials) - min(t["started"] for t in trials))' "$2"
}
for seed in $(seq 1 "$seeds"); do
  "$nas" run "$here/darts.toml" --seed "$seed" --set experiment.output="$out/darts-$seed" >/dev/null
  budget=$(stage_seconds "$out/darts-$seed" search)
  echo "seed $seed: DARTS searched for $budget s" >&2
  "$nas" run "$here/rspt.toml" --seed "$seed" --set experiment.output="$out/rspt-$seed" \
    --set "stage.0.budget.seconds=$budget" >/dev/null
  # RSWS: the supernet's training counts against the same budget; its time comes from a run
  # of that stage alone (the same seed trains the same supernet).
  "$nas" run "$here/rsws_supernet.toml" --seed "$seed" \
    --set experiment.output="$out/rsws-supernet-$seed" >/dev/null
  supernet=$(stage_seconds "$out/rsws-supernet-$seed" supernet)
  rest=$(/usr/bin/python3 -c "print(max(1.0, $budget - $supernet))")
  "$nas" run "$here/rsws.toml" --seed "$seed" --set experiment.output="$out/rsws-$seed" \
    --set "stage.1.budget.seconds=$rest" >/dev/null
done
/usr/bin/python3 "$here/summarize.py" "$nas" "$out" "$seeds" > "$here/last_results.md"
cat "$here/last_results.md"
