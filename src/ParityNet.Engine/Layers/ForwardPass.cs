using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>Buffers for prediction's forward pass of up to <c>capacity</c> rows, reused across calls; the layers
/// are <see cref="LayerStack"/>'s, as in training.</summary>
internal sealed class ForwardPass
{
    private readonly int[] _sizes;
    private readonly Activation _activation;
    private readonly double[][] _activations; // per layer; [0], the input, stays empty: bits are read from the numbers
    private readonly double[] _logits;        // the output unit's pre-activation
    private readonly long[] _wide;            // past 62 bits: the numbers as rows of chunks (WideNumbers)
    private readonly int _chunks;

    public ForwardPass(ParityNetwork network, int capacity)
    {
        _sizes = network.LayerSizes.ToArray();
        _activation = network.Activation;
        _activations = _sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : new double[(long)s * capacity]).ToArray();
        _logits = new double[capacity];
        _chunks = WideNumbers.Chunks(_sizes[0]);
        _wide = _chunks > 1 ? new long[(long)capacity * _chunks] : Array.Empty<long>();
    }

    /// <summary>The activations of layer <paramref name="layer"/> (1 … output) from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Activations(int layer, int rows) => _activations[layer].AsSpan(0, rows * _sizes[layer]);

    /// <summary>The output unit's pre-activation from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Logits(int rows) => _logits.AsSpan(0, rows);

    /// <summary>Runs the layers over <paramref name="numbers"/>, each row alone (any numbers: never the block paths);
    /// returns the output column. The first layer's path is <see cref="FirstLayer.Choose"/>'s for the network's
    /// factors, made once per network.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Run(ReadOnlySpan<long> numbers, double[][] weights, double[][] biases, FirstLayerFactors factors)
    {
        var kind = FirstLayer.Choose(_activation, _sizes.Length - 1, _sizes[0], _sizes[1], consecutive: false, tileRows: 0, factors.Bound);
        var plan = new LayerStack.Plan(_sizes, _activation, kind, factors.NegExpW, factors.NegExpBias);
        if (_chunks == 1) LayerStack.Forward(plan, new LayerStack.Rows(numbers), weights, biases, _activations, _logits, Array.Empty<double>());
        else
        {
            for (int i = 0; i < numbers.Length; i++) WideNumbers.FromLong(numbers[i], _wide.AsSpan(i * _chunks, _chunks));
            LayerStack.Forward(plan, new LayerStack.Rows(_wide.AsSpan(0, numbers.Length * _chunks), _chunks), weights, biases, _activations, _logits, Array.Empty<double>());
        }
        return Activations(_sizes.Length - 1, numbers.Length);
    }

    /// <summary><see cref="Run"/> over rows of <see cref="WideNumbers"/> chunks (one long a row up to 62 bits), every input bit read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> RunRows(ReadOnlySpan<long> rows, double[][] weights, double[][] biases, FirstLayerFactors factors)
    {
        if (_chunks == 1) return Run(rows, weights, biases, factors);
        var kind = FirstLayer.Choose(_activation, _sizes.Length - 1, _sizes[0], _sizes[1], consecutive: false, tileRows: 0, factors.Bound);
        var plan = new LayerStack.Plan(_sizes, _activation, kind, factors.NegExpW, factors.NegExpBias);
        LayerStack.Forward(plan, new LayerStack.Rows(rows, _chunks), weights, biases, _activations, _logits, Array.Empty<double>());
        return Activations(_sizes.Length - 1, rows.Length / _chunks);
    }
}
