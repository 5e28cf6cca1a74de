"""Seconds per training epoch of the paper's MNIST CNN in PyTorch, for a same-machine comparison with
bench/SpinalNet.Bench (EpochBenchmark). The networks are written here from the project's reference description
(docs/networks.md §2.1, docs/experiments.md §3.1), not taken from the authors' scripts: conv 1->10 k5, maxpool 2, ReLU; conv 10->20 k5,
Dropout2d(0.5), maxpool 2, ReLU; flatten 320; default head 320->50, ReLU, dropout 0.5, 50->10, or Spinal head
(halves of 160, w = 8, L = 6, ReLU, 48->10); log_softmax; SGD lr 0.01 momentum 0.5, batch 64.

Run with Debian's PyTorch:  /usr/bin/python3 bench/pytorch/mnist_cnn_epoch.py [--threads 2] [--epochs 12]
Prints one line per head: mean and standard deviation of the epoch time after 2 warm-up epochs.
"""
import argparse, gzip, os, statistics, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data", "mnist-sample")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.drop = nn.Dropout2d(0.5)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.drop(self.conv2(x)), 2))
        return x.flatten(1)


class SpinalHead(nn.Module):
    def __init__(self, half=160, width=8, layers=6, classes=10):
        super().__init__()
        self.half = half
        self.layers = nn.ModuleList(
            [nn.Linear(half if i == 0 else half + width, width) for i in range(layers)])
        self.out = nn.Linear(layers * width, classes)

    def forward(self, x):
        parts = (x[:, :self.half], x[:, self.half:2 * self.half])
        hidden, h = [], None
        for i, layer in enumerate(self.layers):
            inp = parts[i % 2] if h is None else torch.cat([parts[i % 2], h], 1)
            h = F.relu(layer(inp))
            hidden.append(h)
        return self.out(torch.cat(hidden, 1))


class DefaultHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(320, 50), nn.Linear(50, 10)

    def forward(self, x):
        return self.fc2(F.dropout(F.relu(self.fc1(x)), 0.5, self.training))


def train_epoch(model, opt, x, y, batch, generator):
    """One shuffled pass of log_softmax + NLL training; returns its seconds."""
    start = time.perf_counter()
    model.train()
    order = torch.randperm(len(y), generator=generator)
    for b in range(0, len(y), batch):
        idx = order[b:b + batch]
        opt.zero_grad()
        F.nll_loss(F.log_softmax(model(x[idx]), 1), y[idx]).backward()
        opt.step()
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=12)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    images = torch.from_numpy(read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz")).copy())
    labels = torch.from_numpy(read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    x_all = ((images.float() / 255 - 0.1307) / 0.3081).unsqueeze(1)
    for name, head in (("spinal", SpinalHead), ("fc", DefaultHead)):
        torch.manual_seed(1)
        model = nn.Sequential(Backbone(), head())
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
        g = torch.Generator().manual_seed(1)
        times = []
        for epoch in range(args.epochs):
            times.append(train_epoch(model, opt, x_all, labels, 64, g))
        steady = times[2:]
        print(f"pytorch {torch.__version__} {name}: {statistics.mean(steady):.3f} s/epoch "
              f"(sd {statistics.stdev(steady):.3f}, {len(steady)} epochs, {args.threads} threads)")


if __name__ == "__main__":
    main()
