#!/usr/bin/env bash
# The checks and measurements that need a GPU, prepared to run in one call on a lent GPU machine
# whose Python already holds torch, transformers, accelerate, click, pluggy, tabulate and numpy
# but nothing can be downloaded (docs/performance.md, "On a lent GPU").
#
#   scripts/gpu_measure.sh --fetch-wheels      # here, with network: the missing wheels into .whl/
#   scripts/gpu_measure.sh core [OUT]          # there: cuda_check, trainer_baseline, retrieval_training
#   scripts/gpu_measure.sh options [OUT]       # there: speed_options, train_throughput, regularizer_cost
#
# Each group is sized for about 6 minutes on an H100 (an estimate: not yet run on one); each
# script has its own time limit (LIMIT seconds, default 240) so that one slow script leaves the
# others their turn. Every script's output goes to OUT/<script>.log (OUT: the argument, else
# $OUT, else gpu-figures/), and the end of each log is printed. DEVICE (default cuda) and SMOKE=1 (each perf script's --smoke)
# let the same plumbing run on a CPU: `DEVICE=cpu SMOKE=1 scripts/gpu_measure.sh core`.
set -u
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

if [ "${1:-}" = "--fetch-wheels" ]; then
    # jsonschema (the registry's validation) and what it needs, for CPython 3.12 on x86-64; the
    # versions this project's environment resolves to
    exec "$python" -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d .whl jsonschema==4.26.0 \
        jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1
fi

group=${1:-}
case "$group" in
    core | options) ;;
    *)
        echo "usage: $0 core|options [OUT] | --fetch-wheels" >&2
        exit 2
        ;;
esac
out=${2:-${OUT:-gpu-figures}}
mkdir -p "$out"
device=${DEVICE:-cuda}
limit=${LIMIT:-240}
smoke=()
[ "${SMOKE:-0}" = 1 ] && smoke=(--smoke)
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1

if ls .whl/*.whl > /dev/null 2>&1; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/xharness-site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/xharness-site${PYTHONPATH:+:$PYTHONPATH}
fi
# the project itself, installed, so that its plugins' entry points exist
if ! "$python" -c "import importlib.metadata as m; m.distribution('xtreme-harness')" 2> /dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-build-isolation . || exit 1
fi
"$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
    torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"

failed=0
measure() {
    local name=$1
    shift
    echo "== $*"
    timeout "$limit" "$python" "$@" > "$out/$name.log" 2>&1
    local status=$?
    echo "exit status $status" >> "$out/$name.log"
    tail -n 30 "$out/$name.log"
    [ "$status" = 0 ] || failed=1
}

if [ "$group" = core ]; then
    if [ "$device" = cpu ]; then
        measure cuda_check scripts/cuda_check.py --device cpu
    else
        measure cuda_check scripts/cuda_check.py
    fi
    measure trainer_baseline perf/trainer_baseline.py --device "$device" --precision bf16 \
        "${smoke[@]}"
    measure retrieval_training perf/retrieval_training.py --device "$device" --layers 12 \
        --hidden 768 --updates 20 --batch-size 32 "${smoke[@]}"
else
    measure speed_options perf/speed_options.py --device "$device" "${smoke[@]}"
    measure train_throughput perf/train_throughput.py --device "$device" "${smoke[@]}"
    measure regularizer_cost perf/regularizer_cost.py --device "$device" "${smoke[@]}"
fi
exit $failed
