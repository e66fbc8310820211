using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// A dense layer after the first: forward z = a·W + bias then the activation; backward, side by side, the
/// weight gradient aᵀ·δ, the bias gradient Σδ, and the delta of the layer below (δ·Wᵀ) ⊙ f′(a), the lesson's
/// weighted error. Rows are in a tile (rows × units, row-major).
/// </summary>
internal static class DenseLayer
{
    /// <summary>z[rows×units] = input[rows×inputs] · w + bias: the pre-activations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PreActivations(ReadOnlySpan<double> input, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, Span<double> z, int rows, int inputs, int units)
    {
        Kernels.MatMul(input, w, z, rows, inputs, units);
        Kernels.AddBias(z, bias, rows, units);
    }

    /// <summary>values = f(values), in place: the hidden activation, or the output's sigmoid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Activate(Span<double> values, Activation activation) => Kernels.Activate(values, activation);

    /// <summary>The backward step of one layer, given δ (above) = ∂objective/∂z of its units:
    /// gW += inputᵀ·δ and gBias += Σδ; when <paramref name="below"/> is not empty, the delta of the layer below,
    /// (δ·Wᵀ) ⊙ f′ taken from <paramref name="input"/>, the activations of that layer. One output unit takes one combined
    /// single pass over the rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> above, ReadOnlySpan<double> w, Span<double> gW, Span<double> gBias,
        Span<double> below, int rows, int inputs, int units, Activation activationBelow)
    {
        if (units == 1)
        {
            Kernels.SingleUnitBackward(input, above, w, gW, gBias, below, rows, inputs, activationBelow);
            return;
        }
        Kernels.MatMulTransposeAAdd(input, above, gW, rows, inputs, units);
        if (gBias.Length > 0) Kernels.ColumnSumsAdd(above, gBias, rows, units);
        if (!below.IsEmpty)
        {
            Kernels.MatMulTransposeB(above, w, below, rows, units, inputs);
            Kernels.ActivationDelta(below, input, below, activationBelow);
        }
    }
}
