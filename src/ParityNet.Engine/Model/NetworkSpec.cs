namespace ParityNet;

/// <summary>The shape and origin of a network: everything but its weights.</summary>
public sealed record NetworkSpec
{
    /// <summary>The input width; the network answers for 0 … 2^Bits − 1.</summary>
    public int Bits { get; init; } = 8;

    /// <summary>The sizes of the hidden layers, input side first.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = new[] { 4 };

    /// <summary>The task the network is for.</summary>
    public ParityTask Task { get; init; } = ParityTask.Even;

    /// <summary>For <see cref="ParityTask.SparseParity"/>: the bits whose XOR is the label, 0 the least significant,
    /// ascending. Given outright, or drawn from <see cref="Seed"/> when only <see cref="Relevant"/> is given (a
    /// network's spec always holds the drawn support). Null for the other tasks.</summary>
    public IReadOnlyList<int>? Support { get; init; }

    /// <summary>For <see cref="ParityTask.SparseParity"/> without a <see cref="Support"/>: how many bits (k) the
    /// support draws from the seed. A network's spec holds the drawn <see cref="Support"/> instead.</summary>
    public int? Relevant { get; init; }

    /// <summary>The hidden layers' activation.</summary>
    public Activation Activation { get; init; } = Activation.Sigmoid;

    /// <summary>How the initial weights are drawn.</summary>
    public Initialization Initialization { get; init; } = Initialization.Uniform;

    /// <summary>Whether the input units carry ±1 instead of 0/1: a bit b enters as 2b − 1, as in Barak et al. (2022), where
    /// x is uniform on {±1}^n. Numbers and labels are unchanged: only what the first layer multiplies. Needs biases
    /// (the engine computes x·W + b as bits·(2W) + (b − ΣW), on its bit kernels).</summary>
    public bool SignedInputs { get; init; }

    /// <summary>Whether every layer has a bias. The lesson has none.</summary>
    public bool HasBias { get; init; } = true;

    /// <summary>The seed of the initial weights.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The spec in a line, e.g. "8-4-1 Even, Sigmoid, Uniform, bias, seed 1".</summary>
    public override string ToString() =>
        $"{Bits}-{string.Join("-", HiddenSizes ?? Array.Empty<int>())}-1 {Task}{(Support is { Count: > 0 } s ? $" of bits {string.Join(",", s)}" : "")}, {Activation}, {Initialization}, {(SignedInputs ? "±1 inputs, " : "")}{(HasBias ? "bias" : "no bias")}, seed {Seed}";
}

/// <summary>What the engine can hold. Checked before anything is allocated.</summary>
public static class EngineLimits
{
    /// <summary>The widest input the engine trains on by enumerating every integer; wider ones are sampled.</summary>
    public const int MaxEnumerableBits = 16;

    /// <summary>The widest input. Up to 62 bits an input is one integer; wider inputs are read in chunks of 62 bits
    /// (<see cref="WideNumbers"/>), trained on seeded samples, and answer the integers a <c>long</c> holds.</summary>
    public const int MaxBits = 1024;

    /// <summary>The largest sample drawn per epoch for wide inputs.</summary>
    public const int MaxSampleSize = 1 << 20;

    /// <summary>The largest hidden layer.</summary>
    public const int MaxHiddenSize = 1 << 16;

    /// <summary>The most hidden layers.</summary>
    public const int MaxHiddenLayers = 16;

    /// <summary>The most memory a network or its training may take on any machine: <see cref="MaxBytes"/> is never more.</summary>
    public const long MaxBytesCeiling = 4L << 30;

    /// <summary>The most memory a network or its training may take: 4 GiB, or half of what the process may use if less.</summary>
    public static long MaxBytes
    {
        get
        {
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return available > 0 ? Math.Min(MaxBytesCeiling, available / 2) : MaxBytesCeiling;
        }
    }

    /// <summary>The most parameters (weights and biases) any network the engine accepts can have: every
    /// network is checked against <see cref="TrainingBytes"/>, which keeps at least 13 doubles a parameter
    /// (8 workers' partial gradients, the parameters, their last good copy, the gradient, two optimizer
    /// moments), within <see cref="MaxBytesCeiling"/>. About 41.3 million.</summary>
    public const long MaxParameters = MaxBytesCeiling / (8 * 13);

    /// <summary>The most epochs a training history records: every stride-th epoch, at most this many, and the last.</summary>
    public const int MaxRecords = 10_000;

    /// <summary>The longest loss and accuracy curve a training run leaves: <see cref="MaxRecords"/> and the final epoch.</summary>
    public const int MaxRecordedEpochs = MaxRecords + 1;

    /// <summary>Whether a <paramref name="bits"/>-bit network is small enough to train on every integer
    /// (else it trains on seeded samples). The one place that rule lives.</summary>
    public static bool Enumerable(int bits) => bits <= MaxEnumerableBits;

    /// <summary>The integers a training pass measures on: all 2^Bits, or for wide inputs the held-out sample.</summary>
    public static long TrainingRows(int bits, int sampleSize) =>
        Enumerable(bits) ? 1L << bits : sampleSize;

    /// <summary>The bytes training <paramref name="spec"/> needs: per worker a tile of activations and
    /// deltas and a partial gradient; the lists of sampled or shuffled integers; and the parameters,
    /// their last good copy, gradient and optimizer state.</summary>
    public static long TrainingBytes(NetworkSpec spec, int sampleSize = TrainingOptions.DefaultSampleSize)
    {
        const long workers = 8, tile = GradientPass.TileRows;
        long units = spec.Bits + 1, parameters = 0;
        int previous = spec.Bits;
        foreach (int h in spec.HiddenSizes) { units += h; parameters += (long)previous * h + h; previous = h; }
        parameters += previous + 1;
        long rows = TrainingRows(spec.Bits, sampleSize);
        return checked(8 * (workers * (tile * units * 2 + parameters) + 2 * rows * WideNumbers.Chunks(spec.Bits) + parameters * 5));
    }
}
