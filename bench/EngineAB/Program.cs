using System.Diagnostics;
using System.Globalization;
using ParityNet;

// One timing, printed as a number: "recipe16" the parity recipe at 16 bits (128 ReLU, He, Adam 0.01, cross-entropy, full
// batch), ms an epoch from the difference of a 120-epoch and a 20-epoch run (set-up and JIT cancel out); "lesson" the
// lesson's case a (4 bits, 4 sigmoid units, no bias, alpha 1, 60,000 epochs of gradient descent), ns an epoch, best of 5;
// "barak50" and "barak100" a step of Barak et al.'s regime with its share of the checks, µs (below).
// Only the engine's public API that 1cda726 already had (issue 28's options for the barak cases), so the same source builds against both.
string which = args.Length > 0 ? args[0] : "lesson";
if (which == "recipe16")
{
    var start = ParityNetwork.Create(new NetworkSpec { Bits = 16, HiddenSizes = new[] { 128 }, Activation = Activation.ReLU, Initialization = Initialization.He, Task = ParityTask.BitParity, Seed = 1 });
    TrainingOptions Options(int epochs) => new() { Optimizer = OptimizerKind.Adam, Alpha = 0.01, Loss = LossFunction.CrossEntropy, Epochs = epochs, BatchSize = 1 << 16, ReportInterval = TimeSpan.Zero };
    Trainer.Train(start, Options(20));
    var shorter = Stopwatch.StartNew(); Trainer.Train(start, Options(20)); shorter.Stop();
    var longer = Stopwatch.StartNew(); Trainer.Train(start, Options(120)); longer.Stop();
    Console.WriteLine(((longer.Elapsed.TotalMilliseconds - shorter.Elapsed.TotalMilliseconds) / 100).ToString("0.000", CultureInfo.InvariantCulture));
}
else if (which == "lesson")
{
    var network = ParityNetwork.Create(new NetworkSpec { Bits = 4, HiddenSizes = new[] { 4 }, HasBias = false, Seed = 1 });
    var options = new TrainingOptions { Alpha = 1.0, Epochs = 60_000, ReportInterval = TimeSpan.Zero };
    Trainer.Train(network, options);
    double best = double.MaxValue;
    for (int r = 0; r < 5; r++)
    {
        var clock = Stopwatch.StartNew();
        Trainer.Train(network, options);
        best = Math.Min(best, clock.Elapsed.TotalMilliseconds * 1e6 / options.Epochs);
    }
    Console.WriteLine(best.ToString("0.0", CultureInfo.InvariantCulture));
}
else if (which is "barak50" or "barak100")
{
    // Barak et al.'s regime (issue 28's API: not in 1cda726): n-1000-1 ReLU, ±1 inputs, hinge, Sgd 0.1, batches of 32, a check
    // of 8,192 held-out numbers every 100 steps (ahead, on the second core), as a solve runs; µs a step with its share of the
    // checks, from the difference of a 30-check and a 10-check run, best of 3.
    int bits = which == "barak50" ? 50 : 100;
    var start = ParityNetwork.Create(new NetworkSpec { Bits = bits, HiddenSizes = new[] { 1000 }, Task = ParityTask.SparseParity, Relevant = 3, Seed = 1,
        Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true });
    TrainingOptions Options(int checks) => new() { Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 32, CheckEvery = 100,
        HeldOutSize = 8192, Epochs = checks, ReportInterval = TimeSpan.Zero };
    Trainer.Train(start, Options(10));
    double best = double.MaxValue;
    for (int r = 0; r < 3; r++)
    {
        var shorter = Stopwatch.StartNew(); Trainer.Train(start, Options(10)); shorter.Stop();
        var longer = Stopwatch.StartNew(); Trainer.Train(start, Options(30)); longer.Stop();
        best = Math.Min(best, (longer.Elapsed.TotalMilliseconds - shorter.Elapsed.TotalMilliseconds) * 1000 / (20 * 100));
    }
    Console.WriteLine(best.ToString("0.0", CultureInfo.InvariantCulture));
}
else
{
    Console.Error.WriteLine($"unknown case '{which}': recipe16, lesson, barak50 or barak100");
    return 2;
}
return 0;
