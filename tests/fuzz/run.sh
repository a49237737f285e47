#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/CMakeLists.txt, clang-14) into build-fuzz/ and
# runs each for SECONDS (default 60) on a copy of its seed corpus, after running the saved
# findings in tests/fuzz/findings/ once each as regression inputs. Exits non-zero when
# anything is found: a crash, a sanitizer report, a timeout, an out-of-memory, a leak.
# Needs: apt-get install clang-14 libclang-rt-14-dev (and cmake, nlohmann-json3-dev,
# libtomlplusplus-dev, as the main build).
# Usage: tests/fuzz/run.sh [SECONDS]      env: NAS_FUZZ_BUILD (default build-fuzz),
#        NAS_FUZZ_JOBS (build jobs, default 2)
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${NAS_FUZZ_BUILD:-$root/build-fuzz}
jobs=${NAS_FUZZ_JOBS:-2}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$here" -B "$build" "${generator[@]}" >/dev/null
fi
cmake --build "$build" -j"$jobs"

# target  corpus/findings folder
targets=("pipeline_fuzz pipeline" "frame_fuzz frames")
status=0
summary=()
for entry in "${targets[@]}"; do
  read -r target dir <<<"$entry"
  bin="$build/$target"
  log="$build/logs/$target.log"
  artifacts="$build/artifacts/$dir"
  corpus="$build/corpus/$dir"
  mkdir -p "$build/logs"
  rm -rf "$artifacts" "$corpus"
  mkdir -p "$artifacts" "$build/corpus"
  cp -r "$here/corpus/$dir" "$corpus"
  common=(-timeout=10 -rss_limit_mb=2048 -max_len=8192 "-dict=$here/$dir.dict"
          "-artifact_prefix=$artifacts/")

  # The findings saved so far must not crash any more.
  shopt -s nullglob
  saved=("$here/findings/$dir"/*)
  shopt -u nullglob
  if [ ${#saved[@]} -gt 0 ]; then
    echo "== $target: ${#saved[@]} saved finding(s) from tests/fuzz/findings/$dir/"
    failed=0
    for input in "${saved[@]}"; do
      if ! "$bin" "${common[@]}" "$input" >"$build/logs/$target.finding.log" 2>&1; then
        echo "FAIL: $target still fails on tests/fuzz/findings/$dir/$(basename "$input"):"
        grep -E "ERROR|SUMMARY|runtime error|Assertion|frame_fuzz:|pipeline_fuzz:" \
          "$build/logs/$target.finding.log" | head -5
        failed=$((failed + 1))
        status=1
      fi
    done
    summary+=("$target: $failed of ${#saved[@]} saved finding(s) still fail")
  fi

  echo "== $target: fuzzing for ${seconds}s on a copy of tests/fuzz/corpus/$dir/ (log: $log)"
  rc=0
  "$bin" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 "$corpus" \
    >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
  line="$target: rc $rc, ${runs:-?} executions (${rate:-?}/s), ${cov:-no coverage line}, ${added:-?} new inputs"
  findings=("$artifacts"/*)
  if [ "$rc" -ne 0 ] || [ -e "${findings[0]}" ]; then
    line="$line: FINDING"
    echo "FAIL: $target found something (exit status $rc):"
    grep -E "ERROR|SUMMARY|runtime error|frame_fuzz:|pipeline_fuzz:|Test unit written" "$log" | head -20
    ls -la "$artifacts"
    echo "Reproduce: $bin $artifacts/<file>. Keep the input in tests/fuzz/findings/$dir/."
    status=1
  fi
  summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
