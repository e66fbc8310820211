using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>Buffers for the forward pass of up to <c>capacity</c> rows; reused across calls.</summary>
internal sealed class ForwardPass
{
    private readonly int[] _sizes;
    private readonly Activation _activation;
    private readonly double[][] _activations; // per layer; [0], the input, stays empty: bits are read from the numbers
    private readonly double[] _logits;        // the output unit's pre-activation

    public ForwardPass(ParityNetwork network, int capacity)
    {
        _sizes = network.LayerSizes.ToArray();
        _activation = network.Activation;
        _activations = _sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : new double[(long)s * capacity]).ToArray();
        _logits = new double[capacity];
    }

    /// <summary>The activations of layer <paramref name="layer"/> (1 … output) from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Activations(int layer, int rows) => _activations[layer].AsSpan(0, rows * _sizes[layer]);

    /// <summary>The output unit's pre-activation from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Logits(int rows) => _logits.AsSpan(0, rows);

    /// <summary>Runs the layers over <paramref name="numbers"/>; returns the output column. With
    /// <paramref name="factors"/>, the first layer is the product sigmoid of the numbers' bits; otherwise
    /// the sums of the weight rows of their set bits (the dense product's own additions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Run(ReadOnlySpan<long> numbers, double[][] weights, double[][] biases, FirstLayerFactors? factors)
    {
        int rows = numbers.Length, last = weights.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            var z = Activations(l + 1, rows);
            if (l == 0 && factors is not null && l < last)
            {
                BitKernels.FirstLayerSigmoidOf(numbers, _sizes[0], factors.NegExpW, factors.NegExpBias, _sizes[1], z);
                continue;
            }
            if (l == 0) BitKernels.FirstLayerOf(numbers, _sizes[0], weights[0], _sizes[1], z); // the dense product's sums, no input matrix
            else Kernels.MatMul(Activations(l, rows), weights[l], z, rows, _sizes[l], _sizes[l + 1]);
            Kernels.AddBias(z, biases[l], rows, _sizes[l + 1]);
            if (l == last) z.CopyTo(Logits(rows));
            Kernels.Activate(z, l == last ? Activation.Sigmoid : _activation);
        }
        return Activations(_sizes.Length - 1, rows);
    }
}

/// <summary>e^−w and e^−bias of a network's first layer, and whether the product sigmoid may use them.</summary>
internal sealed class FirstLayerFactors
{
    private FirstLayerFactors(double[] negExpW, double[] negExpBias, bool usable)
    {
        NegExpW = negExpW;
        NegExpBias = negExpBias;
        Usable = usable;
    }

    public double[] NegExpW { get; }
    public double[] NegExpBias { get; }

    /// <summary>Every pre-activation and partial product stays normal (<see cref="BitKernels.ProductBound"/> ≤ 700).</summary>
    public bool Usable { get; }

    public static FirstLayerFactors Of(double[] w, double[] bias, int bits, int m)
    {
        var negExpW = new double[w.Length];
        var negExpBias = new double[bias.Length];
        double bound = BitKernels.MakeFactors(w, bias, bits, m, negExpW, negExpBias);
        return new FirstLayerFactors(negExpW, negExpBias, bound <= VectorMath.NegExpLimit);
    }
}
