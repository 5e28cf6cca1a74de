#!/usr/bin/env bash
# Cached backbone features against a frozen backbone run every step (docs/fine-tuning.md §13.6), side by side in one
# session: the transfer demonstration's 1,000 PNG digits (and 300 test digits) at 96 px, resnet18-cntk from its offline
# ImageNet weights with the backbone frozen and a Spinal head (w = 128, L = 4), 3 epochs each way; prints each run's
# training seconds per epoch (metrics.csv), the cache's one-time cost, the ratio of the epochs' medians and both final
# test accuracies.
#   bash bench/cached-features.sh [FOLDER [THREADS]]     (defaults /tmp/spinalnet-digits, the processor count)
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-/tmp/spinalnet-digits}"
threads="${2:-$(nproc)}"   # the same for both runs, whatever the load
[ -d "$folder/train" ] || dotnet run -c Release --project bench/SpinalNet.Bench -- export-digits "$folder" 1000 300
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(train --model resnet18-cntk --head spinal --data "$folder" --image-size 96 --epochs 3 --spinal-width 128
  --spinal-layers 4 --lr 1e-3 --momentum 0.9 --batch-size 24 --augmentation imagenet --pretrained --freeze-backbone
  --threads "$threads" --quiet)
for mode in frozen cached; do
  extra=(); [ "$mode" = cached ] && extra=(--cache-features)
  begin=$(date +%s.%N)
  ./spinalnet "${common[@]}" "${extra[@]}" --out "$out/$mode" > "$out/$mode.txt"
  echo "$mode $(echo "$(date +%s.%N) - $begin" | bc)" >> "$out/wall"
done
/usr/bin/python3 - "$out" <<'PY'
import csv, statistics, sys
out = sys.argv[1]
wall = dict(l.split() for l in open(f"{out}/wall"))
epochs = {}
for mode in ("frozen", "cached"):
    rows = list(csv.DictReader(open(f"{out}/{mode}/metrics.csv")))
    epochs[mode] = [float(r["train_seconds"]) for r in rows]
    accuracy = float(rows[-1]["test_accuracy"]) * 100
    print(f"{mode:7} training s per epoch {', '.join(f'{s:.3f}' for s in epochs[mode])}; "
          f"final test accuracy {accuracy:.2f}%; whole command {float(wall[mode]):.1f} s")
ratio = statistics.median(epochs["frozen"]) / statistics.median(epochs["cached"])
print(f"frozen epoch / cached epoch (medians): {ratio:.0f}x; the cache itself costs about one frozen epoch's "
      f"forward passes, once (whole command: {float(wall['frozen']):.1f} s against {float(wall['cached']):.1f} s)")
PY
