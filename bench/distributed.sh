#!/usr/bin/env bash
# Data-parallel scaling on one machine (docs/distributed.md §10.3): epochs of the MNIST CNN (8,000 embedded digits)
# and of VGG-5 (the first 512 of them), one process with 2 torch threads against `mpiexec -n 2` ranks with 1 thread
# each (and, for the CNN, one process with 1 thread), alternated ROUNDS times so that all see the same machine load;
# then the all-reduce of one step per network.
# Prints the median seconds per epoch (evaluation excluded) of each setting. Needs MPICH (apt-get install -y mpich).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./spinalnet models >/dev/null   # builds once
# The first 512 digits as an MNIST-format folder, for VGG-5 (a full epoch of it takes minutes on 2 cores).
/usr/bin/python3 - "$work/slice" <<'PY'
import gzip, os, struct, sys
out = sys.argv[1]; os.makedirs(out)
for prefix, n in (("train", 512), ("t10k", 256)):
    for kind, item in (("images-idx3", 784), ("labels-idx1", 1)):
        raw = gzip.open(f"data/mnist-sample/{prefix}-{kind}-ubyte.gz").read()
        dims = raw[3]
        header = bytearray(raw[:4 + 4 * dims]); header[4:8] = struct.pack(">I", n)
        open(f"{out}/{prefix}-{kind}-ubyte", "wb").write(bytes(header) + raw[4 + 4 * dims:4 + 4 * dims + n * item])
PY
run() {  # name, launcher..., -- spinalnet options
  local name="$1"; shift
  local out="$work/$name-$RANDOM"
  "$@" --out "$out" -q >/dev/null
  tail -n +2 "$out/metrics.csv" | cut -d, -f9 >> "$work/$name.times"
}
for ((r = 0; r < rounds; r++)); do
  run mnist-1x2 ./spinalnet train --model mnist-cnn --epochs 3 --threads 2
  run mnist-2x1 mpiexec -n 2 ./spinalnet train --model mnist-cnn --epochs 3 --threads 1
  run mnist-1x1 ./spinalnet train --model mnist-cnn --epochs 3 --threads 1
  run vgg5-1x2 ./spinalnet train --model vgg5 --data "$work/slice" --epochs 1 --threads 2
  run vgg5-2x1 mpiexec -n 2 ./spinalnet train --model vgg5 --data "$work/slice" --epochs 1 --threads 1
done
for name in mnist-1x2 mnist-2x1 mnist-1x1 vgg5-1x2 vgg5-2x1; do
  times="$work/$name.times"
  median="$(sort -g "$times" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
  echo "$name: median $median s/epoch over $(wc -l < "$times") epochs ($(tr '\n' ' ' < "$times"))"
done
dotnet build bench/SpinalNet.Bench -c Release -v q -nologo >/dev/null
mpiexec -n 2 dotnet bench/SpinalNet.Bench/bin/Release/net10.0/SpinalNet.Bench.dll allreduce
