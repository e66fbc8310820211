"""The parity recipe in PyTorch, for the Bench's side-by-side section (issue 14).

Full-batch Adam (lr 0.01, betas 0.9/0.999, eps 1e-8) on every N-bit integer, 128 ReLU units, biases,
BCEWithLogits (ParityNet's cross-entropy from the logit), from the initial weights ParityNet hands over
(--weights: w0 [N x 128], b0 [128], w1 [128 x 1], b1 [1]). Prints one JSON line: seconds of each epoch,
the loss of the final weights after --epochs epochs, and, with --solve-cap, the epochs until every input
is right (measured before each update, as ParityNet measures), or null; and the BLAS it ran on (blas_info.py).
"""
import argparse
import json
import time

import torch

import blas_info


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bits", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--weights", required=True)
    p.add_argument("--solve-cap", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    n = 2 ** a.bits
    numbers = torch.arange(n)
    x = ((numbers[:, None] >> torch.arange(a.bits - 1, -1, -1)) & 1).to(dtype)
    y = (torch.tensor([bin(i).count("1") % 2 for i in range(n)], dtype=dtype))[:, None]
    with open(a.weights) as f:
        given = json.load(f)
    w0 = torch.tensor(given["w0"], dtype=dtype, requires_grad=True)
    b0 = torch.tensor(given["b0"], dtype=dtype, requires_grad=True)
    w1 = torch.tensor(given["w1"], dtype=dtype, requires_grad=True)
    b1 = torch.tensor(given["b1"], dtype=dtype, requires_grad=True)
    params = [w0, b0, w1, b1]
    opt = torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def logits():
        return torch.relu(x @ w0 + b0) @ w1 + b1

    def train(epochs, stop_when_solved):
        seconds = []
        # As ParityNet: the accuracy is checked before each update and once more after the last one.
        for epoch in range(epochs + 1 if stop_when_solved else epochs):
            start = time.perf_counter()
            z = logits()
            if stop_when_solved and bool(((z >= 0).to(dtype) == y).all()):
                return seconds, epoch
            if epoch == epochs:
                break
            loss = loss_fn(z, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seconds.append(time.perf_counter() - start)
        return seconds, None

    if a.solve_cap:
        start = time.perf_counter()
        seconds, solved = train(a.solve_cap, True)
        print(json.dumps({"solved_epoch": solved, "epochs_run": len(seconds), "wall": time.perf_counter() - start,
                          "torch": torch.__version__, "dtype": a.dtype, "blas": blas_info.openblas(), "build": blas_info.torch_build(torch)}))
        return
    seconds, _ = train(a.epochs, False)
    with torch.no_grad():
        final = float(loss_fn(logits(), y))
    print(json.dumps({"seconds": seconds, "final_loss": final, "torch": torch.__version__, "dtype": a.dtype,
                      "blas": blas_info.openblas(), "build": blas_info.torch_build(torch)}))


if __name__ == "__main__":
    main()
