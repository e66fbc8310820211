using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using ParityNet;

/// <summary>
/// Barak et al.'s regime (issue 28 item 6, <c>--case g</c>): (n, 3) sparse parity on ±1 inputs, n-1000-1 ReLU, PyTorch's
/// initialization, hinge loss, Sgd 0.1 in batches of 32, a check on 8,192 held-out numbers every 100 steps. Three things:
/// a step's time in the trainer (epochs of 1000 steps) and a check's (the trainer's check pass on its held-out numbers, on
/// one thread as it runs beside training, and on both); the floors of each (operations over one core's measured peak, and the
/// step's additions of loaded rows over the measured rate of such a stream); and the wall time to solve (every check right)
/// for each seed, checks included, with the median, against bench/sparse_parity_torch.py in PyTorch's fastest setting here
/// (float32, one thread, glibc keeping freed memory), whose seeds draw their own supports and weights, so each side's
/// median over the same seeds is compared. Options: <c>--barak-bits 50,100</c>, <c>--barak-seeds 1,2,3,4,5</c>; --quick
/// times fewer epochs. Past 62 bits the engine reads each input in chunks of 62 bits (the fused ReLU path and the check by
/// sums in groups take chunked rows as they take narrow ones).
/// </summary>
internal static class BarakBench
{
    private const int Hidden = 1000, Batch = 32, HeldOut = 8192, CheckEvery = 100;

    public static void Run(string root, string[] args, bool quick)
    {
        int[] bitsList = Ints(args, "--barak-bits", "50,100");
        int[] seeds = Ints(args, "--barak-seeds", "1,2,3,4,5");
        var peak = PeakProbe.Measured;
        double stream = LoadAddStream.Measured;
        int supported = bitsList.FirstOrDefault(b => b <= EngineLimits.MaxBits, 50);
        Trainer.Train(Start(supported, 1), Options(CheckEvery, 3)); // compile before anything is timed

        Console.WriteLine();
        Console.WriteLine($"| Barak et al.'s regime: n-{Hidden}-1 ReLU, ±1 inputs, hinge, Sgd 0.1, batches of {Batch} | per step: with the second core, on one thread | per check ({HeldOut:N0} held out): one thread, both | 100 steps and their check: with the second core, on one thread | step on one thread / one-core floor | step on one thread / stream floor | check (one thread) / one-core floor: sums in order, in groups |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int bits in bitsList.Where(b => b <= EngineLimits.MaxBits))
        {
            var start = Start(bits, 1);
            double step = MedianEpoch(start, 1000, quick ? 4 : 12) / 1000;
            double interval = MedianEpoch(start, CheckEvery, quick ? 20 : 60);
            SecondThread.Enabled = false; // the steps on one thread; the check still runs ahead on the other
            double stepOne = MedianEpoch(start, 1000, quick ? 4 : 12) / 1000;
            double intervalOne = MedianEpoch(start, CheckEvery, quick ? 20 : 60);
            SecondThread.Enabled = true;
            var (oneThread, bothThreads) = CheckTimes(start, quick ? 9 : 25);
            double s = bits / 2.0; // mean set bits of uniform numbers
            double stepOps = OperationCount.SmallBatchStep(bits, Hidden, Batch, s, 0);
            // The forward sums, a loaded weight added each, and the first layer's gradient as counts of signs (SignCounts): bytes,
            // 64 to a 512-bit add, counted as the eighth of as many double additions that one add of 64 bytes is.
            double streamOps = Batch * s * Hidden * (1 + 1.0 / 8);
            double checkOps = HeldOut * OperationCount.WideMeasuredRow(s, Hidden);
            double groupedOps = HeldOut * OperationCount.GroupedMeasuredRow(bits, Hidden) + OperationCount.GroupedTables(bits, Hidden, HeldOut);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| n = {bits} | {TorchBench.Format(step)}, {TorchBench.Format(stepOne)} | {TorchBench.Format(oneThread)}, {TorchBench.Format(bothThreads)} | {TorchBench.Format(interval)} ({TorchBench.Format(interval / CheckEvery)} a step), {TorchBench.Format(intervalOne)} ({TorchBench.Format(intervalOne / CheckEvery)} a step) | {stepOne / (stepOps / peak.OneCore):0.0}× ({TorchBench.Format(stepOps / peak.OneCore)}) | {stepOne / (streamOps / stream):0.0}× ({TorchBench.Format(streamOps / stream)}) | {oneThread / (checkOps / peak.OneCore):0.0}× ({TorchBench.Format(checkOps / peak.OneCore)}), {oneThread / (groupedOps / peak.OneCore):0.0}× ({TorchBench.Format(groupedOps / peak.OneCore)}) |"));
        }
        foreach (int bits in bitsList.Where(b => b > EngineLimits.MaxBits))
            Console.WriteLine($"| n = {bits} | not run: the engine's inputs are at most {EngineLimits.MaxBits} bits | | | | | |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per step: the median epoch of 1000 steps / 1000 (its check runs ahead, on the other core, which when free also takes blocks of units of each step: SecondThread, the same bits; 'on one thread' switches that sharing off). Per check: the trainer's check pass, median of runs, on one thread as it runs beside training and on both. 100 steps and their check: the median epoch of CheckEvery {CheckEvery}. Floors: on one core's {peak}; a step (2s + 9)·m a row as the small-batch floor counts it (forward s·m sums of weight rows, m bias, m ReLU, 2m the output's dot; backward 2m the delta sent back, 2m the output weights' gradient, s·m the first layer's gradient, m its bias), s = n/2, 32 rows + 4 × parameters (Sgd); its stream floor: the 32·s·m additions of a loaded weight value (the forward's sums) and the first layer's gradient as counts of signs under the hinge loss (bytes, 64 to an add: 32·s·m/8 more, counted in double additions of the same width; until a9099d8 it was 32·s·m double additions of the deltas sent back) over the measured rate of such a stream from the first-level cache, {stream / 1e9:0.0} G additions/s on one core (eight chains of {(Vector512.IsHardwareAccelerated ? "512" : "256")}-bit loads and adds, best of {LoadAddStream.Runs}); a check in order (s + 4)·m a row, in groups {OperationCount.GroupedFormula}."));

        Console.WriteLine();
        bool haveTorch = File.Exists(PythonProcess.Python) && PythonProcess.Run("-c", "import torch").ExitCode == 0;
        string script = Path.Combine(root, "bench", "sparse_parity_torch.py");
        Console.WriteLine("| time to solve (every held-out check right), checks included | seed | ParityNet: steps | ParityNet: wall | PyTorch float32, 1 thread, keeping freed memory: steps | PyTorch: wall |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int bits in bitsList.Where(b => b <= EngineLimits.MaxBits))
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            foreach (int seed in seeds)
            {
                var startNet = Start(bits, seed);
                var clock = Stopwatch.StartNew();
                var history = Trainer.Train(startNet, Options(CheckEvery, 200_000 / CheckEvery) with { TargetAccuracy = 1 }).History!;
                double wall = clock.Elapsed.TotalSeconds;
                ours.Add(wall);
                string steps = history.StopReason == StopReason.TargetReached ? history.StepsRun!.Value.ToString("N0", CultureInfo.InvariantCulture) : $"not solved ({history.FinalAccuracy:P2})";
                string torchSteps = "n/a", torchWall = "n/a";
                if (haveTorch)
                {
                    var (solved, torchSeconds) = Torch(script, bits, seed);
                    theirs.Add(torchSeconds);
                    torchSteps = solved is int t ? t.ToString("N0", CultureInfo.InvariantCulture) : "not solved";
                    torchWall = string.Create(CultureInfo.InvariantCulture, $"{torchSeconds:0.000} s");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ({bits}, 3) | {seed} | {steps} | {wall:0.000} s | {torchSteps} | {torchWall} |"));
            }
            string ratio = theirs.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{TorchBench.Median(theirs):0.000} s; PyTorch / ParityNet {TorchBench.Median(theirs) / TorchBench.Median(ours):0.0}×") : "PyTorch not installed";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ({bits}, 3) | median of {seeds.Length} | | {TorchBench.Median(ours):0.000} s | | {ratio} |"));
        }
        Console.WriteLine($"Load average before the solves and after: {File.ReadAllText("/proc/loadavg").Trim()} (this machine is shared; its speed moves by up to 2× from minute to minute). Each side draws its supports and initial weights from its own seeds: the medians over the same seeds are compared.");
    }

    // The median time of an epoch (CheckEvery steps, then a check) over `epochs` epochs, the first left out.
    private static double MedianEpoch(ParityNetwork start, int checkEvery, int epochs)
    {
        var stamps = new List<double>();
        Trainer.Train(start, Options(checkEvery, epochs + 1) with { ReportInterval = TimeSpan.FromTicks(1) }, new TorchBench.EpochClock(stamps));
        return TorchBench.Median(stamps.Zip(stamps.Skip(1), (x, y) => y - x).ToList());
    }

    // The trainer's check, as it makes it: its held-out numbers, the first layer folded, its own pass; medians of `runs` runs on one
    // thread (its groups one after the other, as beside training) and on both.
    private static (double OneThread, double BothThreads) CheckTimes(ParityNetwork start, int runs)
    {
        int bits = start.Bits;
        var set = new TrainingSet(bits, Batch * CheckEvery, HeldOut, start.Seed);
        var pass = new GradientPass(start, LossFunction.Hinge, HeldOut);
        var weights = new[] { new double[bits * Hidden], start.Weights[1].AsSpan().ToArray() };
        var biases = new[] { new double[Hidden], start.Biases[1].ToArray() };
        SignedInputs.Fold(start.Weights[0].AsSpan(), start.Biases[0], bits, Hidden, weights[0], biases[0]);
        double Time(bool parallel)
        {
            var times = new List<double>();
            for (int r = 0; r <= runs; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                pass.Run(set.EvalNumbers, 0, HeldOut, weights, biases, parallel: parallel);
                if (r > 0) times.Add((Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency);
            }
            return TorchBench.Median(times);
        }
        return (Time(parallel: false), Time(parallel: true));
    }

    private static (int? SolvedStep, double Seconds) Torch(string script, int bits, int seed)
    {
        var c = CultureInfo.InvariantCulture;
        var (exit, output) = PythonProcess.Run(Allocator.KeepFreed, script, "--n", bits.ToString(c), "--k", "3", "--seeds", seed.ToString(c),
            "--dtype", "float32", "--threads", "1");
        if (exit != 0) throw new InvalidOperationException($"PyTorch failed: {output}");
        foreach (string line in output.Split('\n'))
        {
            if (!line.StartsWith('{')) continue;
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("type").GetString() != "result") continue;
            bool converged = json.RootElement.GetProperty("converged").GetBoolean();
            return (converged ? json.RootElement.GetProperty("steps").GetInt32() : null, json.RootElement.GetProperty("solve_seconds").GetDouble());
        }
        throw new InvalidOperationException($"PyTorch printed no result: {output}");
    }

    /// <summary>The regime's untrained network: n-1000-1 ReLU, (n, 3) sparse parity, ±1 inputs, PyTorch's initialization.</summary>
    public static ParityNetwork Start(int bits, long seed) => ParityNetwork.Create(new NetworkSpec
    {
        Bits = bits, HiddenSizes = new[] { Hidden }, Task = ParityTask.SparseParity, Relevant = 3, Seed = seed,
        Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true,
    });

    public static TrainingOptions Options(int checkEvery, int epochs) => new()
    {
        Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = Batch, CheckEvery = checkEvery,
        HeldOutSize = HeldOut, Epochs = epochs, ReportInterval = TimeSpan.Zero,
    };

    private static int[] Ints(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        string text = at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        return text.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
    }
}

/// <summary>
/// The rate at which one core adds values it loads from the first-level cache — what the engine's bit kernels do: every sum of
/// weight rows, and every gradient row, adds a loaded row. Eight independent chains of vector adds, each adding a vector loaded
/// from a 12.8 KiB buffer; the best of a few runs of about 0.2 s (another process can only lower it). Beside the peak of adds and
/// multiplies on registers (<see cref="PeakProbe"/>), it says how much of that peak a loaded stream of additions can reach here.
/// </summary>
internal static class LoadAddStream
{
    public const int Runs = 5;
    private static double? _measured;

    /// <summary>Additions a second (each of one double), measured the first time it is asked for.</summary>
    public static double Measured => _measured ??= Measure();

    private static double Measure()
    {
        var buffer = new double[25 * 64];
        int lanes = Vector512.IsHardwareAccelerated ? 8 : 4;
        Func<long, double> chains = Vector512.IsHardwareAccelerated ? n => Chains512(buffer, n) : n => Chains256(buffer, n);
        chains(100);
        var clock = Stopwatch.StartNew();
        chains(20_000);
        long reps = Math.Max(1000, (long)(20_000 * 0.2 / clock.Elapsed.TotalSeconds));
        double best = 0;
        for (int r = 0; r < Runs; r++)
        {
            clock.Restart();
            if (!double.IsFinite(chains(reps))) throw new InvalidOperationException("the load-and-add stream left the finite numbers");
            best = Math.Max(best, reps * 200.0 * lanes / clock.Elapsed.TotalSeconds); // 200 vector additions a repetition
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains512(double[] buffer, long reps)
    {
        ref double b = ref MemoryMarshal.GetArrayDataReference(buffer);
        Vector512<double> s0 = Vector512<double>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (long r = 0; r < reps; r++)
            for (int k = 0; k < 25; k++)
            {
                ref double x = ref Unsafe.Add(ref b, k * 64);
                s0 += Vector512.LoadUnsafe(ref x); s1 += Vector512.LoadUnsafe(ref x, 8);
                s2 += Vector512.LoadUnsafe(ref x, 16); s3 += Vector512.LoadUnsafe(ref x, 24);
                s4 += Vector512.LoadUnsafe(ref x, 32); s5 += Vector512.LoadUnsafe(ref x, 40);
                s6 += Vector512.LoadUnsafe(ref x, 48); s7 += Vector512.LoadUnsafe(ref x, 56);
            }
        return Vector512.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains256(double[] buffer, long reps)
    {
        ref double b = ref MemoryMarshal.GetArrayDataReference(buffer);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (long r = 0; r < reps; r++)
            for (int k = 0; k < 25; k++)
            {
                ref double x = ref Unsafe.Add(ref b, k * 64);
                s0 += Vector256.LoadUnsafe(ref x); s1 += Vector256.LoadUnsafe(ref x, 4);
                s2 += Vector256.LoadUnsafe(ref x, 8); s3 += Vector256.LoadUnsafe(ref x, 12);
                s4 += Vector256.LoadUnsafe(ref x, 16); s5 += Vector256.LoadUnsafe(ref x, 20);
                s6 += Vector256.LoadUnsafe(ref x, 24); s7 += Vector256.LoadUnsafe(ref x, 28);
            }
        return Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }
}
