namespace ParityNet.Commands;

/// <summary>What a sweep tells its user beyond its results: the near-chance warning.</summary>
internal static class SweepAdvice
{
    /// <summary>Below this final accuracy a point ended near chance (as Invoke-NetworkTraining judges it).</summary>
    public const double NearChanceAccuracy = 0.75;

    /// <summary>The warning for a sweep whose every trained point ended near chance, or null. A sweep that solves
    /// nothing is most often a grid outside what solves the task, and says so rather than leave a table of zeros.</summary>
    public static string? NearChance(IReadOnlyCollection<SweepResult> results)
    {
        var trained = results.Where(r => !r.IsFailed).ToList();
        if (trained.Count == 0 || trained.Any(r => r.FinalAccuracy >= NearChanceAccuracy)) return null;
        bool parity = trained.Any(r => r.Settings.TryGetValue("Task", out var task) && task == nameof(ParityTask.BitParity));
        int bits = trained.Max(r => r.Bits);
        string all = (trained.Count == 1 ? "The sweep's one point" : $"Every one of the {trained.Count} points") + $" ended near chance (the best at {trained.Max(r => r.FinalAccuracy):P1} accuracy; chance is 50%): " +
            "none of these settings learned the task, so the sweep says nothing about which are better. ";
        if (!parity)
            return all + "Try a larger Alpha, more Epochs or more hidden units (Get-Help Invoke-ParitySweep -Examples shows a grid that solves).";
        return all + "Parity is the classic hard task: every bit matters, and most networks and optimizers never find it. " +
            (EngineLimits.Enumerable(bits)
                ? $"This recipe solves it (the README's parity table; full-batch Adam): -Fixed @{{ Task = 'BitParity'; HiddenSize = 128; Activation = 'ReLU'; Initialization = 'He'; " +
                  $"Optimizer = 'Adam'; Alpha = 0.01; Loss = 'CrossEntropy'; BatchSize = {1L << bits}; Epochs = 20000; TargetAccuracy = 1 }} (BatchSize = 2^Bits)."
                : $"The README's parity table solves it up to {EngineLimits.MaxEnumerableBits} bits, training on every integer; at {bits} bits training sees samples, " +
                  "and parity this wide takes far more steps than that, with no recipe known to solve it.");
    }
}
