#!/usr/bin/env bash
# Training throughput: nas.evaluator.train's loop (bench/training/train_bench.cpp runs the
# evaluator's run_trial) vs PyTorch on the same libtorch 1.13 (bench/training/torch_bench.py:
# the same tensor loop, and a typical DataLoader script), one epoch of 10,000 Fashion-MNIST
# images, NB201's best cell (C=16, N=1) and a 4-conv chain CNN, 1 and 2 threads, OpenMP's
# default and passive wait policy; interleaved repeats, medians. Writes
# bench/training/last_results.md and last_raw.jsonl. See bench/README.md for the figures.
# Usage: bench/training/run.sh [BUILD_DIR] [compare.py options...]
#   (e.g. --repeats 5, --threads 2, --policies default, --networks chain, --images 2000)
# Needs Debian's python3-torch (benchmark-only; never the build or the tests):
#   apt-get install python3-torch
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift $(( $# < 1 ? $# : 1 ))
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/training needs PyTorch for /usr/bin/python3: apt-get install python3-torch" >&2
  exit 2
fi
if [ ! -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "bench/training needs Fashion-MNIST: apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
# The driver is outside `all` (EXCLUDE_FROM_ALL); the build lock is the shared machine's rule.
flock /tmp/nas-build.lock cmake --build "$build" --target nas_bench_train nas_space_nb201 nas_space_chain
exec /usr/bin/python3 "$here/compare.py" --build "$build" "$@"
