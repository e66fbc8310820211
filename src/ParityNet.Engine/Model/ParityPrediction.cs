namespace ParityNet;

/// <summary>Which engine computed a prediction.</summary>
public enum PredictionEngine
{
    /// <summary>ParityNet's own managed engine, in double precision.</summary>
    Managed,
    /// <summary>ONNX Runtime, running an exported model in float32.</summary>
    OnnxRuntime,
}

/// <summary>One number's prediction.</summary>
public sealed class ParityPrediction
{
    /// <summary>Creates a prediction of <paramref name="number"/> by a network of <paramref name="bits"/> bits.</summary>
    /// <remarks>For <see cref="ParityTask.SparseParity"/> give the network's support (its expected label reads those bits).</remarks>
    public ParityPrediction(long number, int bits, ParityTask task, double probability, PredictionEngine engine, string? source = null, IReadOnlyList<int>? support = null)
        : this((System.Numerics.BigInteger)number, bits, task, probability, engine, source, support)
    {
    }

    /// <summary>Creates a prediction of a <paramref name="number"/> of any size (from 0 to 2^<paramref name="bits"/> − 1) by a
    /// network of <paramref name="bits"/> bits.</summary>
    /// <remarks>For <see cref="ParityTask.SparseParity"/> give the network's support (its expected label reads those bits).</remarks>
    public ParityPrediction(System.Numerics.BigInteger number, int bits, ParityTask task, double probability, PredictionEngine engine, string? source = null, IReadOnlyList<int>? support = null)
    {
        if (number.Sign < 0 || bits < 1 || number.GetBitLength() > Math.Max(bits, 63))
            throw new ArgumentOutOfRangeException(nameof(number), number, $"a number is from 0 to 2^{bits} - 1 for a {bits}-bit network.");
        Source = source;
        Number = number;
        _width = bits;
        Task = task;
        Support = task == ParityTask.SparseParity ? support?.ToArray() ?? throw new ArgumentException("A SparseParity prediction needs the network's support.", nameof(support)) : Array.Empty<int>();
        Probability = probability;
        Label = TaskLabels.Predicted(probability);
        ExpectedLabel = ExpectedOf(number, bits, task, Support);
        Engine = engine;
    }

    /// <summary>The integer asked about: a <see cref="System.Numerics.BigInteger"/>, as a network wider than 62 bits takes
    /// integers past a long's (in PowerShell, [bigint] or a literal with the suffix n, such as 2n * [bigint]::Pow(2, 80)).</summary>
    public System.Numerics.BigInteger Number { get; }

    // The true label: from the integer where a long holds it, else from its row of chunks.
    private static int ExpectedOf(System.Numerics.BigInteger number, int bits, ParityTask task, IReadOnlyList<int> support)
    {
        if (number <= long.MaxValue) return TaskLabels.Label(task, (long)number, TaskLabels.Mask(support));
        return WideNumbers.Label(task, WideNumbers.RowOf(number, bits), WideNumbers.Masks(support, bits));
    }

    private readonly int _width;
    private string? _bits;

    /// <summary>Its bits as the network sees them, most significant first.</summary>
    public string Bits => _bits ??= BitEncoding.ToText(Number, _width);

    /// <summary>The task of the network.</summary>
    public ParityTask Task { get; }

    /// <summary>For <see cref="ParityTask.SparseParity"/>, the bits the label reads (0 the least significant); else empty.</summary>
    public IReadOnlyList<int> Support { get; }

    /// <summary>The network's output: the probability of label 1.</summary>
    public double Probability { get; }

    /// <summary>The predicted label: 1 when <see cref="Probability"/> ≥ 0.5.</summary>
    public int Label { get; }

    /// <summary>The true label.</summary>
    public int ExpectedLabel { get; }

    /// <summary>The predicted label as a word: Even or Odd.</summary>
    public string Prediction => TaskLabels.Name(Task, Label);

    /// <summary>The true label as a word: Even or Odd.</summary>
    public string Expected => TaskLabels.Name(Task, ExpectedLabel);

    /// <summary>Whether the prediction is right.</summary>
    public bool Correct => Label == ExpectedLabel;

    /// <summary>Which engine computed it.</summary>
    public PredictionEngine Engine { get; }

    /// <summary>The model file ONNX Runtime ran, for predictions made through one; null for the managed engine.</summary>
    public string? Source { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Number} ({Bits}): {Prediction} p={Probability:0.0000}";
}
