using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ParityNet;

// The benchmark: the lesson's network (float64, full batch, no bias, seed 1) on cases a–d, ParityNet
// against our numpy implementation of the same formulas (bench/lesson_numpy.py), interleaved run by
// run so that machine drift cancels; then ONNX Runtime against the managed engine for inference (i),
// training beyond the lesson (t), the parity recipe against PyTorch with its floor (p), and small
// batches on wide inputs against PyTorch's same loop with their floor (m). --case picks sections
// (e.g. --case mp); --case s (epochs to solve), f (the measured peak alone) and r (Barak et al.'s regime; b is the lesson's case b) run only when asked.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
bool quick = args.Contains("--quick");
bool skipNumpy = args.Contains("--no-numpy");
int caseAt = Array.IndexOf(args, "--case");
string? onlyCase = caseAt >= 0 && caseAt + 1 < args.Length ? args[caseAt + 1] : null;
string numpyScript = Path.Combine(root, "bench", "lesson_numpy.py");
bool haveNumpy = !skipNumpy && NumpyRunner.Available();

var cases = new[]
{
    // Iterations make each timed numpy run last about a second; ParityNet's runs are short, so seven
    // runs (five for d) give a median that a disturbed run or two cannot move.
    new BenchCase("a", 4, 4, 60_000, 1.0, quick ? 2 : 7),
    new BenchCase("b", 8, 16, 20_000, 1.0, quick ? 2 : 7),
    new BenchCase("c", 12, 64, 300, 1.0, quick ? 2 : 7),
    new BenchCase("d", 16, 128, 16, 1.0, quick ? 2 : 5),
};

Console.WriteLine($"ParityNet benchmark at commit {BenchMachine.Commit(root)}, {BenchMachine.Cpu()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"ParityNet benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(haveNumpy ? "numpy found" : "numpy NOT found: apt-get install -y python3-numpy libopenblas0-pthread")}");
Console.WriteLine();
var selected = cases.Where(c => onlyCase is null || onlyCase.Contains(c.Name)).ToArray(); // --case abcditpm picks sections
if (selected.Length > 0)
{
    Console.WriteLine("| case | data × bits → hidden → 1 | iterations | ParityNet per iteration | dense GFLOP/s (counts work the engine does not do) | numpy per iteration, glibc as installed: median (min–max) | numpy, glibc keeping freed memory: median (min–max) | numpy / ParityNet (medians: installed, kept) | memory: ParityNet / lesson arrays |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
}
foreach (var c in selected)
{
    if (haveNumpy) SameComputation.Check(numpyScript, c); // fails the run unless both sides compute the same thing
    Measure(c, warmUp: true);
    var ours = new List<double>();
    var theirs = new List<double>();
    var kept = new List<double>();
    long allocated = 0;
    for (int r = 0; r < c.Runs; r++)
    {
        // Each side runs untimed for a second right before its timed run. After the other process has
        // run, a core measured up to 2× slower for a few hundred milliseconds (a few milliseconds of
        // warm-up did not help; a second did), so each side is measured only once it runs at speed.
        var warming = Stopwatch.StartNew();
        do Measure(c, warmUp: true); while (warming.Elapsed < BenchCase.WarmUp);
        var (seconds, bytes) = Measure(c, warmUp: false);
        ours.Add(seconds / c.Iterations);
        allocated = Math.Max(allocated, bytes);
        if (haveNumpy)
        {
            theirs.Add(NumpyRunner.Run(numpyScript, c, Allocator.AsInstalled));
            kept.Add(NumpyRunner.Run(numpyScript, c, Allocator.KeepFreed));
        }
        Console.Error.WriteLine($"  case {c.Name} run {r + 1}: ParityNet {Format(ours[^1])}{(haveNumpy ? $", numpy {Format(theirs[^1])}, numpy keeping freed memory {Format(kept[^1])}" : "")}");
    }
    double mine = Median(ours);
    string numpy = haveNumpy ? Spread(theirs) : "n/a";
    string numpyKept = haveNumpy ? Spread(kept) : "n/a";
    string ratio = haveNumpy ? $"{Median(theirs) / mine:0.0}×, {Median(kept) / mine:0.0}×" : "n/a";
    Console.WriteLine($"| {c.Name} | {c.Rows} × {c.Bits} → {c.Hidden} → 1 | {c.Iterations} | {Format(mine)} | {c.DenseFlops / mine / 1e9:0.00} | {numpy} | {numpyKept} | {ratio} | {allocated / 1048576.0:0.0} MiB / {c.LessonBytes / 1048576.0:0.0} MiB |");
}
if (selected.Length > 0 && haveNumpy) NumpyRunner.Blas.Print();

Console.WriteLine();
if (onlyCase is null || onlyCase.Contains('i')) InferenceBench.Run(quick); // --case i: inference only
Console.WriteLine();
if (onlyCase is null || onlyCase.Contains('t')) TrainingBench.Run(quick);   // --case t: beyond the lesson
if (onlyCase is null || onlyCase.Contains('p')) TorchBench.Run(root, quick); // --case p: the parity recipe in PyTorch, side by side
if (onlyCase is null || onlyCase.Contains('m')) SmallBatchBench.Run(root, quick); // --case m: small batches on wide inputs, and PyTorch's same loop
if (onlyCase is null || onlyCase.Contains('r')) // --case r: sparse parity, the same computation as PyTorch float64
    if (!SparseSameBench.Run(root, quick)) Environment.ExitCode = 1;
if (onlyCase is null || onlyCase.Contains('g')) BarakBench.Run(root, args, quick); // --case g: Barak et al.'s regime: a step, a check, their floors, time to solve by seed
if (onlyCase is null || onlyCase.Contains('w')) SparseSolveBench.Run(root, quick); // --case w: wall time to solve sparse parity, against PyTorch
if (onlyCase is null || onlyCase.Contains('h')) SecondCoreBench.Run(args, quick); // --case h: solves with the second core's share of the steps and without, A/B
if (onlyCase is not null && onlyCase.Contains('f')) Console.WriteLine($"The floors' {PeakProbe.Measured}."); // --case f: the machine's measured peak alone (p and m print it too)
if (onlyCase is not null && onlyCase.Contains('s')) SolveBench.Run(root, args); // --case s: epochs to solve on both sides (long: asked for only)

return 0;

static (double Seconds, long Bytes) Measure(BenchCase c, bool warmUp)
{
    var spec = new NetworkSpec { Bits = c.Bits, HiddenSizes = new[] { c.Hidden }, HasBias = false, Seed = 1 };
    var options = new TrainingOptions { Alpha = c.Alpha, Epochs = warmUp ? c.WarmUpIterations : c.Iterations, ReportInterval = TimeSpan.Zero };
    var network = ParityNetwork.Create(spec);
    GC.Collect();
    long before = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    var trained = Trainer.Train(network, options);
    clock.Stop();
    long bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
    if (trained.History!.EpochsRun != options.Epochs) throw new InvalidOperationException("the benchmark run stopped early");
    return (clock.Elapsed.TotalSeconds, bytes);
}

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string Spread(List<double> values) => $"{Format(Median(values))} ({Format(values.Min())}–{Format(values.Max())})";

static string Format(double seconds) => seconds switch
{
    < 1e-6 => $"{seconds * 1e9:0} ns",
    < 1e-3 => $"{seconds * 1e6:0.00} µs",
    < 1 => $"{seconds * 1e3:0.00} ms",
    _ => $"{seconds:0.00} s",
};

internal sealed record BenchCase(string Name, int Bits, int Hidden, int Iterations, double Alpha, int Runs)
{
    public long Rows => 1L << Bits;

    /// <summary>How long each side runs untimed right before each timed run.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>Iterations of one untimed warm-up run.</summary>
    public int WarmUpIterations => Math.Max(1, Iterations / 8);

    /// <summary>The lesson's algorithm counted as dense work: X·syn0 and Xᵀ·l1_delta (2·n·b·h each),
    /// l1·syn1, l2_delta·syn1ᵀ and l1ᵀ·l2_delta (2·n·h each).</summary>
    public double DenseFlops => 4.0 * Rows * Bits * Hidden + 6.0 * Rows * Hidden;

    /// <summary>The arrays the lesson's algorithm holds: X, y, l1, l1_delta, l2, l2_delta, syn0, syn1.</summary>
    public long LessonBytes => 8 * (Rows * Bits + Rows + 2 * Rows * Hidden + 2 * Rows + (long)Bits * Hidden + Hidden);
}

/// <summary>Before a lesson case is timed, ParityNet hands its initial weights to the numpy script; both train them
/// for the case's iterations from the same start (no warm-up), and the run fails unless their final losses agree
/// within <see cref="Tolerance"/> relative.</summary>
internal static class SameComputation
{
    public const double Tolerance = 1e-9;

    public static void Check(string script, BenchCase c)
    {
        var start = ParityNetwork.Create(new NetworkSpec { Bits = c.Bits, HiddenSizes = new[] { c.Hidden }, HasBias = false, Seed = 1 });
        double ours = Trainer.Train(start, new TrainingOptions { Alpha = c.Alpha, Epochs = c.Iterations, ReportInterval = TimeSpan.Zero }).History!.FinalLoss;
        string weights = Path.Combine(Path.GetTempPath(), $"paritynet-bench-{Environment.ProcessId}-{c.Name}.json");
        try
        {
            File.WriteAllText(weights, JsonSerializer.Serialize(new { syn0 = start.Weights[0].Values, syn1 = start.Weights[1].Values }));
            double theirs = NumpyRunner.FinalLoss(script, c, weights);
            double relative = Math.Abs(ours - theirs) / Math.Max(Math.Abs(theirs), double.Epsilon);
            Console.Error.WriteLine($"  case {c.Name} same computation: final loss ParityNet {ours:R}, numpy {theirs:R}, relative difference {relative:0.0e+0}");
            if (!(relative <= Tolerance))
                throw new InvalidOperationException($"case {c.Name}: ParityNet's final loss {ours:R} and numpy's {theirs:R} differ by {relative:0.0e+0} relative, more than {Tolerance:0e+0}: the two sides do not compute the same thing.");
        }
        finally
        {
            File.Delete(weights);
        }
    }
}

internal static class NumpyRunner
{
    /// <summary>The final loss of the numpy lesson trained from the weights in <paramref name="weightsFile"/>, no warm-up.</summary>
    public static double FinalLoss(string script, BenchCase c, string weightsFile) =>
        RunScript(script, c, Allocator.AsInstalled, "--weights", weightsFile).RootElement.GetProperty("final_loss").GetDouble();

    public static bool Available() => File.Exists(PythonProcess.Python) && PythonProcess.Run("-c", "import numpy").ExitCode == 0;

    /// <summary>Which BLAS the timed runs used, one line per setting.</summary>
    public static readonly BlasLines Blas = new();

    public static double Run(string script, BenchCase c, Allocator allocator)
    {
        using var json = RunScript(script, c, allocator, "--warmup-seconds", BenchCase.WarmUp.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        Blas.Add($"numpy {json.RootElement.GetProperty("numpy").GetString()}", allocator, json.RootElement);
        return json.RootElement.GetProperty("seconds_per_iteration").GetDouble();
    }

    // One run of the numpy lesson for a case, with extra arguments; its JSON line.
    private static JsonDocument RunScript(string script, BenchCase c, Allocator allocator, params string[] extra)
    {
        var (exit, output) = PythonProcess.Run(allocator, new[] { script, "--bits", c.Bits.ToString(), "--hidden", c.Hidden.ToString(), "--iterations", c.Iterations.ToString(), "--alpha", c.Alpha.ToString("R", CultureInfo.InvariantCulture) }.Concat(extra).ToArray());
        if (exit != 0) throw new InvalidOperationException($"numpy failed: {output}");
        return JsonDocument.Parse(output);
    }
}

internal static class InferenceBench
{
    public static void Run(bool quick)
    {
        var network = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 16, HiddenSizes = new[] { 128 }, Seed = 1 }),
            new TrainingOptions { Epochs = 5, ReportInterval = TimeSpan.Zero });
        var numbers = Enumerable.Range(0, 1 << 16).Select(i => (long)i).ToArray();
        var managed = new double[numbers.Length];
        var ort = new double[numbers.Length];
        string path = Path.Combine(Path.GetTempPath(), $"paritynet-bench-{Environment.ProcessId}.onnx");
        try
        {
            OnnxExporter.Export(network, path);
            using var predictor = OnnxPredictor.Open(path);
            var mine = new List<double>();
            var theirs = new List<double>();
            for (int r = 0; r < (quick ? 3 : 7); r++)
            {
                var clock = Stopwatch.StartNew();
                network.Predict(numbers, managed);
                mine.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                predictor.Predict(numbers, ort);
                theirs.Add(clock.Elapsed.TotalSeconds);
            }
            double maxDiff = managed.Zip(ort, (x, y) => Math.Abs(x - y)).Max();
            Console.WriteLine("| inference over 65 536 inputs, 16 → 128 → 1 | median time | per input |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| managed engine (float64) | {Fmt(Med(mine))} | {Fmt(Med(mine) / numbers.Length)} |");
            Console.WriteLine($"| ONNX Runtime (float32) | {Fmt(Med(theirs))} | {Fmt(Med(theirs) / numbers.Length)} |");
            Console.WriteLine($"| largest difference | {maxDiff:E2} | |");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double Med(List<double> v) { var s = v.OrderBy(x => x).ToArray(); return s[s.Length / 2]; }

    private static string Fmt(double seconds) => seconds < 1e-6 ? $"{seconds * 1e9:0} ns" : seconds < 1e-3 ? $"{seconds * 1e6:0.00} µs" : $"{seconds * 1e3:0.00} ms";
}

/// <summary>Training beyond the lesson's recipe: other optimizers, batch sizes, activations, depths and
/// a sampled wide input, in microseconds per epoch (median of runs). No numpy counterpart: these show
/// that the engine's other paths use the same fast kernels.</summary>
internal static class TrainingBench
{
    public static void Run(bool quick)
    {
        var cases = new (string Name, int Bits, int[] Hidden, Activation Activation, OptimizerKind Optimizer, int? Batch, int Epochs)[]
        {
            ("Adam, full batch", 8, new[] { 16 }, Activation.Sigmoid, OptimizerKind.Adam, 256, 300),
            ("Adam, full batch (the best parity recipe's shape)", 10, new[] { 128 }, Activation.ReLU, OptimizerKind.Adam, 1024, 50),
            ("Adam, batches of 32", 8, new[] { 16 }, Activation.Sigmoid, OptimizerKind.Adam, 32, 100),
            ("Sgd, batches of 32", 10, new[] { 64 }, Activation.ReLU, OptimizerKind.Sgd, 32, 30),
            ("gradient descent, two hidden layers", 10, new[] { 32, 16 }, Activation.Sigmoid, OptimizerKind.GradientDescent, null, 100),
            ("gradient descent, two hidden layers", 10, new[] { 32, 16 }, Activation.Tanh, OptimizerKind.GradientDescent, null, 100),
            ("gradient descent, 20 bits (samples of 4 096)", 20, new[] { 32 }, Activation.Sigmoid, OptimizerKind.GradientDescent, null, 30),
        };
        Console.WriteLine("| training beyond the lesson (biases on, seed 1) | network | per epoch |");
        Console.WriteLine("|---|---|---|");
        foreach (var c in cases)
        {
            var network = ParityNetwork.Create(new NetworkSpec { Bits = c.Bits, HiddenSizes = c.Hidden, HasBias = true, Activation = c.Activation, Seed = 1 });
            var options = new TrainingOptions { Optimizer = c.Optimizer, BatchSize = c.Batch, Epochs = c.Epochs, ReportInterval = TimeSpan.Zero };
            Trainer.Train(network, options);
            var times = new List<double>();
            for (int r = 0; r < (quick ? 2 : 5); r++)
            {
                var clock = Stopwatch.StartNew();
                Trainer.Train(network, options);
                times.Add(clock.Elapsed.TotalSeconds / c.Epochs);
            }
            times.Sort();
            Console.WriteLine($"| {c.Name} | {c.Bits}-{string.Join("-", c.Hidden)}-1 {c.Activation} | {times[times.Count / 2] * 1e6:0.0} µs |");
        }
    }
}

/// <summary>
/// The best parity recipe (128 ReLU units, He initialization, biases, cross-entropy, full-batch Adam 0.01) in ParityNet
/// and in PyTorch (bench/parity_torch.py: float64 on 2 threads with glibc as installed and keeping freed memory, on 1 thread
/// keeping it — on 2 cores PyTorch's and OpenBLAS's threads can contend, so one thread may be its fastest — and float32 on 2 threads
/// keeping it) from the same initial weights, at N = 12, 14 and 16: per-epoch time, its flatness across the run, and
/// the final losses of both float64 runs and ParityNet, which must agree within 1e-9 relative (the run fails
/// otherwise); beside ParityNet's time, the floor: the epoch's operations (<see cref="OperationCount.RecipeEpoch"/>)
/// over the machine's measured peak (<see cref="PeakProbe"/>). Skipped, saying so, without PyTorch.
/// </summary>
internal static class TorchBench
{
    public const double Tolerance = 1e-9;

    public static void Run(string root, bool quick)
    {
        string script = Path.Combine(root, "bench", "parity_torch.py");
        Console.WriteLine();
        if (!File.Exists(PythonProcess.Python) || PythonProcess.Run("-c", "import torch").ExitCode != 0)
        {
            Console.WriteLine("PyTorch side by side: skipped, PyTorch is not installed (apt-get install -y python3-torch).");
            return;
        }
        int epochs = quick ? 30 : 200;
        var peak = PeakProbe.Measured;
        var blas = new BlasLines();
        Console.WriteLine($"| parity recipe, N bits, {epochs} epochs from the same weights | ParityNet per epoch | floor (ops / measured peak) | ParityNet / floor | PyTorch float64, glibc as installed | ratio | PyTorch float64, glibc keeping freed memory | ratio | PyTorch float64, 1 PyTorch thread (OpenBLAS's own 2), keeping freed memory | ratio | PyTorch float32, keeping freed memory | ratio | last 100 / first 100 epochs: ParityNet, PyTorch float64 (kept) | final loss: ParityNet, PyTorch float64 (the three runs), largest relative difference |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var goals = new List<string>();
        foreach (int bits in new[] { 12, 14, 16 })
        {
            var start = Start(bits, seed: 1);
            var stamps = new List<double>();
            var trained = Trainer.Train(start, Options(bits, epochs) with { ReportInterval = TimeSpan.FromTicks(1) }, new EpochClock(stamps));
            var ours = stamps.Zip(stamps.Skip(1), (x, y) => y - x).ToList(); // epoch 2 on: the first holds the JIT and the set-up
            string weights = WriteWeights(start);
            try
            {
                var (installed, lossInstalled) = Torch(script, bits, epochs, "float64", weights, Allocator.AsInstalled, blas, 2);
                var (kept, lossKept) = Torch(script, bits, epochs, "float64", weights, Allocator.KeepFreed, blas, 2);
                var (one, lossOne) = Torch(script, bits, epochs, "float64", weights, Allocator.KeepFreed, blas, 1);
                var (f32, _) = Torch(script, bits, epochs, "float32", weights, Allocator.KeepFreed, blas, 2);
                double ourLoss = trained.History!.FinalLoss;
                double relative = Math.Max(Math.Max(Relative(ourLoss, lossInstalled), Relative(ourLoss, lossKept)), Relative(ourLoss, lossOne));
                double mine = Median(ours);
                double floor = OperationCount.RecipeEpoch(bits, 128) / peak.AllCores;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {bits} | {Format(mine)} | {Format(floor)} | {mine / floor:0.0}× | {Format(Median(installed))} | {Median(installed) / mine:0.0}× | {Format(Median(kept))} | {Median(kept) / mine:0.0}× | {Format(Median(one))} | {Median(one) / mine:0.0}× | {Format(Median(f32))} | {Median(f32) / mine:0.0}× | {Flat(ours):0.00}, {Flat(kept):0.00} | {ourLoss:0.000000000000}, {lossInstalled:0.000000000000}, {lossKept:0.000000000000}, {lossOne:0.000000000000}, {relative:0.0e+0} |"));
                double fastest = Math.Min(Median(kept), Median(one));
                goals.Add(string.Create(CultureInfo.InvariantCulture, $"N = {bits}: {Format(mine)}, {fastest / mine:0.0}× PyTorch float64's fastest setting here ({(Median(one) < Median(kept) ? "1 PyTorch thread, OpenBLAS's own 2" : "2 threads")}, keeping freed memory)"));
                if (!(relative <= Tolerance))
                    throw new InvalidOperationException($"N = {bits}: ParityNet's final loss {ourLoss:R} and float64 PyTorch's {lossInstalled:R} / {lossKept:R} differ by {relative:0.0e+0} relative, more than {Tolerance:0e+0}: the two sides do not compute the same thing.");
            }
            finally
            {
                File.Delete(weights);
            }
        }
        Console.WriteLine($"Floor: the epoch's operations / the {peak}. Operations {OperationCount.RecipeFormula}: at N = 12, 14, 16 {string.Join(", ", new[] { 12, 14, 16 }.Select(n => $"{OperationCount.RecipeEpoch(n, 128) / 1e6:0.0} M"))}. ParityNet's recipe path uses Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "(accelerated here)" : "where accelerated (not here: Vector256)")}.");
        Console.WriteLine($"Issue 22's goal at 16 bits: at most 2.4 ms an epoch and at least 25× PyTorch float64 in its fast setting. {string.Join("; ", goals)}.");
        Console.WriteLine($"Keeping freed memory: {PythonProcess.Describe(Allocator.KeepFreed)} (glibc's tunables, and OpenBLAS choosing its kernel; the arithmetic agrees to rounding, the final losses show it).");
        blas.Print();
    }

    internal static double Relative(double ours, double theirs) => Math.Abs(ours - theirs) / Math.Max(Math.Abs(theirs), double.Epsilon);

    /// <summary>The recipe's untrained network for <paramref name="bits"/> and <paramref name="seed"/>.</summary>
    public static ParityNetwork Start(int bits, long seed) => ParityNetwork.Create(new NetworkSpec
    {
        Bits = bits, HiddenSizes = new[] { 128 }, Activation = Activation.ReLU, Initialization = Initialization.He, Task = ParityTask.BitParity, Seed = seed,
    });

    /// <summary>The recipe's training: full-batch Adam 0.01 on cross-entropy.</summary>
    public static TrainingOptions Options(int bits, int epochs) => new()
    {
        Optimizer = OptimizerKind.Adam, Alpha = 0.01, Loss = LossFunction.CrossEntropy, Epochs = epochs, BatchSize = 1 << bits, ReportInterval = TimeSpan.Zero,
    };

    /// <summary>The network's weights as bench/parity_torch.py reads them (--weights), in a temporary file the caller deletes.</summary>
    public static string WriteWeights(ParityNetwork network)
    {
        string path = Path.Combine(Path.GetTempPath(), $"paritynet-torch-{Environment.ProcessId}-{network.Bits}-{network.Seed}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            w0 = network.Weights[0].Values, b0 = network.Biases[0], w1 = network.Weights[1].Values, b1 = network.Biases[1],
        }));
        return path;
    }

    // Mean of the last `most` epochs over the mean of the first `most` (of those measured; half of them if fewer).
    internal static double Flat(List<double> perEpoch, int most = 100)
    {
        int k = Math.Min(most, perEpoch.Count / 2);
        return perEpoch.TakeLast(k).Average() / perEpoch.Take(k).Average();
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    internal static string Format(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:0.00} ms" : $"{seconds * 1e6:0.0} µs";

    private static (List<double> Seconds, double FinalLoss) Torch(string script, int bits, int epochs, string dtype, string weights, Allocator allocator, BlasLines blas, int threads)
    {
        var (exit, output) = PythonProcess.Run(allocator, script, "--bits", bits.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
            "--dtype", dtype, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--weights", weights);
        if (exit != 0) throw new InvalidOperationException($"PyTorch failed: {output}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        blas.Add($"PyTorch {json.RootElement.GetProperty("torch").GetString()}, {threads} PyTorch thread{(threads == 1 ? "" : "s")}", allocator, json.RootElement);
        var seconds = json.RootElement.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).Skip(1).ToList();
        return (seconds, json.RootElement.GetProperty("final_loss").GetDouble());
    }

    /// <summary>The time of each epoch's end, from a progress reported every epoch (ReportInterval of one tick).</summary>
    internal sealed class EpochClock(List<double> stamps) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => stamps.Add(value.Elapsed.TotalSeconds);
    }
}

/// <summary>How the python side runs: as installed, or in its fast setting, with glibc keeping freed memory for reuse
/// and OpenBLAS choosing its own kernel for the processor.</summary>
internal enum Allocator
{
    /// <summary>glibc's defaults: a block over the mmap threshold (at most 32 MiB) is mapped from the system when
    /// allocated and returned when freed, so an array of 64 MiB costs fresh page faults every time it is made.
    /// OpenBLAS's settings are whatever the caller's environment holds.</summary>
    AsInstalled,
    /// <summary>glibc told, through its documented environment tunables, to keep freed memory:
    /// <see cref="PythonProcess.KeepFreedMemory"/>. numpy and PyTorch then reuse their big arrays' pages. And no
    /// <see cref="PythonProcess.OpenBlasOverrides"/>: OpenBLAS picks its kernel and cache size for this processor.</summary>
    KeepFreed,
}

/// <summary>Debian's python3 run with arguments: its exit code, and its standard output (standard error when it failed).</summary>
internal static class PythonProcess
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The environment that makes glibc keep freed memory: no mmap for big blocks, and no trimming of the heap.</summary>
    public static readonly (string Name, string Value)[] KeepFreedMemory =
    [
        ("MALLOC_MMAP_MAX_", "0"),
        ("MALLOC_TRIM_THRESHOLD_", "17179869184"),
    ];

    /// <summary>OpenBLAS's overrides of its own choice of kernel and of the cache size it blocks for. A caller may have
    /// set them for reasons of its own; the fast setting removes them, so that OpenBLAS picks the kernel it would pick
    /// for this processor.</summary>
    public static readonly string[] OpenBlasOverrides = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    public static string Describe(Allocator allocator)
    {
        if (allocator == Allocator.KeepFreed)
            return string.Join(" ", KeepFreedMemory.Select(e => $"{e.Name}={e.Value}")) + $", no {string.Join(" or ", OpenBlasOverrides)}";
        var set = OpenBlasOverrides.Select(n => (Name: n, Value: Environment.GetEnvironmentVariable(n))).Where(e => !string.IsNullOrEmpty(e.Value)).ToArray();
        return "glibc as installed, OpenBLAS as the caller's environment sets it (" + (set.Length == 0 ? "no overrides" : string.Join(" ", set.Select(e => $"{e.Name}={e.Value}"))) + ")";
    }

    public static (int ExitCode, string Output) Run(params string[] arguments) => Run(Allocator.AsInstalled, arguments);

    public static (int ExitCode, string Output) Run(Allocator allocator, params string[] arguments)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // Whatever the calling shell set for glibc's allocator goes: each mode is exactly what it says.
        foreach (string name in new[] { "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX" }.Concat(KeepFreedMemory.Select(e => e.Name)))
            info.Environment.Remove(name);
        // The fast setting also lets OpenBLAS choose for itself; as installed keeps whatever the caller set for it.
        if (allocator == Allocator.KeepFreed)
        {
            foreach (var (name, value) in KeepFreedMemory) info.Environment[name] = value;
            foreach (string name in OpenBlasOverrides) info.Environment.Remove(name);
        }
        using var p = Process.Start(info)!;
        var error = p.StandardError.ReadToEndAsync(); // both pipes at once: a full one must not stall the other
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, p.ExitCode == 0 ? output : error.Result);
    }
}
