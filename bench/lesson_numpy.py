"""The lesson's network in numpy, as ParityNet trains it: the same formulas, data and shapes.

Full batch, float64, sigmoid units, no bias: every integer 0 .. 2^bits - 1 as bits (most
significant first), label 1 for even. Per iteration:
    l1 = sigmoid(X . syn0);  l2 = sigmoid(l1 . syn1)
    l2_delta = (y - l2) * l2 * (1 - l2) / n        # ParityNet averages over the batch
    l1_delta = l2_delta . syn1^T * l1 * (1 - l1)
    syn1 += alpha * l1^T . l2_delta;  syn0 += alpha * X^T . l1_delta
plus the loss and accuracy ParityNet records each epoch.
Iterations during the first --warmup-seconds are not timed. Prints one JSON line: seconds per iteration (median is taken by the caller),
the final loss, and the OpenBLAS numpy ran on (blas_info.py).
"""
import argparse
import json
import time

import numpy as np

import blas_info


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bits", type=int, required=True)
    parser.add_argument("--hidden", type=int, required=True)
    parser.add_argument("--iterations", type=int, required=True)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup-seconds", type=float, default=0.0,
                        help="untimed iterations for this long first, as the C# side does")
    parser.add_argument("--weights", help="a JSON file of the initial syn0 and syn1 (rows of numbers), to check that "
                        "both sides compute the same thing: the caller trains the same weights and compares final losses")
    a = parser.parse_args()

    numbers = np.arange(2 ** a.bits)
    X = ((numbers[:, None] >> np.arange(a.bits - 1, -1, -1)) & 1).astype(np.float64)
    y = (1 - (numbers & 1)).astype(np.float64)[:, None]
    n = X.shape[0]
    rng = np.random.default_rng(a.seed)
    syn0 = 2 * rng.random((a.bits, a.hidden)) - 1
    syn1 = 2 * rng.random((a.hidden, 1)) - 1
    if a.weights:
        with open(a.weights) as f:
            given = json.load(f)
        syn0 = np.array(given["syn0"], dtype=np.float64)
        syn1 = np.array(given["syn1"], dtype=np.float64)

    def passes():
        """Untimed passes until --warmup-seconds have gone by, then the timed one."""
        begun = time.perf_counter()
        while time.perf_counter() - begun < a.warmup_seconds:
            yield False
        yield True

    start = time.perf_counter()
    for timed in passes():
        if timed:
            start = time.perf_counter()
        for _ in range(a.iterations if timed else max(1, a.iterations // 8)):
            l1 = 1 / (1 + np.exp(-X.dot(syn0)))
            l2 = 1 / (1 + np.exp(-l1.dot(syn1)))
            l2_error = y - l2
            loss = float(np.mean(l2_error ** 2))
            accuracy = float(np.mean((l2 >= 0.5) == (y == 1)))
            l2_delta = l2_error * (l2 * (1 - l2)) / n
            l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
            syn1 += a.alpha * l1.T.dot(l2_delta)
            syn0 += a.alpha * X.T.dot(l1_delta)
    seconds = time.perf_counter() - start
    # The loss of the final weights, as ParityNet reports it (History.FinalLoss).
    l2 = 1 / (1 + np.exp(-(1 / (1 + np.exp(-X.dot(syn0)))).dot(syn1)))
    final_loss = float(np.mean((y - l2) ** 2))
    print(json.dumps({"seconds_per_iteration": seconds / a.iterations, "loss": loss, "accuracy": accuracy,
                      "final_loss": final_loss, "numpy": np.__version__, "blas": blas_info.openblas()}))


if __name__ == "__main__":
    main()
