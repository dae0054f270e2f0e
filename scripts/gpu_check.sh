#!/usr/bin/env bash
# GPU check for a CUDA machine with no network: harness's batched generation and bf16 packed LoRA training
# throughput on a random-weight model with Qwen2.5-0.5B's configuration (benchmarks/bench_gpu.py), then the
# tests marked `gpu`. Uses only this repository and a folder of wheels for what the machine lacks.
#
#   scripts/gpu_check.sh --wheels DIR   # on the GPU machine; finishes within 10 minutes
#   scripts/gpu_check.sh --dry-run      # anywhere, with harness's own environment: tiny model, CPU
#
# The wheels: what harness imports on this path that the GPU image lacks (it has torch, transformers, peft,
# accelerate, rich, pytest, pyyaml, jinja2, numpy, pandas, pyarrow, xxhash, fsspec), fetched where there is
# network, for the GPU machine's Python (3.12 there), about 3 MB:
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
#     -d wheels trl==1.16.0 sqlglot==30.30.0 datasets==5.2.0 dill==0.4.1 multiprocess==0.70.19
# (datasets 5.2 wants pyarrow>=24: add a pyarrow wheel if the image's is older.)
# Environment: PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
WHEELS=""
BENCH_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wheels) WHEELS=$2; shift 2 ;;
    --dry-run) BENCH_ARGS+=(--dry-run); shift ;;
    *) echo "usage: scripts/gpu_check.sh [--wheels DIR] [--dry-run]" >&2; exit 2 ;;
  esac
done

export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "$WHEELS" ]; then
  ls "$WHEELS"/*.whl >/dev/null || { echo "--wheels $WHEELS: no .whl files there" >&2; exit 2; }
  SITE=$(mktemp -d)/site
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --target "$SITE" "$WHEELS"/*.whl
  export PYTHONPATH="$PYTHONPATH:$SITE"
fi
# Everything harness would write (the built mini Spider, generation cache) goes to a throwaway folder.
export HARNESS_CACHE_DIR=${HARNESS_CACHE_DIR:-$(mktemp -d)}
export PYTHONUNBUFFERED=1

"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda:", torch.cuda.is_available() and torch.cuda.get_device_name())'
timeout 480 "$PYTHON" benchmarks/bench_gpu.py "${BENCH_ARGS[@]}"
timeout 120 "$PYTHON" -m pytest -q -p no:cacheprovider -m gpu tests/test_gpu.py -rs
