using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>Plain Sgd's step of a signed layer from the folded layer's gradients, and the fold of the result, in one
    /// pass: <see cref="Unfold"/>, weight decay (g += λ·p, λ = <paramref name="weightDecay"/>, when not 0), the step
    /// p += (−α)·g and <see cref="Fold"/> of the new w and bias into <paramref name="wFolded"/> and <paramref name="biasFolded"/>,
    /// each value made by the same operations in the same order as those passes one after the other, so the same bits.
    /// <paramref name="g"/> and <paramref name="gBias"/> (the folded layer's) are left as they were. Returns whether every
    /// w, 2·w and bias is still finite (2·w too: where a step keeps the folded weights alone, FoldedStep.FoldedOnly, they stand for w).</summary>
    /// <remarks>Row by row, so that every array streams in order; <paramref name="biasFolded"/> collects its column sums
    /// in place. Elementwise throughout: the same bits at any vector width, and the scalar loop is its twin.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool StepAndFold(Span<double> w, Span<double> bias, ReadOnlySpan<double> g, ReadOnlySpan<double> gBias, int bits, int m,
        double alpha, double weightDecay, Span<double> wFolded, Span<double> biasFolded)
    {
        if (w.Length != bits * m || g.Length < w.Length || wFolded.Length < w.Length || bias.Length != m || gBias.Length != m || biasFolded.Length != m)
            throw new ArgumentException("w, bias, their gradients or the folded outputs do not fit a bits × m layer with biases.");
        bool finite = StepBiases(bias, gBias, alpha, weightDecay, biasFolded);
        for (int p = 0; p < bits; p++)
            finite &= StepRow(w.Slice(p * m, m), g.Slice(p * m, m), gBias, alpha, weightDecay, wFolded.Slice(p * m, m), biasFolded);
        return finite;
    }

    // The biases: g = gBias (+ λ·bias), bias += (−α)·g; the folded bias starts from the new bias. Whether all are finite.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool StepBiases(Span<double> bias, ReadOnlySpan<double> gBias, double alpha, double weightDecay, Span<double> biasFolded)
    {
        bool finite = true;
        for (int j = 0; j < bias.Length; j++)
        {
            double gj = weightDecay != 0 ? gBias[j] + weightDecay * bias[j] : gBias[j];
            double b = bias[j] + -alpha * gj;
            bias[j] = b;
            biasFolded[j] = b;
            finite &= double.IsFinite(b);
        }
        return finite;
    }

    /// <summary><see cref="StepRow"/> for eight columns whose folded gradient g' is <paramref name="g"/> (the pass that made it
    /// steps as it goes: <see cref="FoldedStep"/>): the same operations, so the same bits. check += w − w (NaN once a w is not finite).
    /// With <paramref name="foldedOnly"/>, w is read as wFolded·½ and not written (<see cref="FoldedStep.FoldedOnly"/>): the same bits,
    /// as wFolded = 2·w exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StepEight(Vector512<double> g, ref double w, ref double wFolded, ref double biasFolded, ref double gBias,
        Vector512<double> minusAlpha, Vector512<double> decay, bool decays, ref Vector512<double> check, bool foldedOnly = false)
    {
        var sums = Vector512.LoadUnsafe(ref biasFolded);
        StepEightHeld(g, ref w, ref wFolded, -Vector512.LoadUnsafe(ref gBias), ref sums, minusAlpha, decay, decays, ref check, foldedOnly);
        sums.StoreUnsafe(ref biasFolded);
    }

    /// <summary><see cref="StepEight"/> with −gBias and the folded biases' running sums held in registers by the caller, which
    /// can step the rows of a block of units in order without a load and a store of those sums a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StepEightHeld(Vector512<double> g, ref double w, ref double wFolded, Vector512<double> minusGBias, ref Vector512<double> biasFolded,
        Vector512<double> minusAlpha, Vector512<double> decay, bool decays, ref Vector512<double> check, bool foldedOnly)
    {
        var wv = foldedOnly ? Vector512.LoadUnsafe(ref wFolded) * 0.5 : Vector512.LoadUnsafe(ref w);
        var gw = g * 2.0 + minusGBias;
        if (decays) gw += decay * wv;
        wv += minusAlpha * gw;
        if (!foldedOnly) wv.StoreUnsafe(ref w);
        var folded = wv * 2.0;
        folded.StoreUnsafe(ref wFolded);
        biasFolded += -wv;
        check += folded - folded; // NaN once w, or 2·w, is not finite
    }

    // One row p: gw = 2·g' − gBias (+ λ·w), w += (−α)·gw, wFolded = 2·w, biasFolded −= w.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool StepRow(Span<double> w, ReadOnlySpan<double> g, ReadOnlySpan<double> gBias, double alpha, double weightDecay,
        Span<double> wFolded, Span<double> biasFolded)
    {
        int j = 0, m = w.Length;
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double br = ref MemoryMarshal.GetReference(gBias);
        ref double fr = ref MemoryMarshal.GetReference(wFolded);
        ref double sr = ref MemoryMarshal.GetReference(biasFolded);
        bool decay = weightDecay != 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(-alpha);
            var l = Vector512.Create(weightDecay);
            var check = Vector512<double>.Zero; // r − r is 0 for finite r, NaN otherwise
            for (; j <= m - 8; j += 8)
                StepEight(Vector512.LoadUnsafe(ref gr, (nuint)j), ref Unsafe.Add(ref wr, j), ref Unsafe.Add(ref fr, j), ref Unsafe.Add(ref sr, j),
                    ref Unsafe.Add(ref br, j), a, l, decay, ref check);
            if (!Vector512.EqualsAll(check, Vector512<double>.Zero)) return StepTail(w, g, gBias, alpha, weightDecay, wFolded, biasFolded, j) && false;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(-alpha);
            var l = Vector256.Create(weightDecay);
            var check = Vector256<double>.Zero;
            for (; j <= m - 4; j += 4)
            {
                var wv = Vector256.LoadUnsafe(ref wr, (nuint)j);
                var gw = Vector256.LoadUnsafe(ref gr, (nuint)j) * 2.0 + -Vector256.LoadUnsafe(ref br, (nuint)j);
                if (decay) gw += l * wv;
                wv += a * gw;
                wv.StoreUnsafe(ref wr, (nuint)j);
                var folded = wv * 2.0;
                folded.StoreUnsafe(ref fr, (nuint)j);
                (Vector256.LoadUnsafe(ref sr, (nuint)j) + -wv).StoreUnsafe(ref sr, (nuint)j);
                check += folded - folded;
            }
            if (!Vector256.EqualsAll(check, Vector256<double>.Zero)) return StepTail(w, g, gBias, alpha, weightDecay, wFolded, biasFolded, j) && false;
        }
        return StepTail(w, g, gBias, alpha, weightDecay, wFolded, biasFolded, j);
    }

    // The scalar loop from column `from` on: the vector loops' twin.
    private static bool StepTail(Span<double> w, ReadOnlySpan<double> g, ReadOnlySpan<double> gBias, double alpha, double weightDecay,
        Span<double> wFolded, Span<double> biasFolded, int from)
    {
        bool finite = true;
        for (int j = from; j < w.Length; j++)
        {
            double gw = g[j] * 2.0 + -gBias[j];
            if (weightDecay != 0) gw += weightDecay * w[j];
            double v = w[j] + -alpha * gw;
            w[j] = v;
            wFolded[j] = v * 2.0;
            biasFolded[j] += -v;
            finite &= double.IsFinite(v * 2.0);
        }
        return finite;
    }
}

/// <summary>
/// <see cref="SignedInputs.StepAndFold"/> handed to the pass that makes the gradients, for a batch of one tile on the fused ReLU
/// path (<see cref="ReLUBlockLayer.BackwardAny"/>): each first-layer gradient row is stepped and folded as soon as it is made,
/// instead of being written out and read back by a pass of its own. The same operations in the same order, so the same bits
/// (tested against StepAndFold); where the fused path does not serve, <see cref="Taken"/> stays false and the trainer steps as before.
/// </summary>
internal sealed class FoldedStep(double[] w, double[] bias, double[] wFolded, double[] biasFolded, double alpha, double weightDecay,
    bool foldedOnly = false)
{
    /// <summary>Whether a step taken in the pass reads and writes the folded weights alone, w as wFolded·½, and leaves
    /// <see cref="W"/> as it was (<see cref="Stale"/>): one array of the layer's size read and written a step instead of one read
    /// and two written, so that a 50 × 1000 layer, its activations and its signs stay in a core's second-level cache. The same
    /// bits: wFolded = 2·w exactly, so wFolded·½ is w. The caller makes w = wFolded·½ again before it reads W.</summary>
    public bool FoldedOnly { get; } = foldedOnly;

    /// <summary>Whether a step taken with <see cref="FoldedOnly"/> has left <see cref="W"/> behind the folded weights.</summary>
    public bool Stale { get; set; }

    public double[] W { get; } = w;
    public double[] Bias { get; } = bias;
    public double[] WFolded { get; } = wFolded;
    public double[] BiasFolded { get; } = biasFolded;
    public double Alpha { get; } = alpha;
    public double WeightDecay { get; } = weightDecay;

    /// <summary>Whether the last pass took the step (set by the pass; the trainer clears it before each).</summary>
    public bool Taken { get; set; }

    /// <summary>Whether every w and bias was finite after the step taken.</summary>
    public bool Finite { get; set; }
}
