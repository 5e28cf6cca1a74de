#!/usr/bin/env bash
# Fine-tuning epochs of the C# program against PyTorch, side by side in one session (docs/performance.md §9.7):
# resnet18-cntk with a Linear head (`--head fc`), the transfer demonstration's 1,000 PNG digits at 96 px, batch 24,
# SGD 1e-3 momentum 0.9, against bench/pytorch/finetune_epoch.py (torchvision's ResNet(BasicBlock, [2, 2, 2, 3]), the
# same folders, sizes and optimiser). Rounds are interleaved (C#, PyTorch, C#, PyTorch, ...) at each thread count; each
# run trains 2 epochs and the figure is the second epoch's training seconds (the first warms both up). Prints the
# medians, the spread and the ratio C# / PyTorch per thread count.
#   bash bench/finetune.sh [ROUNDS [FOLDER [THREADS...]]]    (defaults 3, /tmp/spinalnet-digits, 1 2)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
folder=${2:-/tmp/spinalnet-digits}
shift $(( $# > 2 ? 2 : $# )) || true
threads=("$@")
[ ${#threads[@]} -eq 0 ] && threads=(1 2)
[ -d "$folder/train" ] || dotnet run -c Release --project bench/SpinalNet.Bench -- export-digits "$folder" 1000 300
./spinalnet --version > /dev/null   # build once, outside the timings
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for t in "${threads[@]}"; do
    ./spinalnet train --model resnet18-cntk --head fc --data "$folder" --image-size 96 --epochs 2 --batch-size 24 \
      --lr 1e-3 --momentum 0.9 --augmentation imagenet --threads "$t" --quiet -o "$out/cs-$t-$r" > /dev/null
    cs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "train_seconds") c = i } NR == 3 { print $c }' \
      "$out/cs-$t-$r/metrics.csv")
    py=$(/usr/bin/python3 bench/pytorch/finetune_epoch.py "$folder" --threads "$t" --epochs 2 | tail -1 |
      sed 's/.*epoch 2: \([0-9.]*\) s.*/\1/')
    echo "$t $r $cs $py" | tee -a "$out/times"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print("| threads | C# epoch s, median (spread) | PyTorch epoch s, median (spread) | C# / PyTorch (medians) | per round |")
print("|---:|---|---|---:|---|")
for t in sorted({r[0] for r in rows}, key=int):
    cs = [float(r[2]) for r in rows if r[0] == t]
    py = [float(r[3]) for r in rows if r[0] == t]
    per = ", ".join(f"{c / p:.2f}" for c, p in zip(cs, py))
    print(f"| {t} | {statistics.median(cs):.2f} ({min(cs):.2f}–{max(cs):.2f}) | {statistics.median(py):.2f} "
          f"({min(py):.2f}–{max(py):.2f}) | {statistics.median(cs) / statistics.median(py):.2f} | {per} |")
PY
