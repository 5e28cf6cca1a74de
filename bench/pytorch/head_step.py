"""Microseconds per training step of a head alone in PyTorch (forward, backward, SGD lr 0.01 momentum 0.5), for a
same-machine comparison with bench/SpinalNet.Bench (HeadBenchmark): the MNIST CNN's Spinal head (N = 320, halves of
160, w = 8, L = 6) and its default head (320 -> 50, ReLU, dropout 0.5, 50 -> 10), written here from the project's
description (docs/networks.md §2.1), on a batch of random features.

Run with Debian's PyTorch:  /usr/bin/python3 bench/pytorch/head_step.py [--threads 2] [--batch 64]
Prints one line per head: the median over rounds of 200 steps.
"""
import argparse, statistics, time

import torch
import torch.nn.functional as F

from mnist_cnn_epoch import DefaultHead, SpinalHead


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.batch, 320, requires_grad=True)
    y = torch.randint(0, 10, (args.batch,))
    for name, head in (("spinal", SpinalHead()), ("fc", DefaultHead())):
        opt = torch.optim.SGD(head.parameters(), lr=0.01, momentum=0.5)
        rounds = []
        for r in range(25):
            start = time.perf_counter()
            for _ in range(200):
                opt.zero_grad()
                F.cross_entropy(head(x), y).backward()
                opt.step()
            if r >= 5:
                rounds.append((time.perf_counter() - start) / 200 * 1e6)
        print(f"pytorch {torch.__version__} {name} head step: {statistics.median(rounds):.0f} us "
              f"(batch {args.batch}, {args.threads} threads)")


if __name__ == "__main__":
    main()
