using System.Globalization;
using System.Text.Json;
using ParityNet;

/// <summary>
/// Issue 28, item 5 (--case r): the same computation as PyTorch. For (20, 3) and (50, 3) and several seeds (and two
/// of (100, 3), whose inputs the engine reads in chunks), ParityNet
/// trains sparse parity in Barak et al.'s regime (±1 inputs, PyTorch's initialization, hinge loss, plain SGD at 0.1 in
/// fresh batches of 32, a check every 100 steps on 8,192 held-out integers, stopping at the first check that is 100 %
/// right), then hands its initial weights and every batch it drew (<see cref="TrainingStream"/>) to
/// bench/sparse_parity_same_torch.py, which runs the same loop in PyTorch float64. Both must reach the criterion at the
/// same step, with held-out losses within 1e-9 (relative above 1) at every check; the run fails otherwise.
/// </summary>
internal static class SparseSameBench
{
    public const double Tolerance = 1e-9;

    public static bool Run(string root, bool quick)
    {
        Console.WriteLine();
        bool haveTorch = File.Exists(PythonProcess.Python) && PythonProcess.Run("-c", "import torch").ExitCode == 0;
        if (!haveTorch)
        {
            Console.WriteLine("Same computation as PyTorch (sparse parity): skipped, PyTorch is not installed (apt-get install -y python3-torch).");
            return true;
        }
        string script = Path.Combine(root, "bench", "sparse_parity_same_torch.py");
        Console.WriteLine("| same computation: (n, k), seed | ParityNet solved at step | PyTorch float64 solved at step | checks compared | largest held-out loss difference (relative above 1) | held-out accuracies equal | verdict |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        bool allSame = true;
        var seeds = quick ? new long[] { 1, 2 } : new long[] { 1, 2, 3, 4, 5 };
        foreach (int bits in new[] { 20, 50 })
            foreach (long seed in seeds)
                allSame &= Compare(script, bits, seed);
        // Past 62 bits the engine reads each input in chunks (WideNumbers): the same computation must hold there too.
        foreach (long seed in seeds.Take(2))
            allSame &= Compare(script, 100, seed);
        Console.WriteLine($"Regime: {Described(50)}; ParityNet float64 with ±1 inputs folded onto its 0/1 bit kernels, PyTorch float64 on the ±1 inputs (torch.optim.SGD), one thread. Tolerance {Tolerance:0e0}.");
        Console.WriteLine(allSame ? "Same computation: every seed reached the criterion at the same step, losses within tolerance at every check."
                                  : "Same computation: FAILED (see the rows marked DIFFERENT).");
        return allSame;

        static string Described(int n) => $"{n}-1000-1 ReLU, PyTorch initialization, Sgd 0.1, Hinge, batches of 32, a check every 100 steps on 8192 held out, target accuracy 1, at most 20 000 steps (40 000 at n = 100)";
    }

    public static (ParityNetwork Network, TrainingOptions Options) Regime(int bits, long seed) =>
        (ParityNetwork.Create(new NetworkSpec
        {
            Bits = bits, HiddenSizes = new[] { 1000 }, Task = ParityTask.SparseParity, Relevant = 3, Seed = seed,
            Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true,
        }),
        new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 32, CheckEvery = 100,
            HeldOutSize = 8192, Epochs = bits > 62 ? 400 : 200, TargetAccuracy = 1,
        });

    private static bool Compare(string script, int bits, long seed)
    {
        var (net, options) = Regime(bits, seed);
        var trained = Trainer.Train(net, options);
        var h = trained.History!;
        var stream = TrainingStream.Take(net, options, h.EpochsRun);
        string dir = Directory.CreateTempSubdirectory("paritynet-same-").FullName;
        try
        {
            string input = Path.Combine(dir, "run.json"), output = Path.Combine(dir, "torch.json");
            WriteInput(input, net, options, stream);
            var (code, text) = PythonProcess.Run(script, input, output, "--threads", "1");
            if (code != 0) throw new InvalidOperationException($"{script} failed: {text}");
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            var r = doc.RootElement;
            var steps = r.GetProperty("steps").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var loss = r.GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var accuracy = r.GetProperty("accuracy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            long? torchSolved = r.GetProperty("convergedStep").ValueKind == JsonValueKind.Null ? null : r.GetProperty("convergedStep").GetInt64();
            long? ourSolved = h.StopReason == StopReason.TargetReached ? h.StepsRun : null;

            // Every recorded check of ours (each one while the run is short) against PyTorch's check at the same step.
            var ours = h.RecordedSteps.Select((s, i) => (Step: s, Loss: h.Loss[i], Accuracy: h.Accuracy[i])).ToArray();
            double worst = 0;
            bool accuracyEqual = true;
            int compared = 0;
            foreach (var (step, ourLoss, ourAccuracy) in ours)
            {
                int at = Array.IndexOf(steps, step);
                if (at < 0) { worst = double.PositiveInfinity; continue; }
                compared++;
                worst = Math.Max(worst, Math.Abs(ourLoss - loss[at]) / Math.Max(1, Math.Abs(loss[at])));
                accuracyEqual &= ourAccuracy == accuracy[at];
            }
            bool same = ourSolved is not null && ourSolved == torchSolved && worst <= Tolerance && compared == steps.Length && accuracyEqual;
            Console.WriteLine($"| ({bits}, 3), seed {seed} | {ourSolved?.ToString("N0", CultureInfo.InvariantCulture) ?? "not solved"} | {torchSolved?.ToString("N0", CultureInfo.InvariantCulture) ?? "not solved"} | {compared} of {steps.Length} | {worst:0.0e+0} | {(accuracyEqual ? "yes" : "no")} | {(same ? "same" : "DIFFERENT")} |");
            return same;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteInput(string path, ParityNetwork net, TrainingOptions options, TrainingStreamSample stream)
    {
        var json = new Dictionary<string, object?>
        {
            ["bits"] = net.Bits,
            ["hidden"] = net.LayerSizes[1],
            ["signed"] = net.SignedInputs,
            ["loss"] = options.Loss.ToString(),
            ["alpha"] = options.EffectiveAlpha,
            ["weightDecay"] = options.WeightDecay,
            ["batchSize"] = stream.BatchSize,
            ["checkEvery"] = stream.StepsPerEpoch,
            ["targetAccuracy"] = options.TargetAccuracy,
            ["w0"] = net.Weights[0].AsSpan().ToArray(),
            ["b0"] = net.Biases[0],
            ["w1"] = net.Weights[1].AsSpan().ToArray(),
            ["b1"] = net.Biases[1],
            ["heldOut"] = Enumerable.Range(0, stream.HeldOutRows).Select(stream.HeldOutHex).ToArray(),
            ["heldOutLabels"] = stream.HeldOutLabels,
            ["training"] = Enumerable.Range(0, stream.TrainingRows).Select(stream.TrainingHex).ToArray(),
            ["trainingLabels"] = stream.TrainingLabels,
        };
        // System.Text.Json writes doubles in their shortest round-trip form: the same bits come back in Python.
        File.WriteAllText(path, JsonSerializer.Serialize(json));
    }
}
