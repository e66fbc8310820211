using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>
/// One pass of a network over a set of rows: forward, loss and accuracy, and optionally backward
/// with the gradients of the mean objective. Rows are taken in tiles of up to 128 that stay in the
/// cache from the first layer to the last gradient. Large passes split into up to eight groups of
/// tiles that run in parallel; the groups depend only on the number of rows, never on the machine,
/// and their sums are added in a fixed order, so results are the same on every machine.
/// The first layer reads no input matrix: its sums are built from the numbers' bits
/// (<see cref="BitKernels"/>), incrementally over the integers themselves, with sigmoid units as
/// products of exponentials, and for the lesson's shape fused with the output layer four rows at a time
/// (<see cref="FusedKernels"/>); see <see cref="ChoosePath"/>.
/// </summary>
internal sealed class GradientPass
{
    public const int TileRows = 128;
    private const int MaxGroups = 8;
    private const int ParallelRows = 2048; // below this a pass takes microseconds: one thread, no overhead

    private readonly Worker[] _workers;
    private readonly int _layers;
    private readonly int[] _sizes;
    private readonly bool _sigmoid;
    private readonly ParityTask _task;
    private readonly double[] _negExpW, _negExpBias; // e^−w and e^−bias of the first layer, for the product sigmoid
    private double[] _enumeratedLabels = Array.Empty<double>();

    public GradientPass(ParityNetwork network, LossFunction loss, int maxRows)
    {
        int[] sizes = network.LayerSizes.ToArray();
        _sizes = sizes;
        _layers = sizes.Length - 1;
        _sigmoid = network.Activation == Activation.Sigmoid;
        _task = network.Task;
        _negExpW = new double[sizes[0] * sizes[1]];
        _negExpBias = new double[network.HasBias ? sizes[1] : 0];
        int tile = Math.Min(TileRows, maxRows);
        int groups = maxRows >= ParallelRows ? MaxGroups : 1;
        _workers = Enumerable.Range(0, groups).Select(_ => new Worker(sizes, network.Activation, network.Task, loss, network.HasBias, tile)).ToArray();
    }

    /// <summary>Runs over <paramref name="count"/> rows: the integers 0 … count − 1 when
    /// <paramref name="numbers"/> is null (count a power of two), else numbers[offset …].
    /// With gradient buffers, they receive the gradients of the objective averaged over the rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double LossSum, int Correct) Run(long[]? numbers, int offset, int count, double[][] weights, double[][] biases,
        double[][]? gradWeights = null, double[][]? gradBiases = null)
    {
        int tile = _workers[0].Tile;
        int tiles = (count + tile - 1) / tile;
        int groups = count >= ParallelRows ? Math.Min(_workers.Length, tiles) : 1;
        double scale = 1.0 / count;
        bool backward = gradWeights is not null;
        var shared = new Shared(scale, backward, numbers is null ? EnumeratedLabels(count) : null, ChoosePath(numbers, weights, biases),
            _negExpW, _negExpBias, gradWeights, gradBiases);
        if (groups == 1) _workers[0].Run(numbers, offset, 0, count, weights, biases, shared, intoCaller: true);
        else RunGroups(groups, tiles, tile, numbers, offset, count, weights, biases, shared);

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

    /// <summary>How this pass computes the first layer: by products of exponentials when its units are
    /// sigmoids and the weights keep every product normal (then e^−w and e^−bias of the first layer are
    /// made here, once for all groups); over the integers themselves, fused with the output layer when the
    /// network has the lesson's shape and the weights allow four sigmoids per division; otherwise from the
    /// sums of weight rows (Dense: the dense product's additions, then the activation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal FirstLayerPath ChoosePath(long[]? numbers, double[][] weights, double[][] biases)
    {
        int bits = _sizes[0], m = _sizes[1];
        if (!_sigmoid) return FirstLayerPath.Dense;
        double bound = BitKernels.MakeFactors(weights[0], biases[0], bits, m, _negExpW, _negExpBias);
        if (!(bound <= VectorMath.NegExpLimit)) return FirstLayerPath.Dense;
        bool shallow = numbers is null && _layers == 2 && bits >= 2 && FusedKernels.Fits(_workers[0].Tile, m);
        return shallow && bound <= FusedKernels.QuadLimit ? FirstLayerPath.Fused : FirstLayerPath.Products;
    }

    internal enum FirstLayerPath { Dense, Products, Fused }

    /// <summary>The labels of the integers 0 … count − 1, made once.</summary>
    private double[] EnumeratedLabels(int count)
    {
        if (_enumeratedLabels.Length != count)
            _enumeratedLabels = Enumerable.Range(0, count).Select(i => (double)TaskLabels.Label(_task, i)).ToArray();
        return _enumeratedLabels;
    }

    /// <summary>What every group of one pass reads.</summary>
    private readonly record struct Shared(double Scale, bool Backward, double[]? Labels, FirstLayerPath Path, double[] NegExpW,
        double[] NegExpBias, double[][]? GradWeights, double[][]? GradBiases);

    // Kept apart so that the closure is only allocated when groups run in parallel.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunGroups(int groups, int tiles, int tile, long[]? numbers, int offset, int count,
        double[][] weights, double[][] biases, Shared shared)
    {
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, g =>
        {
            int first = (int)((long)tiles * g / groups) * tile;
            int last = Math.Min(count, (int)((long)tiles * (g + 1) / groups) * tile);
            _workers[g].Run(numbers, offset, first, last - first, weights, biases, shared, intoCaller: g == 0);
        });
    }

    /// <summary>One group's buffers: a tile of activations and deltas, and its partial sums.</summary>
    private sealed class Worker
    {
        private readonly int[] _sizes;
        private readonly int _layers;
        private readonly Activation _activation;
        private readonly ParityTask _task;
        private readonly LossFunction _loss;
        private readonly double[][] _activations, _deltas;
        private readonly double[] _logits, _labels, _slots;

        public Worker(int[] sizes, Activation activation, ParityTask task, LossFunction loss, bool bias, int tile)
        {
            _sizes = sizes;
            _layers = sizes.Length - 1;
            _activation = activation;
            _task = task;
            _loss = loss;
            Tile = tile;
            _activations = sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : new double[s * tile]).ToArray(); // no input matrix: bits are read from the numbers
            _deltas = sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : new double[s * tile]).ToArray();
            _logits = new double[tile];
            _labels = new double[tile];
            _slots = new double[(System.Numerics.BitOperations.Log2((uint)tile) + 1) * sizes[1]];
            GradWeights = Enumerable.Range(0, _layers).Select(l => new double[sizes[l] * sizes[l + 1]]).ToArray();
            GradBiases = Enumerable.Range(0, _layers).Select(l => bias ? new double[sizes[l + 1]] : Array.Empty<double>()).ToArray();
        }

        public int Tile { get; }
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
            if (shared.Backward)
            {
                // The first group sums into the caller's buffers, the others into their own.
                _gradWeights = intoCaller ? shared.GradWeights! : GradWeights;
                _gradBiases = intoCaller ? shared.GradBiases! : GradBiases;
                for (int l = 0; l < _layers; l++)
                {
                    Kernels.Zero(_gradWeights[l]);
                    if (_gradBiases[l].Length > 0) Kernels.Zero(_gradBiases[l]);
                }
            }
            for (int start = first; start < first + count; start += Tile)
                RunTile(numbers, offset, start, Math.Min(Tile, first + count - start), weights, biases, shared);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunTile(long[]? numbers, int offset, int start, int rows, double[][] weights, double[][] biases, in Shared shared)
        {
            int bits = _sizes[0];
            bool enumerated = numbers is null, backward = shared.Backward;
            double scale = shared.Scale;
            var rowNumbers = enumerated ? default : numbers.AsSpan(offset + start, rows);
            var labels = enumerated ? shared.Labels.AsSpan(start, rows) : _labels.AsSpan(0, rows);
            for (int j = 0; j < rows && !enumerated; j++) _labels[j] = TaskLabels.Label(_task, rowNumbers[j]);

            // Forward.
            for (int l = 0; l < _layers; l++)
            {
                var z = _activations[l + 1].AsSpan(0, rows * _sizes[l + 1]);
                if (l == 0 && shared.Path == FirstLayerPath.Fused)
                {
                    FusedKernels.Forward(start, rows, bits, shared.NegExpW, shared.NegExpBias, weights[1], _sizes[1], z,
                        _logits.AsSpan(0, rows), _slots);
                    Kernels.AddBias(_logits.AsSpan(0, rows), biases[1], rows, 1);
                    VectorMath.Sigmoid(_logits.AsSpan(0, rows), _activations[2].AsSpan(0, rows));
                    break;
                }
                if (l == 0 && shared.Path == FirstLayerPath.Products)
                {
                    if (enumerated) BitKernels.FirstLayerSigmoid(start, rows, bits, shared.NegExpW, shared.NegExpBias, _sizes[1], z, _slots);
                    else BitKernels.FirstLayerSigmoidOf(rowNumbers, bits, shared.NegExpW, shared.NegExpBias, _sizes[1], z);
                    continue;
                }
                if (l == 0 && enumerated) BitKernels.FirstLayer(start, rows, bits, weights[0], _sizes[1], z);
                else if (l == 0) BitKernels.FirstLayerOf(rowNumbers, bits, weights[0], _sizes[1], z);
                else Kernels.MatMul(_activations[l].AsSpan(0, rows * _sizes[l]), weights[l], z, rows, _sizes[l], _sizes[l + 1]);
                Kernels.AddBias(z, biases[l], rows, _sizes[l + 1]);
                if (l == _layers - 1) z.CopyTo(_logits);
                Kernels.Activate(z, l == _layers - 1 ? Activation.Sigmoid : _activation);
            }

            // Loss, accuracy and the output delta: ∂objective/∂logit, averaged over the pass.
            var output = _activations[_layers].AsSpan(0, rows);
            var delta = _deltas[_layers].AsSpan(0, rows);
            double lossSum = 0;
            int correct = 0;
            if (_loss == LossFunction.MeanSquaredError)
            {
                (lossSum, correct) = Kernels.SquaredErrorOutput(output, labels, scale, delta);
            }
            else
            {
                for (int j = 0; j < rows; j++)
                {
                    double p = output[j], y = labels[j];
                    lossSum += Losses.Value(_loss, _logits[j], p, y);
                    if ((p >= 0.5 ? 1.0 : 0.0) == y) correct++;
                    delta[j] = scale * Losses.OutputGradient(_loss, p, y);
                }
            }
            LossSum += lossSum;
            Correct += correct;
            if (!backward) return;

            // Backward: each layer's gradients, then the delta of the layer below.
            for (int l = _layers - 1; l >= 0; l--)
            {
                var above = _deltas[l + 1].AsSpan(0, rows * _sizes[l + 1]);
                if (l == 1 && shared.Path == FirstLayerPath.Fused)
                {
                    var quads = _deltas[1].AsSpan(0, rows / 4 * _sizes[1]);
                    FusedKernels.Backward(rows, bits, _activations[1].AsSpan(0, rows * _sizes[1]), above, weights[1], _sizes[1],
                        _gradWeights[1], _gradWeights[0], quads);
                    BitKernels.WeightGradientAdd(start, rows, bits, quads, _sizes[1], _gradWeights[0], _gradBiases[0], foldedLevels: 2);
                    if (_gradBiases[1].Length > 0) Kernels.ColumnSumsAdd(above, _gradBiases[1], rows, 1);
                    break;
                }
                if (l == 0)
                {
                    if (enumerated) BitKernels.WeightGradientAdd(start, rows, bits, above, _sizes[1], _gradWeights[0], _gradBiases[0]);
                    else BitKernels.WeightGradientAddOf(rowNumbers, bits, above, _sizes[1], _gradWeights[0], _gradBiases[0]);
                    break;
                }
                var below = _activations[l].AsSpan(0, rows * _sizes[l]);
                if (_sizes[l + 1] == 1)
                {
                    Kernels.SingleUnitBackward(below, above, weights[l], _gradWeights[l], _gradBiases[l],
                        l > 0 ? _deltas[l].AsSpan(0, rows * _sizes[l]) : Span<double>.Empty, rows, _sizes[l], _activation);
                    continue;
                }
                Kernels.MatMulTransposeAAdd(below, above, _gradWeights[l], rows, _sizes[l], _sizes[l + 1]);
                if (_gradBiases[l].Length > 0) Kernels.ColumnSumsAdd(above, _gradBiases[l], rows, _sizes[l + 1]);
                if (l > 0)
                {
                    var back = _deltas[l].AsSpan(0, rows * _sizes[l]);
                    Kernels.MatMulTransposeB(above, weights[l], back, rows, _sizes[l + 1], _sizes[l]);
                    Kernels.ActivationDelta(back, below, back, _activation);
                }
            }
        }
    }
}
