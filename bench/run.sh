#!/usr/bin/env bash
# Runs the training benchmarks of this project and their PyTorch counterpart back to back, so that the ratios come
# from one session on one machine. Needs Debian's PyTorch for the comparison (apt-get install python3-torch); without
# it only the C# side runs. Results: BenchmarkDotNet.Artifacts/results/*.md and the PyTorch lines printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/SpinalNet.Bench -- --filter '*' --join
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 bench/pytorch/mnist_cnn_epoch.py --threads 2 --epochs 12
else
  echo "PyTorch not installed: skipped the PyTorch comparison (apt-get install python3-torch)"
fi
