#!/usr/bin/env bash
# Runs the training benchmarks of this project and their PyTorch counterparts back to back, so that the ratios come
# from one session on one machine. Needs Debian's PyTorch for the comparison (apt-get install python3-torch); without
# it only the C# side runs. Results: BenchmarkDotNet.Artifacts/results/*.md, the `spinalnet bench` table and the
# PyTorch lines printed at the end. Pass BenchmarkDotNet options through, e.g. bash bench/run.sh --filter '*Epoch*'.
# Then the side-by-side head steps (HeadRatios.cs), the epochs of the MNIST CNN and VGG-5 against PyTorch
# (bench/epochs.sh) and the resident memory over a run (MemoryGrowth.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
filter=("$@")
[ ${#filter[@]} -eq 0 ] && filter=(--filter '*')
dotnet run -c Release --project bench/SpinalNet.Bench -- "${filter[@]}" --join
for threads in 1 2; do ./spinalnet bench --model mnist-cnn --threads "$threads"; done
dotnet run -c Release --project bench/SpinalNet.Bench -- --ratios
dotnet run -c Release --project bench/SpinalNet.Bench -- memory
bash bench/epochs.sh mnist-cnn
bash bench/epochs.sh vgg5
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  for threads in 1 2; do
    /usr/bin/python3 bench/pytorch/head_step.py --threads "$threads"
  done
else
  echo "PyTorch not installed: skipped the PyTorch comparison (apt-get install python3-torch)"
fi
