"""Small batches in PyTorch, for the Bench's --case m (issue 22): the loop ParityNet's Sgd runs on wide inputs.

A bits-hidden-1 ReLU network with biases, from the initial weights ParityNet hands over (--weights: w0 [bits x hidden],
b0 [hidden], w1 [hidden x 1], b1 [1], and the held-out numbers eval_numbers), BitParity labels (an odd count of 1 bits
is 1), BCEWithLogits (ParityNet's cross-entropy from the logit, the mean over the batch, so the gradient at the logit
is (p - y) / batch), plain SGD (p -= lr * g, ParityNet's Sgd). Bit p of an input is (number >> (bits - 1 - p)) & 1.

Each epoch, as ParityNet's trainer: a fresh sample of --sample numbers (none of them a held-out one), --sample / --batch
steps on its consecutive slices, then the loss on the held-out numbers, --eval-rows at a time (whole, the hidden
layer of 32 000 rows would be a 256 MB array, and on the Bench's VM each fresh page of such arrays cost more than
the arithmetic: about 0.9 s an array). Prints one JSON line: the seconds of each epoch (sampling, steps and the
held-out loss), the held-out loss before training and after each epoch, the steps run, and the BLAS it ran on
(blas_info.py). --blas-threads sets OpenBLAS's own thread count (default: as the library chose).

--check: one epoch on the numbers ParityNet's first epoch trained on (train_numbers in --weights), in order, so that
the caller can compare the held-out loss after it with ParityNet's.
"""
import argparse
import json
import time

import torch

import blas_info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--bits", type=int, default=50)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--sample", type=int, default=32000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--alpha", type=float, default=0.1)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--blas-threads", type=int, default=0)
    p.add_argument("--eval-rows", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--check", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.blas_threads:
        blas_info.set_openblas_threads(a.blas_threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    shifts = torch.arange(a.bits - 1, -1, -1)

    def encode(numbers):
        bits = (numbers[:, None] >> shifts) & 1
        return bits.to(dtype), (bits.sum(1, keepdim=True) & 1).to(dtype)

    with open(a.weights) as f:
        given = json.load(f)
    w0 = torch.tensor(given["w0"], dtype=dtype, requires_grad=True)
    b0 = torch.tensor(given["b0"], dtype=dtype, requires_grad=True)
    w1 = torch.tensor(given["w1"], dtype=dtype, requires_grad=True)
    b1 = torch.tensor(given["b1"], dtype=dtype, requires_grad=True)
    held_out = torch.tensor(given["eval_numbers"], dtype=torch.int64)
    x_eval, y_eval = encode(held_out)
    opt = torch.optim.SGD([w0, b0, w1, b1], lr=a.alpha)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    sampler = torch.Generator().manual_seed(a.seed)

    def logits(x):
        return torch.relu(x @ w0 + b0) @ w1 + b1

    def held_out_loss():
        total = 0.0
        with torch.no_grad():
            for start in range(0, len(x_eval), a.eval_rows):
                z = logits(x_eval[start:start + a.eval_rows])
                total += float(torch.nn.functional.binary_cross_entropy_with_logits(z, y_eval[start:start + a.eval_rows], reduction="sum"))
        return total / len(x_eval)

    def sample():
        numbers = torch.randint(0, 2 ** a.bits, (a.sample,), generator=sampler)
        while True:
            taken = torch.isin(numbers, held_out)
            if not bool(taken.any()):
                return numbers
            numbers[taken] = torch.randint(0, 2 ** a.bits, (int(taken.sum()),), generator=sampler)

    def epoch(numbers):
        x, y = encode(numbers)
        steps = 0
        for start in range(0, len(numbers), a.batch):
            loss = loss_fn(logits(x[start:start + a.batch]), y[start:start + a.batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
        return steps

    losses = [held_out_loss()]
    if a.check:
        steps = epoch(torch.tensor(given["train_numbers"], dtype=torch.int64))
        losses.append(held_out_loss())
        print(json.dumps({"losses": losses, "steps": steps, "torch": torch.__version__, "dtype": a.dtype}))
        return
    seconds, steps = [], 0
    for _ in range(a.epochs):
        start = time.perf_counter()
        steps += epoch(sample())
        losses.append(held_out_loss())
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "losses": losses, "steps": steps, "torch": torch.__version__, "dtype": a.dtype,
                      "blas": blas_info.openblas(), "build": blas_info.torch_build(torch)}))


if __name__ == "__main__":
    main()
