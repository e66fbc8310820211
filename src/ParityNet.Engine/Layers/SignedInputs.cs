using System.Runtime.CompilerServices;
namespace ParityNet;

/// <summary>
/// ±1 inputs on the 0/1 bit kernels. With x = 2b − 1 for the bits b, the first layer's x·W + bias is
/// b·(2W) + (bias − Σ_p W[p, :]): a network with signed inputs runs as a 0/1 network whose first layer is
/// folded (<see cref="Fold"/>), and the gradients of the folded layer turn back into those of W and bias by the
/// chain rule (<see cref="Unfold"/>): ∂/∂W[p, j] = 2·∂/∂W'[p, j] − ∂/∂bias'[j], ∂/∂bias = ∂/∂bias'. Doubling is exact;
/// the fold's sums differ from a direct ±1 sum only by rounding (the reference trainer sums ±1 directly, and the
/// tests hold the two to 1e-12).
/// </summary>
internal static class SignedInputs
{
    /// <summary>wOut = 2·w and biasOut = bias − w[0, :] − w[1, :] − … in that order, for a bits × m layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int bits, int m, Span<double> wOut, Span<double> biasOut)
    {
        if (w.Length < (long)bits * m || bias.Length != m || wOut.Length < (long)bits * m || biasOut.Length != m)
            throw new ArgumentException("w, bias or the outputs do not fit a bits × m layer with biases.");
        Kernels.Scale(w.Slice(0, bits * m), 2.0, wOut);
        bias.CopyTo(biasOut);
        for (int p = 0; p < bits; p++) Kernels.MultiplyAddAndCheck(w.Slice(p * m, m), -1.0, biasOut);
    }

    /// <summary>In place: the folded layer's gradients g' (bits × m) and biasGradient' (m) become those of the signed
    /// layer: g[p, j] = 2·g'[p, j] − biasGradient'[j]; the bias gradient is unchanged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(Span<double> g, ReadOnlySpan<double> biasGradient, int bits, int m)
    {
        if (g.Length < (long)bits * m || biasGradient.Length != m) throw new ArgumentException("g or biasGradient does not fit a bits × m layer.");
        for (int p = 0; p < bits; p++)
        {
            var row = g.Slice(p * m, m);
            Kernels.Scale(row, 2.0, row);
            Kernels.MultiplyAddAndCheck(biasGradient, -1.0, row);
        }
    }
}
