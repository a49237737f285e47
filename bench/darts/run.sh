#!/usr/bin/env bash
# One first-order DARTS epoch: nas.strategy.darts's search loop (bench/darts/darts_bench.cpp
# runs the plugin's run_search) vs the same epoch in PyTorch on the same libtorch 1.13
# (bench/darts/torch_darts.py), on nas.space.nb201's supernet (C=8, one cell per stage),
# 2,000 + 2,000 Fashion-MNIST images, batch 64, 1 and 2 threads, OMP_WAIT_POLICY=passive;
# interleaved repeats, medians. Writes bench/darts/last_results.md and last_raw.jsonl.
# See bench/README.md ("DARTS") for the figures.
# Usage: bench/darts/run.sh [BUILD_DIR] [compare.py options...]
#   (e.g. --repeats 3, --threads 2, --train 1000 --valid 1000)
# Needs Debian's python3-torch (benchmark-only; never the build or the tests):
#   apt-get install python3-torch
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift $(( $# < 1 ? $# : 1 ))
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  echo "bench/darts needs PyTorch for /usr/bin/python3: apt-get install python3-torch" >&2
  exit 2
fi
if [ ! -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "bench/darts needs Fashion-MNIST: apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
# The driver is outside `all` (EXCLUDE_FROM_ALL); the build lock is the shared machine's rule.
flock /tmp/nas-build.lock cmake --build "$build" --target nas_bench_darts nas_space_nb201
exec /usr/bin/python3 "$here/compare.py" --build "$build" "$@"
