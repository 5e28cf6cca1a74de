#!/usr/bin/env bash
# Training epochs of the C# program against PyTorch, side by side in one session: for each thread count, both heads
# through `spinalnet train` (seconds from metrics.csv: train_seconds, and eval_seconds as images/s), then the PyTorch
# script of the same network right after. Epochs before the third are warm-up on both sides.
#   bash bench/epochs.sh [mnist-cnn|vgg5] [EPOCHS] [THREADS...]     (defaults: mnist-cnn 8 1 2; vgg5: 4 epochs, 2 threads)
# Needs Debian's PyTorch (apt-get install python3-torch) for the PyTorch lines.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-mnist-cnn}
if [ "$model" = vgg5 ]; then epochs=${2:-4}; else epochs=${2:-8}; fi
shift $(( $# > 2 ? 2 : $# )) || true
threads=("$@")
[ ${#threads[@]} -eq 0 ] && { [ "$model" = vgg5 ] && threads=(2) || threads=(1 2); }
case "$model" in
  mnist-cnn) extra=(); script=bench/pytorch/mnist_cnn_epoch.py ;;
  vgg5) extra=(--data embedded --augmentation mnist); script=bench/pytorch/vgg5_epoch.py ;;
  *) echo "bench/epochs.sh: model '$model' is not one of mnist-cnn, vgg5" >&2; exit 2 ;;
esac
tests=2000   # the embedded test digits, which every epoch evaluates
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for t in "${threads[@]}"; do
  for head in spinal fc; do
    ./spinalnet train --model "$model" --head "$head" "${extra[@]}" --epochs "$epochs" --threads "$t" --quiet \
      -o "$out/$head-$t" > /dev/null
    /usr/bin/python3 - "$out/$head-$t/metrics.csv" "$model" "$head" "$t" "$tests" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))[2:]
train = [float(r["train_seconds"]) for r in rows]
evals = [float(r["eval_seconds"]) for r in rows]
print(f"C# {sys.argv[2]} {sys.argv[3]}: {statistics.median(train):.3f} s/epoch (median; "
      f"{' '.join(f'{x:.3f}' for x in train)}), {sys.argv[4]} threads; evaluation "
      f"{int(sys.argv[5]) / min(evals):.0f} images/s")
PY
  done
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    /usr/bin/python3 "$script" --threads "$t" --epochs "$epochs"
  else
    echo "PyTorch not installed: skipped (apt-get install python3-torch)"
  fi
done
