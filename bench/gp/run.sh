#!/usr/bin/env bash
# GP speed per BO ask: nas.predictor.gp (Hamming kernel) vs scikit-learn's
# GaussianProcessRegressor (RBF on one-hot: the same kernel) vs Optuna's TPE ask, NB201,
# 100 / 300 / 1,000 observations, a pool of 2,000 candidates, 2 restarts; interleaved
# repeats, medians. Writes bench/gp/last_results.md. See compare.py's docstring for the
# exact set-up and bench/README.md for the figures.
# Usage: bench/gp/run.sh [BUILD_DIR] [compare.py options...]  (e.g. --repeats 5, --sizes 100,300,
#   --before DIR: a plugin folder with an older nas.predictor.gp plus nas.space.nb201 and
#   nas.distance.hamming, timed in the same run)
# Benchmark-only packages, installed here when missing (never by the build or the tests):
# python3-sklearn (scikit-learn 1.2, Debian 12) and python3-optuna (3.1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift $(( $# < 1 ? $# : 1 ))
if ! /usr/bin/python3 -c 'import sklearn, optuna' 2>/dev/null; then
  apt-get install -y python3-sklearn python3-optuna
fi
# The driver is outside `all` (EXCLUDE_FROM_ALL); the build lock is the shared machine's rule.
flock /tmp/nas-build.lock cmake --build "$build" --target nas_bench_gp_ask
exec /usr/bin/python3 "$here/compare.py" --build "$build" "$@"
