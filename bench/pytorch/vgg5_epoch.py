"""Seconds per training epoch, and evaluation throughput, of the paper's VGG-5 (MNIST family) in PyTorch, for a
same-machine comparison with `spinalnet train --model vgg5` (bench/run.sh). The network is written here from the
project's description (docs/networks.md §2.3), not taken from the authors' scripts: four blocks of 3x3 conv (padding
1) -> BN2d -> ReLU ending in a 2x2 max pool, (1->64->64), (64->128->128), (128->256->256->256), (256->256->256->256),
256 features; default head Dropout 0.5 -> Linear 256->512 -> BN1d -> ReLU -> Dropout 0.5 -> Linear 512->10, or Spinal
head (halves of 128, w = 128, L = 4, each layer Dropout 0.5 -> Linear -> BN1d -> ReLU, output Dropout 0.5 -> Linear
512->10); log_softmax; Adam lr 0.005, batch 100, on the 8,000 training digits of the embedded sample (normalised, no
augmentation: the `mnist` pipeline); evaluation: the 2,000 test digits at batch 1,000.

Run with Debian's PyTorch:  /usr/bin/python3 bench/pytorch/vgg5_epoch.py [--threads 2] [--epochs 4]
Prints one line per head: mean epoch time after 1 warm-up epoch, and evaluation images per second.
"""
import argparse, os, statistics, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from mnist_cnn_epoch import DATA, read_idx, train_epoch

BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [256, 256, 256]]


def backbone():
    layers, channels = [], 1
    for block in BLOCKS:
        for out in block:
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU()]
            channels = out
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.Flatten())


class SpinalHead(nn.Module):
    def __init__(self, half=128, width=128, layers=4, classes=10):
        super().__init__()
        self.half = half
        self.layers = nn.ModuleList([nn.Sequential(
            nn.Dropout(0.5), nn.Linear(half if i == 0 else half + width, width), nn.BatchNorm1d(width), nn.ReLU())
            for i in range(layers)])
        self.out = nn.Sequential(nn.Dropout(0.5), nn.Linear(layers * width, classes))

    def forward(self, x):
        parts = (x[:, :self.half], x[:, self.half:2 * self.half])
        hidden, h = [], None
        for i, layer in enumerate(self.layers):
            h = layer(parts[i % 2] if h is None else torch.cat([parts[i % 2], h], 1))
            hidden.append(h)
        return self.out(torch.cat(hidden, 1))


def default_head():
    return nn.Sequential(nn.Dropout(0.5), nn.Linear(256, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(512, 10))


def load(split):
    images = torch.from_numpy(read_idx(os.path.join(DATA, f"{split}-images-idx3-ubyte.gz")).copy())
    labels = torch.from_numpy(read_idx(os.path.join(DATA, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64))
    return ((images.float() / 255 - 0.1307) / 0.3081).unsqueeze(1), labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=4)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    x_train, y_train = load("train")
    x_test, _ = load("t10k")
    for name, head in (("spinal", SpinalHead), ("fc", default_head)):
        torch.manual_seed(1)
        model = nn.Sequential(backbone(), head())
        opt = torch.optim.Adam(model.parameters(), lr=0.005)
        g = torch.Generator().manual_seed(1)
        times, evals = [], []
        for epoch in range(args.epochs):
            times.append(train_epoch(model, opt, x_train, y_train, 100, g))
            start = time.perf_counter()
            model.eval()
            with torch.no_grad():
                for b in range(0, len(x_test), 1000):
                    model(x_test[b:b + 1000]).argmax(1)
            evals.append(time.perf_counter() - start)
        steady, best_eval = times[1:], min(evals[1:])
        print(f"pytorch {torch.__version__} vgg5 {name}: {statistics.mean(steady):.2f} s/epoch "
              f"(min {min(steady):.2f}, {len(steady)} epochs, {args.threads} threads); evaluation "
              f"{len(x_test) / best_eval:.0f} images/s (batch 1000)")


if __name__ == "__main__":
    main()
