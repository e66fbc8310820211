using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ParityNet;

/// <summary>
/// Issue 28, item 6 (--case w): the wall time to solve (n, 3)-sparse parity in Barak et al.'s regime (50-1000-1 for
/// n = 50; the recipe of <see cref="SparseSameBench.Regime"/>), held-out checks included, median over seeds, ParityNet
/// against bench/sparse_parity_torch.py in four settings (float32 and float64, one and two threads, glibc keeping
/// freed memory, OpenBLAS choosing its kernel), in the same run. Both sides draw their own supports and batches from
/// their seeds (the same computation is <c>--case r</c>'s business), so the steps to solve differ seed by seed and
/// the medians over the same number of seeds are compared. The last column bounds the ratio: PyTorch's time a step over the
/// step's stream floor in float64 (<see cref="BarakBench"/>).
/// </summary>
internal static class SparseSolveBench
{
    private sealed record Solve(long Seed, long Steps, double Seconds, bool Converged);

    public static void Run(string root, bool quick)
    {
        Console.WriteLine();
        var seeds = quick ? new long[] { 1, 2, 3 } : new long[] { 1, 2, 3, 4, 5 };
        bool haveTorch = File.Exists(PythonProcess.Python) && PythonProcess.Run("-c", "import torch").ExitCode == 0;
        string script = Path.Combine(root, "bench", "sparse_parity_torch.py");
        double stream = LoadAddStream.Measured;
        Console.WriteLine("| wall time to solve (n, 3), median over seeds (steps) | ParityNet float64 | ParityNet, steps on one thread | PyTorch float32, 1 thread | float32, 2 threads | float64, 1 thread | float64, 2 threads | fastest PyTorch / ParityNet (steps on one thread) | the most a float64 step at its stream floor allows: on one core, on two |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int n in new[] { 50, 100 })
        {
            // Each seed on one thread, then with the second core, one after the other: the machine's speed moves from minute to minute.
            List<Solve>? ours = null, oneThread = null;
            if (n <= EngineLimits.MaxBits)
            {
                ours = new();
                oneThread = new();
                foreach (long s in seeds)
                {
                    oneThread.Add(Ours(n, s, secondThread: false));
                    ours.Add(Ours(n, s, secondThread: true));
                }
            }
            foreach (var o in ours ?? new()) Console.Error.WriteLine($"  solve ({n}, 3) seed {o.Seed}: ParityNet {o.Steps} steps, {o.Seconds:0.000} s{(o.Converged ? "" : " (not converged)")}");
            foreach (var o in oneThread ?? new()) Console.Error.WriteLine($"  solve ({n}, 3) seed {o.Seed}: ParityNet, steps on one thread, {o.Steps} steps, {o.Seconds:0.000} s");
            var torch = new List<List<Solve>>();
            if (haveTorch)
                foreach (var (dtype, threads) in new[] { ("float32", 1), ("float32", 2), ("float64", 1), ("float64", 2) })
                {
                    var args = new List<string> { script, "--n", n.ToString(CultureInfo.InvariantCulture), "--k", "3", "--dtype", dtype, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--seeds" };
                    args.AddRange(seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)));
                    var (code, output) = PythonProcess.Run(Allocator.KeepFreed, args.ToArray());
                    if (code != 0) throw new InvalidOperationException($"{script} failed: {output}");
                    var runs = new List<Solve>();
                    foreach (string line in output.Split('\n'))
                    {
                        if (!line.StartsWith('{')) continue;
                        using var doc = JsonDocument.Parse(line);
                        var r = doc.RootElement;
                        if (r.GetProperty("type").GetString() != "result") continue;
                        runs.Add(new Solve(r.GetProperty("seed").GetInt64(), r.GetProperty("steps").GetInt64(), r.GetProperty("solve_seconds").GetDouble(), r.GetProperty("converged").GetBoolean()));
                    }
                    Console.Error.WriteLine($"  solve ({n}, 3) PyTorch {dtype} {threads} thread(s): {string.Join(", ", runs.Select(r => $"seed {r.Seed} {r.Steps} steps {r.Seconds:0.000} s"))}");
                    torch.Add(runs);
                }
            string Cell(List<Solve>? runs) => runs is null ? "n/a" :
                $"{TorchBench.Format(TorchBench.Median(runs.Select(r => r.Seconds).ToList()))} ({TorchBench.Median(runs.Select(r => (double)r.Steps).ToList()):N0}){(runs.All(r => r.Converged) ? "" : $", {runs.Count(r => !r.Converged)} not converged")}";
            double? mine = ours is null ? null : TorchBench.Median(ours.Select(r => r.Seconds).ToList());
            double? fastest = torch.Count == 0 ? null : torch.Min(t => TorchBench.Median(t.Select(r => r.Seconds).ToList()));
            double? single = oneThread is null ? null : TorchBench.Median(oneThread.Select(r => r.Seconds).ToList());
            string ratio = mine is double m && fastest is double f ? $"{f / m:0.0}× ({f / single!.Value:0.0}×)" : ours is null ? $"n/a: ParityNet's inputs are at most {EngineLimits.MaxBits} bits" : "n/a: PyTorch is not installed";
            // The bound on that ratio: PyTorch's fastest time a step (checks included) over the step's stream floor (BarakBench):
            // its 32·(n/2)·1000·(1 + 1/8) additions of a loaded value at the measured stream rate, with no check and nothing else.
            double floor = 32 * (n / 2.0) * 1000 * (1 + 1.0 / 8) / stream;
            var best = torch.Count == 0 ? null : torch.MinBy(t => TorchBench.Median(t.Select(r => r.Seconds).ToList()));
            string bound = best is null ? "n/a" : string.Create(CultureInfo.InvariantCulture,
                $"{TorchBench.Median(best.Select(r => r.Seconds).ToList()) / TorchBench.Median(best.Select(r => (double)r.Steps).ToList()) / floor:0.0}× ({TorchBench.Format(floor)} a step), {2 * TorchBench.Median(best.Select(r => r.Seconds).ToList()) / TorchBench.Median(best.Select(r => (double)r.Steps).ToList()) / floor:0.0}×");
            Console.WriteLine($"| ({n}, 3) | {(ours is null ? $"not possible ({EngineLimits.MaxBits}-bit inputs)" : Cell(ours))} | {Cell(oneThread)} | {string.Join(" | ", Enumerable.Range(0, 4).Select(i => i < torch.Count ? Cell(torch[i]) : "n/a"))} | {ratio} | {bound} |");
        }
        Console.WriteLine($"Seeds {string.Join(", ", seeds)} on each side, each drawing its own support and batches; solve time = the training steps and the held-out checks (8192 integers every 100 steps) up to the first 100 % check, setup outside it. " +
            $"PyTorch with {PythonProcess.Describe(Allocator.KeepFreed)}; ParityNet on the same machine, one process: its held-out check runs ahead on the second core, which, when free, also takes blocks of units of each step (SecondThread; the same bits); 'steps on one thread' switches that sharing off, each seed run both ways one after the other. " +
            $"The most a float64 step allows: PyTorch's fastest median time over its median steps (its seconds a step, checks included) over the step's stream floor, the 32·(n/2)·1000 additions of a loaded weight (the forward's sums) and an eighth as many for the first layer's gradient as counts of signs (bytes, 64 to an add) at {stream / 1e9:0.0} G additions/s measured on one core, or on two cores at twice that rate: the ratio ParityNet would reach if a step took only that and checks were free.");
    }

    private static Solve Ours(int bits, long seed, bool secondThread)
    {
        SecondThread.Enabled = secondThread;
        try
        {
            var (net, options) = SparseSameBench.Regime(bits, seed);
            options = options with { Epochs = 2000 }; // the issue's cap: 200 000 steps
            Trainer.Train(net, options with { Epochs = 2 }); // warm up the JIT and the caches
            var clock = Stopwatch.StartNew();
            var trained = Trainer.Train(net, options);
            double seconds = clock.Elapsed.TotalSeconds;
            var h = trained.History!;
            return new Solve(seed, h.StepsRun ?? 0, seconds, h.StopReason == StopReason.TargetReached);
        }
        finally
        {
            SecondThread.Enabled = true;
        }
    }
}
