using System.Collections.ObjectModel;

namespace ParityNet;

/// <summary>
/// A feed-forward network that reads an integer's bits: hidden layers of sigmoid, tanh or ReLU units
/// and one sigmoid output unit. Immutable: training
/// returns a new network, so one initial network can be trained many ways.
/// </summary>
public sealed class ParityNetwork
{
    private readonly double[][] _weights;
    private readonly double[][] _biases; // empty arrays when the network has no bias

    private ParityNetwork(NetworkSpec spec, double[][] weights, double[][] biases, TrainingHistory? history)
    {
        Spec = spec;
        _weights = weights;
        _biases = biases;
        History = history;
        if (history is not null) history.Owner ??= this;
        var sizes = new List<int> { spec.Bits };
        sizes.AddRange(spec.HiddenSizes);
        sizes.Add(1);
        LayerSizes = new ReadOnlyCollection<int>(sizes);
        Weights = new ReadOnlyCollection<WeightMatrix>(
            weights.Select((w, l) => new WeightMatrix(sizes[l], sizes[l + 1], w)).ToArray());
    }

    /// <summary>The shape and origin of the network (the same values as <see cref="Bits"/>, <see cref="HiddenSizes"/>, ...).</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The task the network is for.</summary>
    public ParityTask Task => Spec.Task;

    /// <summary>The input width.</summary>
    public int Bits => Spec.Bits;

    /// <summary>For <see cref="ParityTask.SparseParity"/>: the bits whose XOR is the label (0 the least significant),
    /// ascending; empty for the other tasks.</summary>
    public IReadOnlyList<int> Support => Spec.Support ?? Array.Empty<int>();

    /// <summary>The mask of <see cref="Support"/>, which <see cref="TaskLabels.Label(ParityTask, long, long)"/> reads.</summary>
    public long SupportMask => TaskLabels.Mask(Spec.Support);

    /// <summary>Units per layer from input to output, e.g. 8, 4, 1.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>The hidden layers' sizes.</summary>
    public IReadOnlyList<int> HiddenSizes => Spec.HiddenSizes;

    /// <summary>The hidden layers' activation; the output is a sigmoid.</summary>
    public Activation Activation => Spec.Activation;

    /// <summary>Whether the inputs enter as ±1 (a bit b as 2b − 1) instead of 0/1.</summary>
    public bool SignedInputs => Spec.SignedInputs;

    /// <summary>Whether the layers have biases.</summary>
    public bool HasBias => Spec.HasBias;

    /// <summary>The seed the initial weights were drawn from.</summary>
    public long Seed => Spec.Seed;

    /// <summary>The weight matrices ("synapses"), input side first.</summary>
    public IReadOnlyList<WeightMatrix> Weights { get; }

    /// <summary>Per layer, a copy of its weights row-major (inputs × units, as <see cref="WeightMatrix.AsSpan"/>): two
    /// levels of arrays of numbers, so that ConvertTo-Json keeps them as numbers even at its default depth of 2.</summary>
    public IReadOnlyList<double[]> WeightValues => new ReadOnlyCollection<double[]>(_weights.Select(w => (double[])w.Clone()).ToArray());

    /// <summary>Per layer, a copy of its biases (empty without bias): changing it leaves the network as it was.</summary>
    public IReadOnlyList<double[]> Biases => new ReadOnlyCollection<double[]>(_biases.Select(b => (double[])b.Clone()).ToArray());

    /// <summary>How the network was trained; null while untrained.</summary>
    public TrainingHistory? History { get; }

    /// <summary>Whether the network has been trained.</summary>
    public bool IsTrained => History is not null;

    /// <summary>The largest number the network answers for.</summary>
    public long MaxNumber => Bits >= 63 ? long.MaxValue : (1L << Bits) - 1; // past 62 bits: the largest integer a long holds

    internal ReadOnlySpan<double> LayerWeights(int layer) => _weights[layer];

    // The parameter arrays themselves, for read-only use by the engine's forward passes.
    internal double[][] WeightArrays => _weights;
    internal double[][] BiasArrays => _biases;

    internal ReadOnlySpan<double> LayerBiases(int layer) => _biases[layer];

    /// <summary>A new network with weights drawn from <see cref="NetworkSpec.Seed"/> layer by layer, row-major,
    /// uniform in [−limit, limit) (the lesson's <c>2*random((rows, cols)) - 1</c> for <see cref="Initialization.Uniform"/>),
    /// and zero biases (<see cref="Initialization.PyTorch"/>: biases drawn from the same range after each layer's weights).</summary>
    public static ParityNetwork Create(NetworkSpec spec)
    {
        Validate(spec);
        spec = WithSupport(spec);
        var rng = new SeededRandom(spec.Seed);
        var sizes = Sizes(spec);
        var weights = new double[sizes.Length - 1][];
        var biases = new double[sizes.Length - 1][];
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l] = new double[sizes[l] * sizes[l + 1]];
            double limit = Initializations.Limit(spec.Initialization, sizes[l], sizes[l + 1]);
            for (int i = 0; i < weights[l].Length; i++) weights[l][i] = rng.NextUniform(-limit, limit);
            biases[l] = spec.HasBias ? new double[sizes[l + 1]] : Array.Empty<double>();
            if (spec.Initialization == Initialization.PyTorch) // PyTorch draws the bias too, from the same range, after the weights
                for (int i = 0; i < biases[l].Length; i++) biases[l][i] = rng.NextUniform(-limit, limit);
        }
        return new ParityNetwork(spec, weights, biases, null);
    }

    /// <summary>A network of the given shape with the given weights (row-major, inputs × units per layer)
    /// and biases (null or empty when <see cref="NetworkSpec.HasBias"/> is false). The arrays are copied.</summary>
    public static ParityNetwork FromWeights(NetworkSpec spec, IReadOnlyList<double[]> weights, IReadOnlyList<double[]>? biases, TrainingHistory? history = null)
    {
        Validate(spec);
        spec = WithSupport(spec);
        var sizes = Sizes(spec);
        int layers = sizes.Length - 1;
        if (weights.Count != layers)
            throw Invalid($"expected {layers} weight matrices for layer sizes {string.Join("-", sizes)}, got {weights.Count}.");
        var w = new double[layers][];
        var b = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            if (weights[l] is null || weights[l].Length != sizes[l] * sizes[l + 1])
                throw Invalid($"layer {l} needs {sizes[l]}x{sizes[l + 1]} = {sizes[l] * sizes[l + 1]} weights, got {weights[l]?.Length ?? 0}.");
            w[l] = CheckFinite((double[])weights[l].Clone(), l);
            if (spec.HasBias)
            {
                if (biases is null || biases.Count != layers || biases[l] is null || biases[l].Length != sizes[l + 1])
                    throw Invalid($"layer {l} needs {sizes[l + 1]} biases.");
                b[l] = CheckFinite((double[])biases[l].Clone(), l);
            }
            else
            {
                if (biases is not null && biases.Count > l && biases[l] is { Length: > 0 })
                    throw Invalid($"the network has no bias but layer {l} was given {biases[l].Length} biases.");
                b[l] = Array.Empty<double>();
            }
        }
        return new ParityNetwork(spec, w, b, history);
    }

    /// <summary>This network's shape with new parameters (taken, not copied) and a history.</summary>
    internal ParityNetwork With(double[][] weights, double[][] biases, TrainingHistory history) =>
        new(Spec, weights, biases, history);

    /// <summary>Throws <see cref="ErrorIds.InputOutOfRange"/> unless 0 ≤ number &lt; 2^Bits.</summary>
    public void CheckNumber(long number)
    {
        if (number < 0 || number > MaxNumber)
            throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                $"{number} is outside the range of this {Bits}-bit network. Give an integer from 0 to {MaxNumber}, or make a wider network (⟦NetworkBits⟧).",
                number);
    }

    /// <summary>The largest number the network answers for, at any width: 2^Bits − 1 (<see cref="MaxNumber"/> where a long holds it).</summary>
    public System.Numerics.BigInteger MaxWideNumber => (System.Numerics.BigInteger.One << Bits) - 1;

    /// <summary>Throws <see cref="ErrorIds.InputOutOfRange"/> unless 0 ≤ number &lt; 2^Bits, for a number of any size.</summary>
    public void CheckNumber(System.Numerics.BigInteger number)
    {
        if (Bits < 63 && number >= long.MinValue && number <= long.MaxValue) { CheckNumber((long)number); return; }
        if (number.Sign < 0 || number.GetBitLength() > Bits)
            throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                $"{WideNumbers.Show(number)} is outside the range of this {Bits}-bit network. Give an integer from 0 to 2^{Bits} - 1{(Bits <= 128 ? $" ({MaxWideNumber})" : "")}, or make a wider network (⟦NetworkBits⟧).",
                number >= long.MinValue && number <= long.MaxValue ? (long)number : WideNumbers.Show(number));
    }

    /// <summary>The probability of label 1 for a <paramref name="number"/> of any size up to <see cref="MaxWideNumber"/>: the
    /// same bits as <see cref="Predict(long)"/> for one a long holds, and as <see cref="PredictRows"/> for its row.</summary>
    public double Predict(System.Numerics.BigInteger number)
    {
        CheckNumber(number);
        if (number <= long.MaxValue) return Predict((long)number);
        Span<double> p = stackalloc double[1];
        PredictRows(WideNumbers.RowOf(number, Bits), p);
        return p[0];
    }

    /// <summary>The probability of label 1 for <paramref name="number"/>.</summary>
    public double Predict(long number)
    {
        Span<double> p = stackalloc double[1];
        Predict(new[] { number }, p);
        return p[0];
    }

    /// <summary>The probability of label 1 for each number, computed in batches.</summary>
    public void Predict(ReadOnlySpan<long> numbers, Span<double> probabilities)
    {
        if (probabilities.Length < numbers.Length)
            throw new ArgumentException("probabilities is shorter than numbers.", nameof(probabilities));
        foreach (long n in numbers) CheckNumber(n);
        const int chunk = 256;
        var forward = new ForwardPass(this, Math.Min(chunk, Math.Max(1, numbers.Length)));
        for (int start = 0; start < numbers.Length; start += chunk)
        {
            int count = Math.Min(chunk, numbers.Length - start);
            forward.Run(numbers.Slice(start, count), PassWeights, PassBiases, Factors).CopyTo(probabilities.Slice(start, count));
        }
    }

    /// <summary>The probability of label 1 for each row of <see cref="WideNumbers"/> chunks (<see cref="WideNumbers.Chunks"/>
    /// longs a row: the integer itself up to 62 bits), every input bit read: the answers of a network wider than a long.
    /// The same bits as <see cref="Predict(ReadOnlySpan{long}, Span{double})"/> for the rows a long can hold.</summary>
    public void PredictRows(ReadOnlySpan<long> rows, Span<double> probabilities)
    {
        int chunks = WideNumbers.Chunks(Bits);
        if (rows.Length % chunks != 0) throw new ArgumentException($"rows are not whole rows of {chunks} chunks.", nameof(rows));
        int count = rows.Length / chunks;
        if (probabilities.Length < count) throw new ArgumentException("probabilities is shorter than the rows.", nameof(probabilities));
        for (int i = 0; i < rows.Length; i++)
        {
            int width = WideNumbers.ChunkWidth(Bits, i % chunks);
            if (rows[i] < 0 || rows[i] >> width != 0)
                throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                    $"{rows[i]} is not a {width}-bit chunk of a {Bits}-bit row. Give each chunk from 0 to 2^{width} - 1.", rows[i]);
        }
        const int chunk = 256;
        var forward = new ForwardPass(this, Math.Min(chunk, Math.Max(1, count)));
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            forward.RunRows(rows.Slice(start * chunks, n * chunks), PassWeights, PassBiases, Factors).CopyTo(probabilities.Slice(start, n));
        }
    }

    /// <summary>The first layer's bound and, for sigmoid units within it, e^−w and e^−bias, made on first use, from
    /// which prediction's path is chosen (<see cref="FirstLayer.Choose"/>).</summary>
    internal FirstLayerFactors Factors
    {
        get
        {
            var factors = Volatile.Read(ref _factors);
            if (factors is null)
            {
                factors = FirstLayerFactors.Of(PassWeights[0], PassBiases[0], Bits, LayerSizes[1], Activation);
                Volatile.Write(ref _factors, factors); // a race makes the same values twice
            }
            return factors;
        }
    }

    private FirstLayerFactors? _factors;

    /// <summary>The parameters the engine's forward passes run on over 0/1 bits: the network's own, or with
    /// <see cref="SignedInputs"/> the first layer folded (<see cref="ParityNet.SignedInputs.Fold"/>), made on first use.</summary>
    internal double[][] PassWeights => SignedInputs ? Folded().Weights : _weights;

    /// <inheritdoc cref="PassWeights"/>
    internal double[][] PassBiases => SignedInputs ? Folded().Biases : _biases;

    private (double[][] Weights, double[][] Biases) Folded()
    {
        var folded = Volatile.Read(ref _folded);
        if (folded is null)
        {
            var w = (double[][])_weights.Clone();
            var b = (double[][])_biases.Clone();
            w[0] = new double[_weights[0].Length];
            b[0] = new double[_biases[0].Length];
            ParityNet.SignedInputs.Fold(_weights[0], _biases[0], Bits, LayerSizes[1], w[0], b[0]);
            folded = new FoldedLayers(w, b);
            Volatile.Write(ref _folded, folded); // a race makes the same values twice
        }
        return (folded.Weights, folded.Biases);
    }

    private sealed record FoldedLayers(double[][] Weights, double[][] Biases);
    private FoldedLayers? _folded;

    /// <summary>A prediction of <paramref name="number"/> with its expected label.</summary>
    public ParityPrediction Test(long number) =>
        new(number, Bits, Task, Predict(number), PredictionEngine.Managed, support: Spec.Support);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Task}{(Support.Count > 0 ? $" of bits {string.Join(",", Support)}" : "")} {string.Join("-", LayerSizes)} {Activation}{(HasBias ? "" : " no bias")} seed {Seed}{(History is null ? " untrained" : $" trained: {History}")}";

    internal static int[] Sizes(NetworkSpec spec) => [spec.Bits, .. spec.HiddenSizes, 1];

    /// <summary>Checks a spec: bits, hidden sizes and the memory training it would take.</summary>
    public static void Validate(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Bits < 1 || spec.Bits > EngineLimits.MaxBits)
            throw new ParityNetException(ErrorIds.BitsOutOfRange, ParityErrorKind.InvalidArgument,
                $"Bits {spec.Bits} is outside 1 to {EngineLimits.MaxBits}. Choose ⟦Bits⟧ from 1 to {EngineLimits.MaxBits} (up to {EngineLimits.MaxEnumerableBits} trains on every integer; wider trains on seeded samples).",
                spec.Bits);
        if (spec.HiddenSizes is null || spec.HiddenSizes.Count == 0 || spec.HiddenSizes.Count > EngineLimits.MaxHiddenLayers)
            throw new ParityNetException(ErrorIds.InvalidHiddenSize, ParityErrorKind.InvalidArgument,
                $"{spec.HiddenSizes?.Count ?? 0} hidden layers given; give ⟦HiddenSizes⟧ 1 to {EngineLimits.MaxHiddenLayers} sizes.",
                spec.HiddenSizes);
        foreach (int h in spec.HiddenSizes)
            if (h < 1 || h > EngineLimits.MaxHiddenSize)
                throw new ParityNetException(ErrorIds.InvalidHiddenSize, ParityErrorKind.InvalidArgument,
                    $"Hidden layer size {h} is outside 1 to {EngineLimits.MaxHiddenSize}. Give ⟦HiddenSizes⟧ a positive size such as 4.",
                    h);
        if (!Enum.IsDefined(spec.Task))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument, $"Task {spec.Task} is unknown. Choose one of {string.Join(", ", Enum.GetNames<ParityTask>())}.", spec.Task);
        CheckSupport(spec);
        if (!Enum.IsDefined(spec.Activation))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument, $"Activation {spec.Activation} is unknown. Choose one of {string.Join(", ", Enum.GetNames<Activation>())}.", spec.Activation);
        if (!Enum.IsDefined(spec.Initialization))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument, $"Initialization {spec.Initialization} is unknown. Choose one of {string.Join(", ", Enum.GetNames<Initialization>())}.", spec.Initialization);
        if (spec.SignedInputs && !spec.HasBias)
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                "Signed (±1) inputs need biases: the engine runs x·W + b as bits·(2W) + (b − ΣW). Drop ⟦NoBias⟧, or drop ⟦SignedInputs⟧.", spec.SignedInputs);
        CheckMemory(spec, TrainingOptions.DefaultSampleSize);
    }

    // The support is drawn from its own stream of the seed, so that a SparseParity network's weights are those of
    // any other network of the same shape and seed.
    private const ulong SupportStream = 0x5350_4152_5345_0001; // "SPARSE" 1

    /// <summary>The spec with its support: given, drawn from the seed (k of the bits, by a partial Fisher–Yates shuffle
    /// of 0 … Bits − 1), sorted; other tasks unchanged.</summary>
    internal static NetworkSpec WithSupport(NetworkSpec spec)
    {
        if (spec.Task != ParityTask.SparseParity) return spec;
        int[] support;
        if (spec.Support is { Count: > 0 } given) support = given.Order().ToArray();
        else
        {
            var rng = new SeededRandom(unchecked((long)((ulong)spec.Seed ^ SupportStream)));
            int[] bits = Enumerable.Range(0, spec.Bits).ToArray();
            int k = spec.Relevant!.Value;
            for (int i = 0; i < k; i++)
            {
                int j = i + (int)rng.NextInt64(spec.Bits - i);
                (bits[i], bits[j]) = (bits[j], bits[i]);
            }
            support = bits[..k].Order().ToArray();
        }
        return spec with { Support = Array.AsReadOnly(support), Relevant = null };
    }

    private static void CheckSupport(NetworkSpec spec)
    {
        if (spec.Task != ParityTask.SparseParity)
        {
            if (spec.Support is { Count: > 0 } || spec.Relevant is not null)
                throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                    $"A support (⟦Support⟧ or ⟦Relevant⟧) belongs to the SparseParity task, not {spec.Task}. Give ⟦Task⟧ SparseParity, or leave the support out.", spec.Task);
            return;
        }
        bool given = spec.Support is { Count: > 0 };
        if (given == (spec.Relevant is not null))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                given ? "Give SparseParity its support one way: ⟦Support⟧ (the bits) or ⟦Relevant⟧ (how many, drawn from the seed), not both."
                      : $"SparseParity needs its support: ⟦Relevant⟧ 3 draws 3 of the {spec.Bits} bits from the seed, or ⟦Support⟧ 0,5,9 names them (0 is the least significant bit).", spec.Task);
        if (!given)
        {
            if (spec.Relevant < 1 || spec.Relevant > spec.Bits)
                throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                    $"Relevant {spec.Relevant} is outside 1 to {spec.Bits}, the network's bits. Give ⟦Relevant⟧ how many of the {spec.Bits} bits the label reads, such as 3.", spec.Relevant);
            return;
        }
        var seen = new HashSet<int>();
        foreach (int bit in spec.Support!)
        {
            if (bit < 0 || bit >= spec.Bits)
                throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                    $"Support bit {bit} is outside 0 to {spec.Bits - 1}, the bits of this {spec.Bits}-bit network (0 is the least significant). Give ⟦Support⟧ bits from 0 to {spec.Bits - 1}.", bit);
            if (!seen.Add(bit))
                throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                    $"Support bit {bit} is given twice; give each bit of ⟦Support⟧ once.", bit);
        }
    }

    /// <summary>Throws <see cref="ErrorIds.TooLarge"/> when training <paramref name="spec"/> would need more than <see cref="EngineLimits.MaxBytes"/>.</summary>
    internal static void CheckMemory(NetworkSpec spec, int sampleSize)
    {
        long bytes = EngineLimits.TrainingBytes(spec, sampleSize), max = EngineLimits.MaxBytes;
        if (bytes > max)
            throw new ParityNetException(ErrorIds.TooLarge, ParityErrorKind.LimitsExceeded,
                $"A {string.Join("-", Sizes(spec))} network needs about {bytes >> 20} MiB to train on {EngineLimits.TrainingRows(spec.Bits, sampleSize)} rows at once, over the limit of {max >> 20} MiB. Use fewer ⟦Bits⟧, smaller ⟦HiddenSizes⟧ or a smaller ⟦SampleSize⟧.",
                bytes);
    }

    private static double[] CheckFinite(double[] values, int layer)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) throw Invalid($"layer {layer} has a non-finite value {v}.");
        return values;
    }

    private static ParityNetException Invalid(string what) =>
        new(ErrorIds.InvalidWeights, ParityErrorKind.InvalidData, "Cannot build the network: " + what);
}
