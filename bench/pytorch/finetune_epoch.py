"""Seconds per fine-tuning epoch of resnet18-cntk's architecture in PyTorch, for a same-machine comparison with
`spinalnet train --model resnet18-cntk --head fc` (bench/finetune.sh): torchvision's ResNet(BasicBlock, [2, 2, 2, 3])
(docs/pretrained.md: the CNTK ResNet-18 has three blocks in layer4) with a Linear head for 10 classes, the transfer
demonstration's PNG digit folders (bench/transfer-demo.sh) at 96 px: ImageFolder (grey PNGs converted to RGB),
Resize((96, 96)), ToTensor, ImageNet normalisation, a DataLoader of batch 24 shuffled with its default of no worker
processes, SGD lr 1e-3 momentum 0.9, cross-entropy. Weights are random: the time does not depend on them.

Run with Debian's PyTorch:  /usr/bin/python3 bench/pytorch/finetune_epoch.py FOLDER --threads 1 [--epochs 2]
Prints one line per epoch (training seconds) and, with --profile, the epoch's seconds spent loading batches
(decode, resize, collation) apart from the steps.
"""
import argparse, os, statistics, time

import torch
import torch.nn as nn
import torchvision
from torchvision import transforms
from torchvision.models.resnet import BasicBlock, ResNet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--steps", type=int, default=0,
                        help="instead of epochs: forward, backward and optimiser medians over this many steps on one "
                             "batch, NCHW and channels-last")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    transform = transforms.Compose([
        transforms.Resize((96, 96)), transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    train = torchvision.datasets.ImageFolder(f"{args.folder}/train", transform=transform)
    loader = torch.utils.data.DataLoader(train, batch_size=24, shuffle=True)
    model = ResNet(BasicBlock, [2, 2, 2, 3], num_classes=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    if args.steps:
        profile_steps(loader, loss_fn, args)
        return
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        cpu, kernel = time.process_time(), os.times().system
        loading = 0.0
        t = time.perf_counter()
        for x, y in loader:
            loading += time.perf_counter() - t
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            t = time.perf_counter()
        seconds = time.perf_counter() - start
        extra = f", loading {loading:.2f} s" if args.profile else ""
        print(f"PyTorch finetune epoch {epoch}: {seconds:.3f} s, CPU {time.process_time() - cpu:.3f} s "
              f"(kernel {os.times().system - kernel:.3f} s), "
              f"{args.threads} threads{extra}", flush=True)


def profile_steps(loader, loss_fn, args):
    start = time.perf_counter()
    for _ in loader:
        pass
    print(f"PyTorch {args.threads} threads: the DataLoader's epoch of batches {time.perf_counter() - start:.2f} s")
    x, y = next(iter(loader))
    # The layouts step in turn, one step each, so that a change in the machine's load falls on both alike.
    runs = []
    for channels_last in (False, True):
        model = ResNet(BasicBlock, [2, 2, 2, 3], num_classes=10)
        xs = x
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
            xs = x.contiguous(memory_format=torch.channels_last)
        model.train()
        runs.append(("channels-last" if channels_last else "NCHW", model, xs,
                     torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9), []))
    for s in range(args.steps + 2):
        for name, model, xs, optimizer, times in runs:
            optimizer.zero_grad()
            c0 = time.process_time()
            t0 = time.perf_counter()
            loss = loss_fn(model(xs), y)
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            optimizer.step()
            t3 = time.perf_counter()
            if s >= 2:
                times.append(((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, (time.process_time() - c0) * 1000))

    def spread(values):
        v = sorted(values)
        at = lambda q: v[round(q * (len(v) - 1))]
        return f"{at(0.5):.1f} ({at(0.1):.0f}–{at(0.9):.0f})"

    for name, model, xs, optimizer, times in runs:
        print(f"PyTorch {args.threads} threads, {name}: forward {spread(t[0] for t in times)}, backward "
              f"{spread(t[1] for t in times)}, optimiser {spread(t[2] for t in times)} ms (median, p10–p90 of "
              f"{args.steps} steps, interleaved); the process's CPU time per step {spread(t[3] for t in times)} ms",
              flush=True)


if __name__ == "__main__":
    main()
