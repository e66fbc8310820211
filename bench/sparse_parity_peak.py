"""One core's arithmetic peak as PyTorch reaches it, for the floor of a sparse-parity step (issue 28).

Times torch.mm of two --size x --size matrices on one thread (float32 and float64), --repeats times, and prints one
JSON line per dtype: the best and the median GFLOP/s (2 size^3 FLOPs a product). On a shared machine the best of
many short products is the one that ran with the core to itself, so it is the figure to compare with the chip's
nominal peak (Zen 4: two 256-bit FMA pipes, 32 float32 or 16 float64 FLOPs a cycle). Also prints the FLOPs of one
SGD step of an n-width-1 ReLU network on a batch (--n, --width, --batch), counted as below, and that count over
the best rate: the one-core floor of a step.

A step's FLOPs (a multiply-add is 2): forward x W1^T (2 b n w), + b1 and ReLU (2 b w), W2 h (2 b w), + b2, the hinge
and its mean (about 4 b); backward: dL/dout (about 2 b), dW2 = g^T h (2 b w), db2 (b), dh = g W2 (2 b w), the ReLU
mask (b w), db1 (b w), dW1 = dz^T x (2 b n w); no gradient to x; update: p -= lr g for each of the w n + 2 w + 1
parameters (2 each).
"""
import argparse
import json
import os
import statistics
import time

import torch

import blas_info


def step_flops(n, width, batch):
    forward = 2 * batch * n * width + 2 * batch * width + 2 * batch * width + 4 * batch
    backward = 2 * batch + 2 * batch * width + batch + 2 * batch * width + 2 * batch * width + 2 * batch * n * width
    update = 2 * (width * n + 2 * width + 1)
    return {"forward": forward, "backward": backward, "update": update, "total": forward + backward + update}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--n", type=int, default=50)
    p.add_argument("--width", type=int, default=1000)
    p.add_argument("--batch", type=int, default=32)
    a = p.parse_args()
    torch.set_num_threads(1)
    if blas_info.openblas() is not None:
        blas_info.set_openblas_threads(1)
    flops = step_flops(a.n, a.width, a.batch)
    with open("/proc/loadavg") as f:
        load = float(f.read().split()[0])
    print(json.dumps({"type": "step_flops", "n": a.n, "width": a.width, "batch": a.batch, **flops, "load": load,
                      "cpus": os.cpu_count()}), flush=True)
    for dtype in (torch.float32, torch.float64):
        x = torch.randn(a.size, a.size, dtype=dtype)
        y = torch.randn(a.size, a.size, dtype=dtype)
        out = torch.empty(a.size, a.size, dtype=dtype)
        torch.mm(x, y, out=out)
        rates = []
        for _ in range(a.repeats):
            start = time.perf_counter()
            torch.mm(x, y, out=out)
            rates.append(2 * a.size ** 3 / (time.perf_counter() - start) / 1e9)
        best = max(rates)
        print(json.dumps({"type": "peak", "dtype": str(dtype).split(".")[1], "size": a.size, "best_gflops": best,
                          "median_gflops": statistics.median(rates), "step_floor_us": flops["total"] / best / 1e3}), flush=True)
    print(json.dumps({"type": "blas", "blas": blas_info.openblas(), "build": blas_info.torch_build(torch)}), flush=True)


if __name__ == "__main__":
    main()
