"""(n, k)-sparse parity in PyTorch: the reference for issue 28 (Barak, Edelman, Goel, Kakade, Malach, Zhang, "Hidden
Progress in Deep Learning: SGD Learns Parities Near the Computational Limit", NeurIPS 2022, arXiv 2207.08799).

The task (the paper's definition). Inputs x are uniform on {-1, +1}^n. A secret support S of k distinct bit
positions (0-based) is fixed per run; the label is y = prod_{i in S} x_i in {-1, +1} (the XOR of k bits, written in
+-1). Here S is the first k entries of torch.randperm(n) under the task generator (seed 1000003 * seed + 1), sorted;
the control set C ("a fixed random set of k non-support bits") is the next k entries of the same permutation, sorted.

The recipe (the paper's MLP setting). f(x) = W2 relu(W1 x + b1) + b2, W1 [width x n], b1 [width], W2 [1 x width],
b2 [1], in nn.Linear's layout and with its default init (U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases),
drawn after torch.manual_seed(seed), first layer first. Loss: the hinge max(0, 1 - y f(x)), the mean over the batch;
the derivative of max(0, u) at u = 0 is 0, for the hinge and for the hidden ReLU alike (both are torch.relu). Plain
SGD (p -= lr * grad; torch.optim.SGD, lr 0.1, no momentum, no weight decay), batch 32, online: a fresh batch every
step from the data generator (seed 1000003 * seed + 2), drawn one check interval at a time as one int8 array
[interval, batch, n] of +-1 (torch.randint then 2b - 1). --random-labels: the control run of the paper's plots; the
training labels are fair +-1 coins from their own generator (seed 1000003 * seed + 3), independent of x.

Held-out check. Every --check-every steps (100), the network is evaluated on --held-out samples (8,192) drawn once
from the task generator (after S and C) and never trained on, labelled by the true parity even under
--random-labels. held_out_loss is the mean hinge; held_out_accuracy the fraction with sign(f(x)) == y (f = 0 is
wrong). The run converges at the first check where the accuracy is 1 (100%); its step count is that check's step.

Timing (time.perf_counter). step_seconds: the time of the training steps (batch drawing included) over the steps
run; check_seconds: the time of one held-out check (its forward pass, loss and accuracy), mean over checks;
solve_seconds: the training steps plus the held-out checks up to convergence (setup, held-out drawing and the
--trace measures are outside it). The one-minute load average from /proc/loadavg is printed before and after.

Hidden progress (--trace; the paper's section 4). At step 0 and at every check, with D = W1_t - W1_0:
  linf_move    = max_{i,j} |D_ij|, the paper's ||W1_t - W1_0||_inf (the entrywise max);
  l1_move      = sum_{i,j} |D_ij|, the entrywise 1-norm;
  max_w_support, max_w_other = max |W1_t[i, j]| over all neurons i and over j in S, and over j not in S;
  neuron_move_support = max_i ||D[i, S]||_2, the largest movement of one neuron's weights on the support, and
  neuron_move_control = max_i ||D[i, C]||_2, the same on the control set C.
  The 2-norm over a neuron's k weights: the neuron that comes to compute the parity grows on all k support bits
  together (each carries the same degree-k correlation), which a sum-type norm counts and the max norm does not; and
  on the control set, where the weights only diffuse, the 2-norm of k near-independent random walks has one
  steady scale to compare against. neuron_best_support is the i of the maximum on S.
These use W1 only (the paper's measures are on the first layer).

Given data (the later Bench case hands ParityNet's weights and samples; --save writes the same format). A folder of
.npy files (numpy format 1.0: magic, a header dict, raw little-endian C-order data):
  W1.npy float64 [width, n], b1.npy float64 [width], W2.npy float64 [1, width], b2.npy float64 [1];
  x.npy int8 [steps, batch, n] of +-1 and y.npy int8 [steps, batch] of +-1: the batch of each step, in order;
  held_out_x.npy int8 [m, n], held_out_y.npy int8 [m];
  task.json: {"n", "k", "support": [...], "control": [...], "batch", "lr"} (control may be omitted: then the first
  k non-support positions).
--given DIR trains from these (cast to --dtype) and stops when the steps run out. --save DIR writes the initial
weights (float64, exact for float32 too), every batch trained on, the held-out set and task.json. --roundtrip DIR
runs a seed with --save, then again with --given, and exits 1 unless every check line is equal bit for bit
(timings and loads aside) and a third run, from the same folder with the output bias b2 moved by 2^-12 of itself,
differs (so the comparison can fail).

Output: one JSON line each: {"type": "setup"} once, {"type": "check"} per check (with --trace or --checks),
{"type": "result"} per seed. Floats are printed by repr, so they read back exactly.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import blas_info

def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def parity(x, support):
    return x[..., support].prod(-1).to(x.dtype)


class Task:
    """The support, control set, held-out set and batch stream of one run: drawn from the seed, or read from --given."""

    def __init__(self, a, seed):
        self.a = a
        self.given = None
        if a.given:
            with open(os.path.join(a.given, "task.json")) as f:
                meta = json.load(f)
            self.n, self.k = meta["n"], meta["k"]
            self.support = torch.tensor(sorted(meta["support"]))
            control = meta.get("control") or [j for j in range(self.n) if j not in meta["support"]][:self.k]
            self.control = torch.tensor(sorted(control))
            load = lambda name: np.load(os.path.join(a.given, name))
            self.held_x = torch.from_numpy(load("held_out_x.npy").astype(np.int8))
            self.held_y = torch.from_numpy(load("held_out_y.npy").astype(np.int8))
            self.given = (load("x.npy").astype(np.int8), load("y.npy").astype(np.int8))
            self.weights = [load(f"{p}.npy").astype(np.float64) for p in ("W1", "b1", "W2", "b2")]
            self.steps_available = self.given[0].shape[0]
            return
        self.n, self.k = a.n, a.k
        task = torch.Generator().manual_seed(1000003 * seed + 1)
        perm = torch.randperm(self.n, generator=task)
        self.support, self.control = perm[:self.k].sort().values, perm[self.k:2 * self.k].sort().values
        self.held_x = torch.randint(0, 2, (a.held_out, self.n), generator=task, dtype=torch.int8) * 2 - 1
        self.held_y = parity(self.held_x, self.support)
        self.data = torch.Generator().manual_seed(1000003 * seed + 2)
        self.labels = torch.Generator().manual_seed(1000003 * seed + 3)
        self.steps_available = a.max_steps

    def chunk(self, first, count):
        """The int8 batches of steps first .. first + count - 1: x [count, batch, n], y [count, batch]."""
        if self.given:
            return torch.from_numpy(self.given[0][first:first + count]), torch.from_numpy(self.given[1][first:first + count])
        x = torch.randint(0, 2, (count, self.a.batch, self.n), generator=self.data, dtype=torch.int8) * 2 - 1
        if self.a.random_labels:
            y = torch.randint(0, 2, (count, self.a.batch), generator=self.labels, dtype=torch.int8) * 2 - 1
        else:
            y = parity(x, self.support)
        return x, y


def build(a, task, seed, dtype):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(task.n, a.width, dtype=dtype), torch.nn.ReLU(),
                                torch.nn.Linear(a.width, 1, dtype=dtype))
    if task.given:
        with torch.no_grad():
            for p, w in zip((model[0].weight, model[0].bias, model[2].weight, model[2].bias), task.weights):
                if tuple(p.shape) != w.shape:
                    raise SystemExit(f"given weights have shape {w.shape}, the network needs {tuple(p.shape)}: check W1 is [width x n]")
                p.copy_(torch.from_numpy(w))
    return model


def hinge(out, y):
    return torch.relu(1 - y * out).mean()


def measures(model, w0, task):
    w = model[0].weight.detach()
    d = w - w0
    other = torch.ones(task.n, dtype=torch.bool)
    other[task.support] = False
    by_neuron = d[:, task.support].norm(dim=1)
    return {"linf_move": float(d.abs().max()), "l1_move": float(d.abs().sum()),
            "max_w_support": float(w[:, task.support].abs().max()), "max_w_other": float(w[:, other].abs().max()),
            "neuron_move_support": float(by_neuron.max()), "neuron_best_support": int(by_neuron.argmax()),
            "neuron_move_control": float(d[:, task.control].norm(dim=1).max())}


def run_seed(a, seed, dtype):
    task = Task(a, seed)
    model = build(a, task, seed, dtype)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    held_x, held_y = task.held_x.to(dtype), task.held_y.to(dtype)
    w0 = model[0].weight.detach().clone()
    saved = ([], []) if a.save else None
    if a.save:
        save_start(a.save, model, task)
    base = {"n": task.n, "k": task.k, "seed": seed, "width": a.width, "dtype": a.dtype, "threads": a.threads}

    def check(step):
        start = time.perf_counter()
        with torch.no_grad():
            out = model(held_x).squeeze(1)
            loss = float(hinge(out, held_y))
            accuracy = float((torch.sign(out) == held_y).to(torch.float64).mean())
        return loss, accuracy, time.perf_counter() - start

    if a.trace:
        loss, accuracy, _ = check(0)
        print(json.dumps({"type": "check", **base, "step": 0, "held_out_loss": loss, "held_out_accuracy": accuracy,
                          **measures(model, w0, task)}), flush=True)
    load_before = load1()
    step, train_s, check_s, checks, converged = 0, 0.0, 0.0, 0, False
    limit = min(a.max_steps, task.steps_available)
    while step < limit and not converged:
        count = min(a.check_every, limit - step)
        start = time.perf_counter()
        x8, y8 = task.chunk(step, count)
        x, y = x8.to(dtype), y8.to(dtype)
        for i in range(count):
            loss = hinge(model(x[i]).squeeze(1), y[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
        train_s += time.perf_counter() - start
        step += count
        if saved is not None:
            saved[0].append(x8.numpy().copy())
            saved[1].append(y8.numpy().copy())
        loss, accuracy, seconds = check(step)
        check_s += seconds
        checks += 1
        converged = accuracy == 1.0
        if a.trace or a.checks:
            line = {"type": "check", **base, "step": step, "held_out_loss": loss, "held_out_accuracy": accuracy}
            if a.trace:
                line.update(measures(model, w0, task))
            print(json.dumps(line), flush=True)
    if saved is not None:
        np.save(os.path.join(a.save, "x.npy"), np.concatenate(saved[0]))
        np.save(os.path.join(a.save, "y.npy"), np.concatenate(saved[1]))
    print(json.dumps({"type": "result", **base, "random_labels": a.random_labels, "given": bool(a.given),
                      "converged": converged, "steps": step if converged else None, "steps_run": step,
                      "solve_seconds": train_s + check_s, "step_seconds": train_s / max(step, 1),
                      "check_seconds": check_s / max(checks, 1), "checks": checks, "final_held_out_loss": loss,
                      "load_before": load_before, "load_after": load1()}), flush=True)


def save_start(folder, model, task):
    os.makedirs(folder, exist_ok=True)
    for name, p in zip(("W1", "b1", "W2", "b2"), (model[0].weight, model[0].bias, model[2].weight, model[2].bias)):
        np.save(os.path.join(folder, f"{name}.npy"), p.detach().to(torch.float64).numpy())
    np.save(os.path.join(folder, "held_out_x.npy"), task.held_x.numpy())
    np.save(os.path.join(folder, "held_out_y.npy"), task.held_y.numpy())
    with open(os.path.join(folder, "task.json"), "w") as f:
        json.dump({"n": task.n, "k": task.k, "support": task.support.tolist(), "control": task.control.tolist(),
                   "batch": task.a.batch, "lr": task.a.lr}, f)


def roundtrip(a, argv):
    """Run one seed saving its weights and batches, rerun from them, and compare every check line bit for bit."""
    folder = a.roundtrip
    drop = {"--roundtrip"}
    rest, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item in drop:
            skip = True
            continue
        rest.append(item)
    cmd = [sys.executable, os.path.abspath(__file__)] + rest + ["--seeds", str(a.seeds[0]), "--trace"]
    first = subprocess.run(cmd + ["--save", folder], capture_output=True, text=True, check=True).stdout
    second = subprocess.run(cmd + ["--given", folder], capture_output=True, text=True, check=True).stdout

    def lines(text):
        out = []
        for line in text.splitlines():
            d = json.loads(line)
            if d["type"] in ("setup", "blas"):
                continue
            out.append({key: v for key, v in d.items() if not key.endswith("seconds") and not key.startswith("load") and key != "given"})
        return out

    # The comparison must be able to fail: the output bias, which every output feels, moved above the loss's float32 resolution.
    perturbed = folder.rstrip("/") + "-perturbed"
    shutil.copytree(folder, perturbed, dirs_exist_ok=True)
    b2 = np.load(os.path.join(perturbed, "b2.npy"))
    b2[0] *= 1 + 2.0 ** -12
    np.save(os.path.join(perturbed, "b2.npy"), b2)
    third = subprocess.run(cmd + ["--given", perturbed], capture_output=True, text=True, check=True).stdout
    one, two = lines(first), lines(second)
    same = one == two and lines(third) != one
    print(json.dumps({"type": "roundtrip", "same": one == two, "perturbed_differs": lines(third) != one,
                      "lines": len(one), "checks": sum(d["type"] == "check" for d in one),
                      "final": one[-1], "folder_bytes": sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))}))
    if not same:
        for x, y in zip(one, two):
            if x != y:
                print(json.dumps({"first_difference": [x, y]}))
                break
    return 0 if same else 1


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=50)
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--seeds", type=int, nargs="+", default=[1])
    p.add_argument("--width", type=int, default=1000)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-steps", type=int, default=200000)
    p.add_argument("--check-every", type=int, default=100)
    p.add_argument("--held-out", type=int, default=8192)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--trace", action="store_true", help="the hidden-progress measures at step 0 and every check")
    p.add_argument("--checks", action="store_true", help="a line per check (held-out loss and accuracy only)")
    p.add_argument("--random-labels", action="store_true")
    p.add_argument("--given", help="folder of initial weights and batches to train from (see the docstring)")
    p.add_argument("--save", help="folder to write this run's initial weights and batches to (one seed)")
    p.add_argument("--roundtrip", help="folder: --save then --given, compare bit for bit")
    a = p.parse_args(argv)
    if a.roundtrip:
        return roundtrip(a, argv)
    if (a.save or a.given) and len(a.seeds) != 1:
        raise SystemExit("--save and --given take one seed: pass --seeds with one value")
    torch.set_num_threads(a.threads)
    if blas_info.openblas() is not None:
        blas_info.set_openblas_threads(a.threads)
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    env = {key: os.environ[key] for key in ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "OPENBLAS_CORETYPE",
                                            "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS") if key in os.environ}
    print(json.dumps({"type": "setup", "args": vars(a), "torch": torch.__version__, "numpy": np.__version__,
                      "env": env, "load": load1(), "cpus": os.cpu_count()}), flush=True)
    for seed in a.seeds:
        run_seed(a, seed, dtype)
    # The BLAS as loaded after the work ran (OpenBLAS picks its kernel at load, from the environment).
    print(json.dumps({"type": "blas", "blas": blas_info.openblas(), "build": blas_info.torch_build(torch)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
