using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>Buffers for the forward pass of up to <c>capacity</c> rows; reused across calls.</summary>
internal sealed class ForwardPass
{
    private readonly int[] _sizes;
    private readonly Activation _activation;
    private readonly double[][] _activations; // [0] is the input
    private readonly double[] _logits;        // the output unit's pre-activation

    public ForwardPass(ParityNetwork network, int capacity)
    {
        _sizes = network.LayerSizes.ToArray();
        _activation = network.Activation;
        _activations = _sizes.Select(s => new double[(long)s * capacity]).ToArray();
        _logits = new double[capacity];
    }

    /// <summary>The activations of layer <paramref name="layer"/> (0 = input) from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Activations(int layer, int rows) => _activations[layer].AsSpan(0, rows * _sizes[layer]);

    /// <summary>The output unit's pre-activation from the last run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Logits(int rows) => _logits.AsSpan(0, rows);

    /// <summary>The input block to fill before <see cref="Run"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Input(int rows) => Activations(0, rows);

    /// <summary>Runs the layers over the first <paramref name="rows"/> inputs; returns the output column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<double> Run(int rows, double[][] weights, double[][] biases)
    {
        int last = weights.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            var z = Activations(l + 1, rows);
            Kernels.MatMul(Activations(l, rows), weights[l], z, rows, _sizes[l], _sizes[l + 1]);
            Kernels.AddBias(z, biases[l], rows, _sizes[l + 1]);
            if (l == last) z.CopyTo(Logits(rows));
            Kernels.Activate(z, l == last ? Activation.Sigmoid : _activation);
        }
        return Activations(_sizes.Length - 1, rows);
    }
}
