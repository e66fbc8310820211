namespace ParityNet.Experiment;

/// <summary>How one row of the table trains an N-bit network: its shape and its training settings.</summary>
internal sealed record Recipe(
    string Name,
    string Hidden,
    Activation Activation,
    Initialization Initialization,
    LossFunction Loss,
    OptimizerKind Optimizer,
    string Alpha,
    int? BatchSize,
    int Epochs)
{
    /// <summary>The lesson's: N sigmoid hidden units, uniform [−1, 1) weights, biases (the lesson's constant input
    /// column), squared error, full-batch gradient descent. The engine averages gradients over the batch, so the
    /// lesson's summed update with alpha 1 is Alpha = 2^N here.</summary>
    public static Recipe Lesson(int epochs) => new("lesson", "1N", Activation.Sigmoid, Initialization.Uniform,
        LossFunction.MeanSquaredError, OptimizerKind.GradientDescent, "2^N", null, epochs);

    /// <summary>ParityNet's best, chosen by the search written up in bench/results/parity-table.md: a fixed
    /// 128 ReLU units with He init, cross-entropy, and Adam 0.01 on the full batch (one step per epoch).
    /// Mini-batches and sigmoid/tanh units did markedly worse at N = 8 in that search.</summary>
    public static Recipe Best() => new("best", "128", Activation.ReLU, Initialization.He,
        LossFunction.CrossEntropy, OptimizerKind.Adam, "0.01", FullBatch, 20_000);

    /// <summary>A <see cref="BatchSize"/> meaning all 2^N rows per update.</summary>
    public const int FullBatch = 0;

    public NetworkSpec Spec(int bits, long seed) => new()
    {
        Bits = bits,
        HiddenSizes = HiddenSizes(bits),
        Task = ParityTask.BitParity,
        Activation = Activation,
        Initialization = Initialization,
        HasBias = true,
        Seed = seed,
    };

    public TrainingOptions Options(int bits) => new()
    {
        Optimizer = Optimizer,
        Alpha = AlphaFor(bits),
        Loss = Loss,
        Epochs = Epochs,
        BatchSize = BatchSize is int b ? (b == FullBatch ? 1 << bits : Math.Min(b, 1 << bits)) : null,
        TargetAccuracy = 1.0,
        ReportInterval = TimeSpan.Zero,
    };

    /// <summary>Hidden layer sizes from text such as "4N", "32" or "2N,N": a whole number, optionally times N.</summary>
    public int[] HiddenSizes(int bits) => Hidden.Split(',').Select(part =>
    {
        string p = part.Trim();
        if (p.EndsWith('N'))
            return (p.Length == 1 ? 1 : int.Parse(p[..^1], System.Globalization.CultureInfo.InvariantCulture)) * bits;
        return int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
    }).ToArray();

    /// <summary>The learning rate from text: a number, or "2^N" (the lesson's summed update), or "k*2^N".</summary>
    public double AlphaFor(int bits)
    {
        string a = Alpha.Trim();
        if (a.EndsWith("2^N", StringComparison.Ordinal))
        {
            string factor = a[..^3].TrimEnd('*').Trim();
            return (factor.Length == 0 ? 1.0 : double.Parse(factor, System.Globalization.CultureInfo.InvariantCulture)) * (1 << bits);
        }
        return double.Parse(a, System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Describe() =>
        $"hidden {Hidden} {Activation}, {Initialization} init, biases, {Loss}, {Optimizer} alpha {Alpha}" +
        (Optimizer == OptimizerKind.GradientDescent ? " (full batch)" : BatchSize switch
        {
            null => ", default batch",
            FullBatch => ", full batch (all 2^N rows per step)",
            int b => $", batch {b} (at most 2^N)",
        }) +
        $", at most {Epochs:N0} epochs";
}
