using System.Diagnostics;
using System.Globalization;
using ParityNet;

// One timing, printed as a number: "recipe16" the parity recipe at 16 bits (128 ReLU, He, Adam 0.01, cross-entropy, full
// batch), ms an epoch from the difference of a 120-epoch and a 20-epoch run (set-up and JIT cancel out); "lesson" the
// lesson's case a (4 bits, 4 sigmoid units, no bias, alpha 1, 60,000 epochs of gradient descent), ns an epoch, best of 5.
// Only the engine's public API that 1cda726 already had, so the same source builds against both.
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
else
{
    Console.Error.WriteLine($"unknown case '{which}': recipe16 or lesson");
    return 2;
}
return 0;
