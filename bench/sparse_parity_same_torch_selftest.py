"""Self-test of bench/sparse_parity_same_torch.py: its PyTorch replay against an independent plain-numpy loop.

For each case it builds a small run file itself (12 bits, 16 hidden units, batch 4, a check every 5 steps, 40 steps;
weights and numbers from a fixed numpy seed; labels the XOR of bits 1, 4 and 7 of each number, bit 0 being the least
significant), runs the script on it as a subprocess, and replays the same run here with numpy alone: the forward pass,
the gradients written out by hand, and the SGD step. The held-out losses must agree to 1e-12 relative, and the check
steps, accuracies and convergedStep exactly.

The cases: the three losses x the two input codings (+-1 and 0/1), then three that reach other branches of the loop:
a weight decay, a target accuracy the run can reach (so it stops early), and a training stream that is not a whole
number of check intervals (the tail is not trained); and three started at the corner cases of the definitions (a
hinge margin of exactly 1, ReLU inputs of exactly 0, a logit of exactly 0; see at_the_kinks). Last, a sanity case: the reference on the same file with the
output bias moved by 1e-9 must NOT agree with the script, so the comparison is able to fail.

    /usr/bin/python3 bench/sparse_parity_same_torch_selftest.py      # exit 0: all agree; 1: what differs is printed
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "sparse_parity_same_torch.py")
BITS, HIDDEN, BATCH, EVERY, STEPS, HELD_OUT = 12, 16, 4, 5, 40, 64
SUPPORT = (1, 4, 7)                 # label = XOR of these bits of the number (bit 0 = least significant)
RELATIVE = 1e-12


# ---------------------------------------------------------------------------------------------------------------------
# The run file


def make_run(loss, signed, seed=20240601, steps=STEPS, weight_decay=0.0, target=1.0):
    """A run file's contents: random weights (the scale of nn.Linear's init) and random numbers, XOR labels."""
    rng = np.random.default_rng(seed)
    numbers_train = rng.integers(0, 1 << BITS, size=steps * BATCH)
    numbers_held = rng.integers(0, 1 << BITS, size=HELD_OUT)

    def label(v):
        return int(sum((int(v) >> b) & 1 for b in SUPPORT) % 2)

    return {
        "bits": BITS, "hidden": HIDDEN, "signed": signed, "loss": loss, "alpha": 0.1, "weightDecay": weight_decay,
        "batchSize": BATCH, "checkEvery": EVERY, "targetAccuracy": target,
        "w0": rng.uniform(-1, 1, BITS * HIDDEN).tolist(),                  # [input i, unit j] at i*HIDDEN + j
        "b0": rng.uniform(-1, 1, HIDDEN).tolist(),
        "w1": (rng.uniform(-1, 1, HIDDEN) / np.sqrt(HIDDEN)).tolist(),
        "b1": [float(rng.uniform(-0.25, 0.25))],
        # Hex without 0x or leading zeros; the training numbers in upper case, to exercise both spellings.
        "heldOut": [format(int(v), "x") for v in numbers_held],
        "heldOutLabels": [label(v) for v in numbers_held],
        "training": [format(int(v), "X") for v in numbers_train],
        "trainingLabels": [label(v) for v in numbers_train],
    }


def at_the_kinks(run, b1):
    """The run started where the definitions' corner cases bite. A zero first layer and hidden biases alternately
    0 and 0.5: the even units sit exactly at the ReLU's kink (input 0, derivative 0, so they must stay dead although
    their w1 of 0.3 sends them gradient), the odd ones give h = 0.5 with w1 = 0. So every logit is exactly b1. With
    b1 = 1 the hinge margins of the label-1 rows are exactly 1 (gradient 0); with b1 = 0, z = 0 exactly
    (cross-entropy gradient 1/2 - y, predicted label 1)."""
    return dict(run, w0=[0.0] * (BITS * HIDDEN), b0=[0.0 if j % 2 == 0 else 0.5 for j in range(HIDDEN)],
                w1=[0.3 if j % 2 == 0 else 0.0 for j in range(HIDDEN)], b1=[b1])


# ---------------------------------------------------------------------------------------------------------------------
# The reference: numpy only, gradients by hand


def bit_rows(hex_numbers, bits, signed):
    """Inputs [rows, bits]: column i is bit (bits - 1 - i) of the number, as 2b - 1 or b. Plain Python int parsing
    here, on purpose a different route from the script's vectorised decoder."""
    rows = np.array([[(int(h, 16) >> (bits - 1 - i)) & 1 for i in range(bits)] for h in hex_numbers], dtype=np.float64)
    return 2 * rows - 1 if signed else rows


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def reported_loss(loss, z, y):
    """The per-row loss as ParityNet reports it."""
    if loss == "Hinge":
        return np.maximum(0.0, 1 - (2 * y - 1) * z)
    if loss == "CrossEntropy":
        return np.maximum(z, 0) - y * z + np.log(1 + np.exp(-np.abs(z)))
    return (y - sigmoid(z)) ** 2


def dobjective_dz(loss, z, y):
    """d(objective)/dz for each row, the objective being the MEAN over the rows (hence the / len(z))."""
    if loss == "Hinge":
        ypm = 2 * y - 1
        g = np.where(ypm * z < 1, -ypm, 0.0)                     # 0 at a margin of exactly 1
    elif loss == "CrossEntropy":
        g = sigmoid(z) - y
    else:                                                        # objective 1/2 (y - p)^2
        p = sigmoid(z)
        g = (p - y) * p * (1 - p)
    return g / len(z)


def reference(run):
    """The loop, in numpy: the output record without timing."""
    bits, loss, signed = run["bits"], run["loss"], run["signed"]
    alpha, decay, batch, every = run["alpha"], run["weightDecay"], run["batchSize"], run["checkEvery"]
    w0 = np.array(run["w0"]).reshape(bits, run["hidden"])
    b0, w1, b1 = np.array(run["b0"]), np.array(run["w1"]), np.array(run["b1"])
    held_x, held_y = bit_rows(run["heldOut"], bits, signed), np.array(run["heldOutLabels"], dtype=np.float64)
    train_x, train_y = bit_rows(run["training"], bits, signed), np.array(run["trainingLabels"], dtype=np.float64)
    total_steps = len(train_y) // batch

    out = {"steps": [], "loss": [], "accuracy": [], "convergedStep": None}
    step = 0
    while True:
        # A check on the held-out set.
        z = np.maximum(held_x @ w0 + b0, 0) @ w1 + b1[0]
        out["steps"].append(step)
        out["loss"].append(float(reported_loss(loss, z, held_y).mean()))
        accuracy = float(((z >= 0).astype(np.float64) == held_y).mean())
        out["accuracy"].append(accuracy)
        if run["targetAccuracy"] is not None and accuracy >= run["targetAccuracy"]:
            out["convergedStep"] = step
            return out
        if step + every > total_steps:                           # no whole interval left
            return out
        # checkEvery steps of SGD.
        for s in range(step, step + every):
            x, y = train_x[s * batch:(s + 1) * batch], train_y[s * batch:(s + 1) * batch]
            pre = x @ w0 + b0
            h = np.maximum(pre, 0)
            z = h @ w1 + b1[0]
            dz = dobjective_dz(loss, z, y)                       # [batch]
            g_w1, g_b1 = h.T @ dz, np.array([dz.sum()])
            dpre = np.outer(dz, w1) * (pre > 0)                  # relu'(0) = 0
            g_w0, g_b0 = x.T @ dpre, dpre.sum(axis=0)
            params, grads = (w0, b0, w1, b1), (g_w0, g_b0, g_w1, g_b1)
            for p, g in zip(params, grads):
                if decay != 0:
                    g = g + decay * p
                p -= alpha * g                                   # in place: the arrays above are updated
        step += every


# ---------------------------------------------------------------------------------------------------------------------
# Running and comparing


def run_script(run, folder, name):
    path_in, path_out = os.path.join(folder, name + ".json"), os.path.join(folder, name + ".out.json")
    with open(path_in, "w") as f:
        json.dump(run, f)
    done = subprocess.run([sys.executable, SCRIPT, path_in, path_out, "--threads", "1"], capture_output=True, text=True)
    if done.returncode != 0:
        return None, f"the script failed ({done.returncode}): {done.stderr.strip()}"
    with open(path_out) as f:
        return json.load(f), done.stdout.strip()


def differences(got, want):
    """What differs between the script's record and the reference's (an empty list when they agree)."""
    found = []
    for key in ("steps", "accuracy", "convergedStep"):
        if got[key] != want[key]:
            found.append(f"{key}: script {got[key]}, reference {want[key]}")
    if len(got["loss"]) != len(want["loss"]):
        found.append(f"loss: {len(got['loss'])} checks from the script, {len(want['loss'])} from the reference")
    else:
        for step, a, b in zip(want["steps"], got["loss"], want["loss"]):
            if abs(a - b) > RELATIVE * max(abs(a), abs(b)):
                found.append(f"loss at step {step}: script {a!r}, reference {b!r}, "
                             f"relative difference {abs(a - b) / max(abs(a), abs(b)):.3g}")
    return found


def main():
    cases = [(f"{loss} {'+-1' if signed else '0/1'}", make_run(loss, signed))
             for loss in ("Hinge", "CrossEntropy", "MeanSquaredError") for signed in (True, False)]
    cases += [
        ("Hinge +-1, weight decay 0.01", make_run("Hinge", True, weight_decay=0.01)),
        ("CrossEntropy 0/1, weight decay 0.05", make_run("CrossEntropy", False, weight_decay=0.05)),
        ("Hinge +-1, target accuracy 0.6", make_run("Hinge", True, target=0.6)),
        ("MeanSquaredError +-1, 43 steps (3 untrained), no target", make_run("MeanSquaredError", True, steps=43, target=None)),
        ("Hinge +-1 at the kinks: margins exactly 1, ReLU inputs exactly 0", at_the_kinks(make_run("Hinge", True), 1.0)),
        ("CrossEntropy 0/1 at the kinks: z exactly 0", at_the_kinks(make_run("CrossEntropy", False), 0.0)),
        ("MeanSquaredError 0/1 at the kinks: z exactly 0", at_the_kinks(make_run("MeanSquaredError", False), 0.0)),
    ]
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for i, (name, run) in enumerate(cases):
            got, message = run_script(run, folder, f"case{i}")
            want = reference(run)
            problems = [message] if got is None else differences(got, want)
            if got is not None:
                worst = max(abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in zip(got["loss"], want["loss"]))
                summary = (f"{len(want['steps'])} checks to step {want['steps'][-1]}, converged {want['convergedStep']}, "
                           f"final loss {want['loss'][-1]:.6f}, accuracy {want['accuracy'][-1]:.4f}, "
                           f"largest relative loss difference {worst:.2g}")
            print(f"{'ok  ' if not problems else 'FAIL'} {name}: " + (summary if not problems else "; ".join(problems)))
            failed += bool(problems)

        # The comparison must be able to fail: the reference with b1 moved by 1e-9 should differ from the script.
        run = make_run("Hinge", True)
        got, message = run_script(run, folder, "sanity")
        moved = dict(run, b1=[run["b1"][0] + 1e-9])
        if got is None or not differences(got, reference(moved)):
            print("FAIL sanity: the script's output also matches a reference with b1 moved by 1e-9, so the test "
                  "cannot tell runs apart" if got is not None else f"FAIL sanity: {message}")
            failed += 1
        else:
            print("ok   sanity: a reference with b1 moved by 1e-9 is told apart")
    print(f"{'all agree' if not failed else f'{failed} case(s) differ'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
