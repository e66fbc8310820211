using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>
/// One pass of a network over a set of rows: forward, loss and accuracy, and optionally backward
/// with the gradients of the mean objective. Rows are taken in tiles of up to 128 that stay in the
/// cache from the first layer to the last gradient. Large passes split into up to eight groups of
/// tiles that run in parallel; the groups depend only on the number of rows, never on the machine,
/// and their sums are added in a fixed order, so results are the same on every machine.
/// Each tile goes through the one layer loop (<see cref="LayerStack"/>), whose first layer reads no input
/// matrix: the path <see cref="FirstLayer.Choose"/> picks builds it from the integers' bits.
/// </summary>
internal sealed class GradientPass
{
    public const int TileRows = 128;
    private const int MaxGroups = 8;
    internal const int ParallelRows = 2048; // below this a pass takes microseconds: one thread, no overhead

    private readonly Worker[] _workers;
    private readonly int _layers;
    private readonly int[] _sizes;
    private readonly Activation _activation;
    private readonly ParityTask _task;
    private readonly long _support; // SparseParity's mask of bits
    private readonly double[] _negExpW, _negExpBias; // e^−w and e^−bias of the first layer, for the product sigmoid
    private double[] _enumeratedLabels = Array.Empty<double>();
    private readonly int _chunks; // longs a row: 1 up to 62 bits (WideNumbers)

    public GradientPass(ParityNetwork network, LossFunction loss, int maxRows)
    {
        int[] sizes = network.LayerSizes.ToArray();
        _sizes = sizes;
        _layers = sizes.Length - 1;
        _activation = network.Activation;
        _task = network.Task;
        _support = network.SupportMask;
        _negExpW = new double[sizes[0] * sizes[1]];
        _negExpBias = new double[network.HasBias ? sizes[1] : 0];
        int tile = Math.Min(TileRows, maxRows);
        int groups = maxRows >= ParallelRows ? MaxGroups : 1;
        _chunks = WideNumbers.Chunks(sizes[0]);
        var masks = WideNumbers.Masks(network.Support, sizes[0]);
        _workers = Enumerable.Range(0, groups).Select(_ => new Worker(sizes, network.Activation, network.Task, network.SupportMask, masks, loss, network.HasBias, tile)).ToArray();
    }

    private int _released;

    /// <summary>Gives the workers' buffers back to <see cref="AlignedArrays"/>' pool: the pass is not run again (its trainer's run
    /// has ended). Once; a pass never released leaves them to the collector.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        foreach (var worker in _workers) AlignedArrays.Return(worker.Buffers);
    }

    /// <summary>Runs over <paramref name="count"/> rows: the integers 0 … count − 1 when
    /// <paramref name="numbers"/> is null (count a power of two), else the rows from row <paramref name="offset"/> of
    /// numbers (one long a row up to 62 bits, <see cref="WideNumbers.Chunks"/> past it).
    /// With gradient buffers, they receive the gradients of the objective averaged over the rows. Without
    /// <paramref name="parallel"/>, a large pass's groups run one after the other on this thread (the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double LossSum, int Correct) Run(long[]? numbers, int offset, int count, double[][] weights, double[][] biases,
        double[][]? gradWeights = null, double[][]? gradBiases = null, long? randomLabelSeed = null, bool parallel = true, FoldedStep? step = null,
        SecondThread? helper = null)
    {
        int tile = _workers[0].Tile;
        int tiles = (count + tile - 1) / tile;
        int groups = count >= ParallelRows ? Math.Min(_workers.Length, tiles) : 1;
        double scale = 1.0 / count;
        bool backward = gradWeights is not null;
        var plan = new LayerStack.Plan(_sizes, _activation, ChooseFirstLayer(numbers, weights, biases), _negExpW, _negExpBias);
        if (randomLabelSeed is not null && numbers is null) throw new ArgumentException("random labels need the numbers.", nameof(randomLabelSeed));
        // A step in the pass (FoldedStep) needs the whole gradient in one tile.
        var shared = new Shared(scale, backward, numbers is null ? EnumeratedLabels(count) : null, plan, gradWeights, gradBiases, randomLabelSeed, _chunks,
            backward && tiles == 1 ? step : null, backward && groups == 1 ? helper : null);
        if (groups == 1) _workers[0].Run(numbers, offset, 0, count, weights, biases, shared, intoCaller: true);
        else if (parallel) RunGroups(groups, tiles, tile, numbers, offset, count, weights, biases, shared);
        else
            for (int g = 0; g < groups; g++)
            {
                var (first, last) = GroupRows(g, groups, tiles, tile, count);
                _workers[g].Run(numbers, offset, first, last - first, weights, biases, shared, intoCaller: g == 0);
            }

        double lossSum = 0;
        int correct = 0;
        for (int g = 0; g < groups; g++) { lossSum += _workers[g].LossSum; correct += _workers[g].Correct; }
        if (backward)
        {
            // The first group summed straight into the caller's buffers; the others are added in order.
            for (int l = 0; l < _layers; l++)
            {
                for (int g = 1; g < groups; g++)
                {
                    Kernels.Add(_workers[g].GradWeights[l], gradWeights![l]);
                    Kernels.Add(_workers[g].GradBiases[l], gradBiases![l]);
                }
            }
        }
        return (lossSum, correct);
    }

    /// <summary>The first layer's path for this pass (<see cref="FirstLayer.Choose"/>), and, for the product paths,
    /// e^−w and e^−bias of the first layer, made here once for all groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal FirstLayerKind ChooseFirstLayer(long[]? numbers, double[][] weights, double[][] biases)
    {
        int bits = _sizes[0], m = _sizes[1];
        double bound = _activation == Activation.Sigmoid ? FirstLayer.ProductBound(weights[0], biases[0], bits, m) : double.NaN;
        var kind = FirstLayer.Choose(_activation, _layers, bits, m, consecutive: numbers is null, _workers[0].Tile, bound);
        if (kind != FirstLayerKind.SummedBits) FirstLayer.Factors(weights[0], biases[0], _negExpW, _negExpBias);
        return kind;
    }

    /// <summary>The labels of the integers 0 … count − 1, made once.</summary>
    private double[] EnumeratedLabels(int count)
    {
        if (_enumeratedLabels.Length != count)
            _enumeratedLabels = Enumerable.Range(0, count).Select(i => (double)TaskLabels.Label(_task, i, _support)).ToArray();
        return _enumeratedLabels;
    }

    /// <summary>What every group of one pass reads.</summary>
    private readonly record struct Shared(double Scale, bool Backward, double[]? Labels, LayerStack.Plan Plan,
        double[][]? GradWeights, double[][]? GradBiases, long? RandomLabelSeed, int Chunks, FoldedStep? Step, SecondThread? Helper);

    // Kept apart so that the closure is only allocated when groups run in parallel.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunGroups(int groups, int tiles, int tile, long[]? numbers, int offset, int count,
        double[][] weights, double[][] biases, Shared shared)
    {
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, g =>
        {
            var (first, last) = GroupRows(g, groups, tiles, tile, count);
            _workers[g].Run(numbers, offset, first, last - first, weights, biases, shared, intoCaller: g == 0);
        });
    }

    // The rows [first, last) of group g: whole tiles, split evenly.
    private static (int First, int Last) GroupRows(int g, int groups, int tiles, int tile, int count) =>
        ((int)((long)tiles * g / groups) * tile, Math.Min(count, (int)((long)tiles * (g + 1) / groups) * tile));

    /// <summary>One group's buffers: a tile of activations and deltas, and its partial sums.</summary>
    private sealed class Worker
    {
        private readonly int[] _sizes;
        private readonly int _layers;
        private readonly Activation _activation;
        private readonly ParityTask _task;
        private readonly long _support; // SparseParity's mask of bits
        private readonly LossFunction _loss;
        private readonly double[][] _activations, _deltas;
        private readonly double[] _logits, _labels, _slots;
        private readonly double[] _grouped; // a measuring pass's output pre-activations by sums in groups, for up to GroupedTiles tiles
        private const int GroupedTiles = 8;

        private readonly long[] _masks; // the support's mask per chunk, for wide rows

        public Worker(int[] sizes, Activation activation, ParityTask task, long support, long[] masks, LossFunction loss, bool bias, int tile)
        {
            _masks = masks;
            _sizes = sizes;
            _layers = sizes.Length - 1;
            _activation = activation;
            _task = task;
            _support = support;
            _loss = loss;
            Tile = tile;
            _activations = sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : AlignedArrays.Rent(s * tile)).ToArray(); // no input matrix: bits are read from the numbers
            _deltas = sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : AlignedArrays.Rent(s * tile)).ToArray();
            _logits = new double[tile];
            _labels = new double[tile];
            _grouped = AlignedArrays.Rent(GroupedTiles * tile);
            _slots = AlignedArrays.Rent((System.Numerics.BitOperations.Log2((uint)tile) + 1) * sizes[1]);
            GradWeights = Enumerable.Range(0, _layers).Select(l => AlignedArrays.Rent(sizes[l] * sizes[l + 1])).ToArray();
            GradBiases = Enumerable.Range(0, _layers).Select(l => bias ? AlignedArrays.Rent(sizes[l + 1]) : Array.Empty<double>()).ToArray();
        }

        public int Tile { get; }

        /// <summary>The worker's buffers, rented (<see cref="AlignedArrays.Rent"/>).</summary>
        public IEnumerable<double[]> Buffers => _activations.Concat(_deltas).Concat(GradWeights).Concat(GradBiases).Append(_grouped).Append(_slots);

        public double LossSum { get; private set; }
        public int Correct { get; private set; }
        public double[][] GradWeights { get; }
        public double[][] GradBiases { get; }
        private double[][] _gradWeights = Array.Empty<double[]>(), _gradBiases = Array.Empty<double[]>();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long[]? numbers, int offset, int first, int count, double[][] weights, double[][] biases, in Shared shared, bool intoCaller)
        {
            LossSum = 0;
            Correct = 0;
            // Over any numbers, the fused ReLU path writes the gradients of the first tile instead of adding them: no zeroing pass.
            bool written = shared.Backward && numbers is not null && LayerStack.WritesGradientsOverAny(shared.Plan);
            if (shared.Backward)
            {
                // The first group sums into the caller's buffers, the others into their own.
                _gradWeights = intoCaller ? shared.GradWeights! : GradWeights;
                _gradBiases = intoCaller ? shared.GradBiases! : GradBiases;
                for (int l = 0; l < _layers && !written; l++)
                {
                    Kernels.Zero(_gradWeights[l]);
                    if (_gradBiases[l].Length > 0) Kernels.Zero(_gradBiases[l]);
                }
            }
            if (!shared.Backward && numbers is not null && LayerStack.SumsInGroups(shared.Plan))
            {
                int chunks = shared.Chunks; // longs a row
                // A measuring pass by sums in groups: their tables made once for up to eight tiles, then each tile's loss as usual.
                for (int start = first; start < first + count; start += _grouped.Length)
                {
                    int rows = Math.Min(_grouped.Length, first + count - start);
                    GroupedSumsLayer.ForwardDots(numbers.AsSpan((offset + start) * chunks, rows * chunks), _sizes[0], weights[0], biases[0], _sizes[1],
                        weights[1], _grouped, chunks);
                    for (int t = 0; t < rows; t += Tile)
                        RunTile(numbers, offset, start + t, Math.Min(Tile, rows - t), weights, biases, shared, fresh: false, _grouped.AsSpan(t, Math.Min(Tile, rows - t)));
                }
                return;
            }
            for (int start = first; start < first + count; start += Tile)
                RunTile(numbers, offset, start, Math.Min(Tile, first + count - start), weights, biases, shared, fresh: written && start == first);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunTile(long[]? numbers, int offset, int start, int rows, double[][] weights, double[][] biases, in Shared shared, bool fresh,
            ReadOnlySpan<double> dots = default)
        {
            bool enumerated = numbers is null;
            int chunks = shared.Chunks;
            var tile = enumerated ? new LayerStack.Rows(start, rows)
                : chunks == 1 ? new LayerStack.Rows(numbers.AsSpan(offset + start, rows))
                : new LayerStack.Rows(numbers.AsSpan((offset + start) * chunks, rows * chunks), chunks);
            var labels = enumerated ? shared.Labels.AsSpan(start, rows) : _labels.AsSpan(0, rows);
            if (shared.RandomLabelSeed is long randomSeed)
                for (int j = 0; j < rows; j++) _labels[j] = WideNumbers.RandomLabel(randomSeed, tile.Numbers.Slice(j * chunks, chunks));
            else if (chunks == 1)
                for (int j = 0; j < rows && !enumerated; j++) _labels[j] = TaskLabels.Label(_task, tile.Numbers[j], _support);
            else
                for (int j = 0; j < rows; j++) _labels[j] = WideNumbers.Label(_task, tile.Numbers.Slice(j * chunks, chunks), _masks);

            if (!dots.IsEmpty)
            {
                var z = _activations[_layers].AsSpan(0, rows);
                dots.CopyTo(z);
                LayerStack.OutputFromDots(z, biases[_layers - 1], _logits);
            }
            else LayerStack.Forward(shared.Plan, tile, weights, biases, _activations, _logits, _slots, shared.Helper);
            var (lossSum, correct) = OutputLayer.Loss(_loss, _activations[_layers].AsSpan(0, rows), _logits.AsSpan(0, rows), labels,
                shared.Scale, _deltas[_layers].AsSpan(0, rows));
            LossSum += lossSum;
            Correct += correct;
            if (shared.Backward)
                LayerStack.Backward(shared.Plan, tile, weights, _activations, _deltas, _gradWeights, _gradBiases, fresh, fresh ? shared.Step : null, shared.Helper);
        }
    }
}
