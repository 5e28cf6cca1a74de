#!/usr/bin/env bash
# The default thread count against explicit ones, on a quiet and on a busy CPU, side by side in one session
# (docs/performance.md §9.6): `spinalnet train --model mnist-cnn --epochs 2` on the embedded digits with the default,
# --threads 1 and --threads <cores>; the figure is the two epochs' training seconds (metrics.csv, train_seconds) plus
# the run's wall time. Busy: as many busy loops as there are processors run beside it. Rounds are interleaved and the
# median is reported with the spread.
#   bash bench/threads.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cores=$(nproc)
./spinalnet --version > /dev/null   # build once, outside the timings
out=$(mktemp -d)
loops=()
stop_loops() { for p in "${loops[@]}"; do kill "$p" 2>/dev/null || true; done; loops=(); }
trap 'stop_loops; rm -rf "$out"' EXIT
for load in quiet busy; do
  if [ "$load" = busy ]; then for _ in $(seq "$cores"); do ( while :; do :; done ) & loops+=($!); done; sleep 1; fi
  for r in $(seq "$rounds"); do
    for mode in default 1 "$cores"; do
      args=(); [ "$mode" = default ] || args=(--threads "$mode")
      start=$(date +%s.%N)
      ./spinalnet train --model mnist-cnn --epochs 2 --quiet "${args[@]}" -o "$out/$load-$mode-$r" > /dev/null 2>&1
      end=$(date +%s.%N)
      train=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "train_seconds") c = i } NR > 1 { s += $c } END { print s }' \
        "$out/$load-$mode-$r/metrics.csv")
      used=$(grep -o '"threads": [0-9]*' "$out/$load-$mode-$r/config.json" | grep -o '[0-9]*')
      echo "$load $mode $r $train $(echo "$end - $start" | bc) $used" >> "$out/times"
    done
  done
  stop_loops
done
/usr/bin/python3 - "$out/times" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(load, mode, col): return statistics.median(float(r[col]) for r in rows if r[0] == load and r[1] == mode)
def spread(load, mode, col):
    v = sorted(float(r[col]) for r in rows if r[0] == load and r[1] == mode); return f"{v[0]:.2f}–{v[-1]:.2f}"
modes = sorted({r[1] for r in rows}, key=lambda m: (m != "default", m))
print("| CPU | threads | threads used | training s (2 epochs), median | spread | wall s, median |")
print("|---|---|---|---:|---|---:|")
for load in ("quiet", "busy"):
    for m in modes:
        used = sorted({r[5] for r in rows if r[0] == load and r[1] == m})
        print(f"| {load} | {m} | {'/'.join(used)} | {med(load, m, 3):.2f} | {spread(load, m, 3)} | {med(load, m, 4):.2f} |")
for load in ("quiet", "busy"):
    best = min(med(load, m, 3) for m in modes if m != "default")
    print(f"{load}: default / best explicit = {med(load, 'default', 3) / best:.2f}; "
          f"default / --threads 1 = {med(load, 'default', 3) / med(load, '1', 3):.2f}")
PY
