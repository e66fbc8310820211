using System.Diagnostics;
using System.Globalization;
using ParityNet;

/// <summary>
/// Barak et al.'s regime (issue 28 item 6, <c>--case r</c>): (n, 3) sparse parity on ±1 inputs, n-1000-1 ReLU, PyTorch's
/// initialization, hinge loss, Sgd 0.1 in batches of 32, a check on 8,192 held-out numbers every 100 steps. Three figures:
/// a step's time and a check's, each from the trainer itself (epochs of 1 step and of 1000 steps, each with its check:
/// e₁ = step + check, e₁₀₀₀ = 1000·step + check, medians of many epochs); and the wall time to solve (every check right)
/// for each seed, checks included, and its median. Then the floor of a step and of a check: their operations
/// (<see cref="OperationCount"/>) over one core's measured peak. Options: <c>--barak-bits 50,100</c>,
/// <c>--barak-seeds 1,2,3,4,5</c>; with --quick fewer epochs are timed.
/// </summary>
internal static class BarakBench
{
    private const int Hidden = 1000, Batch = 32, HeldOut = 8192, CheckEvery = 100;

    public static void Run(string root, string[] args, bool quick)
    {
        int[] bitsList = Ints(args, "--barak-bits", "50,100");
        int[] seeds = Ints(args, "--barak-seeds", "1,2,3,4,5");
        var peak = PeakProbe.Measured;
        Trainer.Train(Start(bitsList[0], 1), Options(CheckEvery, 3)); // compile before anything is timed

        Console.WriteLine();
        Console.WriteLine($"| Barak et al.'s regime: n-{Hidden}-1 ReLU, ±1 inputs, hinge, Sgd 0.1, batches of {Batch} | per step | per check ({HeldOut:N0} held out) | step / one-core floor | check / one-core floor | a check every {CheckEvery} steps: checks' share of the time |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int bits in bitsList)
        {
            var start = Start(bits, 1);
            double one = MedianEpoch(start, 1, quick ? 100 : 400);
            double thousand = MedianEpoch(start, 1000, quick ? 4 : 12);
            double step = (thousand - one) / 999, check = one - step;
            double s = bits / 2.0; // mean set bits of uniform numbers
            double stepFloor = OperationCount.SmallBatchStep(bits, Hidden, Batch, s, 0) / peak.OneCore;
            double checkFloor = HeldOut * OperationCount.WideMeasuredRow(s, Hidden) / peak.OneCore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| n = {bits} | {TorchBench.Format(step)} | {TorchBench.Format(check)} | {step / stepFloor:0.0}× ({TorchBench.Format(stepFloor)}) | {check / checkFloor:0.0}× ({TorchBench.Format(checkFloor)}) | {check / (check + CheckEvery * step):P0} |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per step and per check from the trainer: the median epoch of CheckEvery 1 (a step and a check) and of CheckEvery 1000, solved for the two. Floors on one core's measured peak ({peak}): a step {OperationCount.SmallBatchFormula.Split("; a step")[0]}, s = n/2, 32 rows + 4 × parameters (Sgd); a check (s + 4)·m a row."));

        Console.WriteLine();
        Console.WriteLine("| Barak et al.'s regime, time to solve (every held-out check right), checks included | seed | steps | checks | wall |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int bits in bitsList)
        {
            var walls = new List<double>();
            foreach (int seed in seeds)
            {
                var start = Start(bits, seed);
                var clock = Stopwatch.StartNew();
                var history = Trainer.Train(start, Options(CheckEvery, 200_000 / CheckEvery) with { TargetAccuracy = 1 }).History!;
                double wall = clock.Elapsed.TotalSeconds;
                walls.Add(wall);
                string steps = history.StopReason == StopReason.TargetReached ? history.StepsRun!.Value.ToString("N0", CultureInfo.InvariantCulture) : $"not solved ({history.FinalAccuracy:P2})";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ({bits}, 3) | {seed} | {steps} | {history.EpochsRun + 1} | {wall:0.000} s |"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ({bits}, 3) | median of {seeds.Length} | | | {TorchBench.Median(walls):0.000} s |"));
        }
    }

    // The median time of an epoch (CheckEvery steps, then a check) over `epochs` epochs, the first left out.
    private static double MedianEpoch(ParityNetwork start, int checkEvery, int epochs)
    {
        var stamps = new List<double>();
        Trainer.Train(start, Options(checkEvery, epochs + 1) with { ReportInterval = TimeSpan.FromTicks(1) }, new TorchBench.EpochClock(stamps));
        return TorchBench.Median(stamps.Zip(stamps.Skip(1), (x, y) => y - x).ToList());
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
