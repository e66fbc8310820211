"""Replay one ParityNet training run in PyTorch (float64), step for step, and report its held-out checks.

ParityNet writes a JSON file with everything a run used: the network's initial weights, the held-out numbers and
labels, and every training number and label in the order the steps took them. This script trains the same network
from the same weights on the same batches with the same arithmetic definitions, and writes the held-out loss and
accuracy at each check, so that a PowerShell bench script can hold them against ParityNet's own history (to 1e-9).
It draws nothing at random: every number it needs is in the file.

    /usr/bin/python3 bench/sparse_parity_same_torch.py run.json out.json [--threads N]

Input JSON (argv[1]):
  bits, hidden        n inputs, one hidden ReLU layer of `hidden` units, then one output unit (a logit z).
  signed              inputs are 2b - 1 (+-1) when true, b itself (0/1) when false, for each bit b.
  loss                "Hinge" | "CrossEntropy" | "MeanSquaredError".
  alpha, weightDecay  plain SGD: g <- g + weightDecay * p (every parameter, biases too), p <- p - alpha * g.
  batchSize           rows per step; step s (0-based) trains on training[s*batchSize : (s+1)*batchSize].
  checkEvery          steps between held-out checks. Check 0 is on the initial weights, check c after step c*checkEvery.
  targetAccuracy      stop at the first check (check 0 included) whose held-out accuracy is >= this; null: never.
  w0                  first-layer weights, row-major [bits x hidden]: w0[i*hidden + j] is input i -> unit j.
  b0, w1, b1          hidden biases [hidden], hidden -> output weights [hidden], output bias [1].
  heldOut, training   numbers as hexadecimal strings without 0x, each < 2^bits. Input column i is bit (bits-1-i)
                      of the number: column 0 is the MOST significant bit (ParityNet's BitEncoding).
  heldOutLabels, trainingLabels
                      0/1 labels, used as given (a control run may have random training labels).

The network and the losses (ParityNet's definitions; z is the output logit, y in {0, 1} the label):
  h = relu(x W0 + b0), z = h w1 + b1; relu'(0) = 0 (torch's, and ParityNet's "a > 0 ? 1 : 0").
  Hinge             per row max(0, 1 - y* z) with y* = 2y - 1; the objective is its mean over the batch. Its
                    gradient is -y* where the margin y* z < 1 and 0 where it is not (0 at a margin of exactly 1).
  CrossEntropy      per row max(z, 0) - y z + log(1 + exp(-|z|)); the objective is its mean; d/dz = sigmoid(z) - y.
  MeanSquaredError  per row (y - sigmoid(z))^2 is the loss REPORTED, but the objective DESCENDED is half of it,
                    (1/2) mean((y - p)^2), so d/dz = (p - y) p (1 - p) / batch, as in ParityNet (the lesson's rule).
  A row is right when (sigmoid(z) >= 1/2) equals its label, which is z >= 0 <=> predicted 1.

A check: the network on all held-out rows; loss = mean of the per-row losses, accuracy = fraction right.
The run stops at the first check reaching targetAccuracy, or when the training numbers run out: only whole check
intervals are trained, because steps after the last check would never be measured. If a held-out loss is not finite
the run stops there without recording that check (ParityNet's trainer stops as "diverged" and keeps the weights of the
check before); the output then says "diverged": true.

Output JSON (argv[2]): {"steps": [0, 100, ...], "loss": [...], "accuracy": [...], "convergedStep": step or null,
"seconds": wall time of the loop (checks included; reading and decoding the file are not), "torch": version,
"threads": N, "diverged": bool}. Floats are written by repr, so they read back exactly. One summary line goes to stdout.

bench/sparse_parity_same_torch_selftest.py checks this script against a plain-numpy implementation of the same loop.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import torch

LOSSES = ("Hinge", "CrossEntropy", "MeanSquaredError")


# ---------------------------------------------------------------------------------------------------------------------
# Reading the file


def decode_hex(numbers, bits):
    """Hexadecimal strings -> int8 array [len(numbers), bits] of 0/1, column i = bit (bits - 1 - i), vectorised.

    The strings are left-padded with '0' to one common width of d hex digits, viewed as a [N, d] array of ASCII
    bytes, each byte mapped to its 4-bit value, and the nibbles unpacked most significant bit first into 4d bit
    columns. Those columns are bits 4d-1 ... 0 of the number, so the last `bits` of them are bits (bits-1) ... 0:
    exactly the column order asked for. Works for any width, including numbers beyond 64 bits.
    """
    if len(numbers) == 0:
        return np.zeros((0, bits), dtype=np.int8)
    text = np.array(numbers, dtype=np.str_)
    width = max(int(np.char.str_len(text).max()), (bits + 3) // 4)
    raw = np.char.zfill(text, width).astype(f"S{width}")           # ASCII bytes, fixed width
    ascii_codes = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(numbers), width)
    nibble = np.full(256, 255, dtype=np.uint8)                     # 255 marks "not a hex digit"
    for value, chars in enumerate(zip("0123456789abcdef", "0123456789ABCDEF")):
        for ch in chars:
            nibble[ord(ch)] = value
    values = nibble[ascii_codes]
    if (values == 255).any():
        row = int(np.nonzero((values == 255).any(axis=1))[0][0])
        raise SystemExit(f"not a hexadecimal number: {numbers[row]!r} (no 0x prefix, digits 0-9 a-f only)")
    # unpackbits on the byte (16 * high + low) of two nibbles would also work; shifting each nibble is clearer.
    shifts = np.array([3, 2, 1, 0], dtype=np.uint8)
    all_bits = ((values[:, :, None] >> shifts) & 1).reshape(len(numbers), 4 * width).astype(np.int8)
    if all_bits[:, :4 * width - bits].any():
        row = int(np.nonzero(all_bits[:, :4 * width - bits].any(axis=1))[0][0])
        raise SystemExit(f"number {numbers[row]!r} does not fit in {bits} bits")
    return np.ascontiguousarray(all_bits[:, 4 * width - bits:])


def labels_of(values, name, count):
    y = np.asarray(values, dtype=np.float64)
    if y.shape != (count,):
        raise SystemExit(f"{name} has {y.size} labels for {count} numbers")
    if not np.isin(y, (0.0, 1.0)).all():
        raise SystemExit(f"{name} must be 0 or 1")
    return y


def read_run(path):
    """The run's settings, weights, held-out set and training stream, checked for shape."""
    with open(path) as f:
        run = json.load(f)
    bits, hidden, batch, every = int(run["bits"]), int(run["hidden"]), int(run["batchSize"]), int(run["checkEvery"])
    if bits < 1 or hidden < 1 or batch < 1 or every < 1:
        raise SystemExit("bits, hidden, batchSize and checkEvery must be at least 1")
    if run["loss"] not in LOSSES:
        raise SystemExit(f"loss {run['loss']!r} is not one of {', '.join(LOSSES)}")
    weights = {}
    for name, size in (("w0", bits * hidden), ("b0", hidden), ("w1", hidden), ("b1", 1)):
        w = np.asarray(run[name], dtype=np.float64)
        if w.shape != (size,):
            raise SystemExit(f"{name} has {w.size} values; a {bits}-{hidden}-1 network needs {size}")
        weights[name] = w
    weights["w0"] = weights["w0"].reshape(bits, hidden)                # row-major: [input i, unit j]

    held_bits = decode_hex(run["heldOut"], bits)
    held_y = labels_of(run["heldOutLabels"], "heldOutLabels", len(run["heldOut"]))
    if len(held_y) == 0:
        raise SystemExit("the held-out set is empty")
    train_bits = decode_hex(run["training"], bits)
    train_y = labels_of(run["trainingLabels"], "trainingLabels", len(run["training"]))
    if len(train_y) % batch:
        raise SystemExit(f"{len(train_y)} training numbers is not a whole number of batches of {batch}")
    steps = len(train_y) // batch
    return run, weights, held_bits, held_y, train_bits.reshape(steps, batch, bits), train_y.reshape(steps, batch)


# ---------------------------------------------------------------------------------------------------------------------
# The network, the losses and the loop


def inputs(bit_rows, signed):
    """0/1 bits (int8) -> float64 inputs: 2b - 1 when signed, else b."""
    x = torch.from_numpy(bit_rows).to(torch.float64)
    return 2 * x - 1 if signed else x


def forward(params, x):
    """The logits z [rows] of x [rows, bits]: h = relu(x W0 + b0), z = h w1 + b1."""
    w0, b0, w1, b1 = params
    h = torch.relu(x @ w0 + b0)
    return h @ w1 + b1


def row_losses(loss, z, y):
    """The per-row loss ParityNet reports (see the docstring at the top)."""
    if loss == "Hinge":
        return torch.relu(1 - (2 * y - 1) * z)
    if loss == "CrossEntropy":
        # log(1 + e) rather than log1p(e), as written in ParityNet (it rounds 1 + e first, then takes the log).
        return torch.clamp(z, min=0) - y * z + torch.log(1 + torch.exp(-z.abs()))
    return (y - torch.sigmoid(z)) ** 2                             # MeanSquaredError


def objective(loss, z, y):
    """The batch objective whose gradient the step follows.

    Hinge: torch.relu's derivative at 0 is 0, so a row at a margin of exactly 1 gives no gradient (1 - m > 0 is the
    same test as m < 1 in floating point, since y* = +-1 makes y* z exact). CrossEntropy: binary_cross_entropy_with_logits,
    whose backward is exactly (sigmoid(z) - y) / rows; differentiating the max/abs form above instead would give the
    wrong subgradient at z = 0 (-y, not 1/2 - y). MeanSquaredError: half the reported loss, as ParityNet descends.
    """
    if loss == "Hinge":
        return torch.relu(1 - (2 * y - 1) * z).mean()
    if loss == "CrossEntropy":
        return torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="mean")
    return 0.5 * ((y - torch.sigmoid(z)) ** 2).mean()


def check(params, loss, held_x, held_y):
    """(held-out loss, held-out accuracy) at the current weights."""
    with torch.no_grad():
        z = forward(params, held_x)
        mean_loss = float(row_losses(loss, z, held_y).mean())
        predicted = (z >= 0).to(torch.float64)                     # sigmoid(z) >= 1/2 <=> z >= 0
        accuracy = float((predicted == held_y).to(torch.float64).mean())
    return mean_loss, accuracy


def replay(run, weights, held_bits, held_y, train_bits, train_y):
    """Trains as the run did; returns the output record (without torch/threads)."""
    loss, signed = run["loss"], bool(run["signed"])
    alpha, decay = float(run["alpha"]), float(run.get("weightDecay") or 0.0)
    every, target = int(run["checkEvery"]), run.get("targetAccuracy")
    params = [torch.tensor(weights[name], requires_grad=True) for name in ("w0", "b0", "w1", "b1")]
    # torch.optim.SGD with momentum 0: g <- g + weight_decay * p (skipped when it is 0), then p <- p - lr * g.
    optimizer = torch.optim.SGD(params, lr=alpha, weight_decay=decay, momentum=0)
    held_x, held_yt = inputs(held_bits, signed), torch.from_numpy(held_y)
    intervals = train_bits.shape[0] // every                       # whole check intervals only

    steps, losses, accuracies = [], [], []
    converged, diverged = None, False
    start = time.perf_counter()
    for c in range(intervals + 1):
        if c > 0:                                                  # train steps (c-1)*every ... c*every - 1
            first = (c - 1) * every
            xs = inputs(train_bits[first:first + every], signed)   # [every, batch, bits]
            ys = torch.from_numpy(train_y[first:first + every])
            for s in range(every):
                optimizer.zero_grad()
                objective(loss, forward(params, xs[s]), ys[s]).backward()
                optimizer.step()
        held_loss, accuracy = check(params, loss, held_x, held_yt)
        if not math.isfinite(held_loss):
            diverged = True
            break
        steps.append(c * every)
        losses.append(held_loss)
        accuracies.append(accuracy)
        if target is not None and accuracy >= float(target):
            converged = c * every
            break
    seconds = time.perf_counter() - start
    return {"steps": steps, "loss": losses, "accuracy": accuracies, "convergedStep": converged,
            "seconds": seconds, "diverged": diverged}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="the run's JSON, as ParityNet writes it")
    parser.add_argument("output", help="where to write the checks (JSON)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    a = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(a.threads)

    run, weights, held_bits, held_y, train_bits, train_y = read_run(a.input)
    result = replay(run, weights, held_bits, held_y, train_bits, train_y)
    result.update({"torch": torch.__version__, "threads": a.threads})
    with open(a.output, "w") as f:
        json.dump(result, f)
        f.write("\n")

    unused = train_bits.shape[0] % int(run["checkEvery"])
    end = (f"converged at step {result['convergedStep']}" if result["convergedStep"] is not None
           else "diverged" if result["diverged"] else "did not reach the target")
    print(f"{run['bits']}-{run['hidden']}-1 {run['loss']} {'+-1' if run['signed'] else '0/1'} inputs: "
          f"{len(result['steps'])} checks to step {result['steps'][-1] if result['steps'] else 0}, {end}; "
          f"last held-out loss {result['loss'][-1] if result['loss'] else float('nan')!r}, "
          f"accuracy {result['accuracy'][-1] if result['accuracy'] else float('nan')!r}; "
          f"{result['seconds']:.3f} s, torch {torch.__version__}, {a.threads} thread(s)"
          + (f"; the last {unused} step(s) of the file were not trained (no check after them)" if unused and
             result["convergedStep"] is None and not result["diverged"] else ""))


if __name__ == "__main__":
    sys.exit(main())
