namespace ParityNet.Commands;

/// <summary>What a sweep tells its user beyond its results: the near-chance warning.</summary>
internal static class SweepAdvice
{
    /// <summary>Below this final accuracy a point ended near chance (as Invoke-NetworkTraining judges it).</summary>
    public const double NearChanceAccuracy = 0.75;

    /// <summary>What the warning needs of a sweep's results, kept as they go by (the results themselves, and their
    /// networks, are the caller's to keep or drop).</summary>
    internal sealed class Tally
    {
        private int _trained;
        private double _best;
        private bool _parity;
        private int _bits;

        /// <summary>Counts a result; failed points (never trained) are left out.</summary>
        public void Add(SweepResult result)
        {
            if (result.IsFailed) return;
            _trained++;
            _best = Math.Max(_best, result.FinalAccuracy);
            _parity |= result.Settings.TryGetValue("Task", out var task) && task == nameof(ParityTask.BitParity);
            _bits = Math.Max(_bits, result.Bits);
        }

        /// <summary>The warning for a sweep whose every trained point ended near chance, or null. A sweep that solves
        /// nothing is most often a grid outside what solves the task, and says so rather than leave a table of zeros.</summary>
        public string? NearChance()
        {
            if (_trained == 0 || _best >= NearChanceAccuracy) return null;
            string all = (_trained == 1 ? "The sweep's one point" : $"Every one of the {_trained} points") + $" ended near chance (the best at {_best:P1} accuracy; chance is 50 %): " +
                "none of these settings learned the task, so the sweep says nothing about which are better. ";
            if (!_parity)
                return all + "Try a larger Alpha, more Epochs or more hidden units (Get-Help Invoke-ParitySweep -Examples shows a grid that solves).";
            return all + "Parity is the classic hard task: every bit matters, and most networks and optimizers never find it. " +
                (EngineLimits.Enumerable(_bits)
                    ? $"This recipe solves it (the parity table in docs/parity-table.md; full-batch Adam): -Fixed @{{ Task = 'BitParity'; HiddenSize = 128; Activation = 'ReLU'; Initialization = 'He'; " +
                      $"Optimizer = 'Adam'; Alpha = 0.01; Loss = 'CrossEntropy'; BatchSize = {1L << _bits}; Epochs = 20000; TargetAccuracy = 1 }} (BatchSize = 2^Bits)."
                    : $"The parity table (docs/parity-table.md) solves it up to {EngineLimits.MaxEnumerableBits} bits, training on every integer; at {_bits} bits training sees samples, " +
                      "and parity this wide takes far more steps than that, with no recipe known to solve it.");
        }
    }
}
