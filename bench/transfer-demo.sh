#!/usr/bin/env bash
# The transfer-learning demonstration (docs/fine-tuning.md §13.5): 1,000 of the embedded digits (and 300 test digits)
# written out as PNG class folders, then resnet18-cntk with a Spinal head (w = 128, L = 4) fine-tuned on them at 96 px
# for 2 epochs (SGD 1e-3, momentum 0.9, batch 24), once from the offline ImageNet weights (--pretrained) and once from
# a random initialisation; prints both test accuracies and wall-clock times.
# Usage: bash bench/transfer-demo.sh [FOLDER [TRAIN VAL]]   (default FOLDER: /tmp/spinalnet-digits, 1000 300)
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-/tmp/spinalnet-digits}"
train="${2:-1000}"
val="${3:-300}"
rm -rf "$folder"
dotnet run -c Release --project bench/SpinalNet.Bench -- export-digits "$folder" "$train" "$val"
common=(train --model resnet18-cntk --head spinal --data "$folder" --image-size 96 --epochs 2 --spinal-width 128
  --spinal-layers 4 --lr 1e-3 --momentum 0.9 --batch-size 24 --augmentation imagenet --quiet)
now() { date +%s.%N; }
for start in pretrained random; do
  extra=()
  if [ "$start" = pretrained ]; then extra=(--pretrained); fi
  begin=$(now)
  summary=$(./spinalnet "${common[@]}" "${extra[@]}" --out "runs/transfer-demo-$start-$(date +%Y%m%d-%H%M%S)")
  end=$(now)
  accuracy=$(grep -o 'final test accuracy [0-9.]*%' <<<"$summary" | grep -o '[0-9.]*%')
  awk -v s="$start" -v a="$accuracy" -v b="$begin" -v e="$end" 'BEGIN { printf "%-10s test accuracy %s, %.0f s\n", s, a, e - b }'
done
