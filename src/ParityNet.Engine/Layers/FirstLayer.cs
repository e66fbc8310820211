using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>How the first layer turns an integer's bits into its hidden units (see <see cref="FirstLayer.Choose"/>).</summary>
internal enum FirstLayerKind
{
    /// <summary>Sums of the weight rows of the set bits (the dense product's own additions), then bias and the
    /// activation: any activation, any weights (<see cref="SummedBitsLayer"/>).</summary>
    SummedBits,
    /// <summary>Sigmoid units as products of exponentials: no exp per unit (<see cref="ProductSigmoidLayer"/>).</summary>
    ProductSigmoid,
    /// <summary>The lesson's shape over consecutive integers: products of exponentials, four sigmoids per division,
    /// and the output layer in the same registers (<see cref="LessonShapeLayer"/>).</summary>
    LessonShape,
}

/// <summary>
/// The first layer's one path chooser, used by training and prediction alike, with the bounds that decide it.
/// The choice depends on the network and the weights only, never on the machine: every path is written with
/// Vector256 operations, which give the same bits on every machine (emulated where the hardware lacks them;
/// kernels test <c>Vector256.IsHardwareAccelerated</c> only to take a scalar loop that computes the same bits).
/// </summary>
internal static class FirstLayer
{
    /// <summary>The product paths need every unit's |bias| + Σ|w| at most this, so that every pre-activation and
    /// every partial product of exponentials stays a normal number (e^700 &lt; 10^305).</summary>
    public const double ProductLimit = VectorMath.NegExpLimit;

    /// <summary>Four sigmoids per division need (1 + e^170)⁴ &lt; 10³⁰⁰: |bias| + Σ|w| at most this.</summary>
    public const double FourRowLimit = 170.0;

    /// <summary>The path for a pass: the lesson's shape when the rows are consecutive integers, the network is
    /// bits → sigmoid hidden → output with hidden units and tile rows in fours, and the bound allows four sigmoids
    /// per division; products of exponentials for any other sigmoid first layer within <see cref="ProductLimit"/>;
    /// sums of weight rows otherwise. <paramref name="bound"/> is <see cref="ProductBound"/> of the first layer
    /// (NaN, or anything, for non-sigmoid units).</summary>
    public static FirstLayerKind Choose(Activation activation, int layers, int bits, int hidden, bool consecutive, int tileRows, double bound)
    {
        if (activation != Activation.Sigmoid || !(bound <= ProductLimit) || bits > WideNumbers.ChunkBits) return FirstLayerKind.SummedBits; // wide inputs: the general path
        bool lessonShape = consecutive && layers == 2 && bits >= 2 && LessonShapeLayer.Fits(tileRows, hidden);
        return lessonShape && bound <= FourRowLimit ? FirstLayerKind.LessonShape : FirstLayerKind.ProductSigmoid;
    }

    /// <summary>The largest |bias[j]| + Σ_p |w[p, j]| over the units j (NaN if a weight is NaN): when it is
    /// at most <see cref="ProductLimit"/>, every pre-activation, and every partial product of
    /// exponentials on the way to it, stays a normal number, and <see cref="ProductSigmoidLayer"/> may serve.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ProductBound(ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int bits, int m)
    {
        if (w.Length < (long)bits * m || !bias.IsEmpty && bias.Length != m) throw new ArgumentException("w or bias does not fit the shape.");
        double largest = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var top = Vector256<double>.Zero;
            ref double wr = ref MemoryMarshal.GetReference(w);
            ref double br = ref MemoryMarshal.GetReference(bias);
            for (; j <= m - 4; j += 4)
            {
                var bound = bias.IsEmpty ? Vector256<double>.Zero : Vector256.Abs(Vector256.LoadUnsafe(ref br, (nuint)j));
                for (int p = 0; p < bits; p++) bound += Vector256.Abs(Vector256.LoadUnsafe(ref wr, (nuint)(p * m + j)));
                if (!Vector256.EqualsAll(bound, bound)) return double.NaN;
                top = Vector256.Max(top, bound);
            }
            largest = Math.Max(Math.Max(top[0], top[1]), Math.Max(top[2], top[3]));
        }
        for (; j < m; j++)
        {
            double bound = bias.IsEmpty ? 0 : Math.Abs(bias[j]);
            for (int p = 0; p < bits; p++) bound += Math.Abs(w[p * m + j]);
            largest = Math.Max(largest, bound); // NaN wins
        }
        return largest;
    }

    /// <summary>The factors the product paths multiply: negExpW = e^−w and negExpBias = e^−bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Factors(ReadOnlySpan<double> w, ReadOnlySpan<double> bias, Span<double> negExpW, Span<double> negExpBias)
    {
        VectorMath.NegExp(w, negExpW);
        if (!bias.IsEmpty) VectorMath.NegExp(bias, negExpBias);
    }
}

/// <summary>A network's first-layer factors for prediction, made once per network: e^−w, e^−bias, and the bound.</summary>
internal sealed class FirstLayerFactors
{
    private FirstLayerFactors(double[] negExpW, double[] negExpBias, double bound)
    {
        NegExpW = negExpW;
        NegExpBias = negExpBias;
        Bound = bound;
    }

    public double[] NegExpW { get; }
    public double[] NegExpBias { get; }

    /// <summary><see cref="FirstLayer.ProductBound"/> of the weights.</summary>
    public double Bound { get; }

    /// <summary>The factors of a first layer of <paramref name="activation"/> units: none (and a NaN bound) unless they are sigmoids.</summary>
    public static FirstLayerFactors Of(double[] w, double[] bias, int bits, int m, Activation activation)
    {
        if (activation != Activation.Sigmoid) return new FirstLayerFactors(Array.Empty<double>(), Array.Empty<double>(), double.NaN);
        var negExpW = new double[w.Length];
        var negExpBias = new double[bias.Length];
        double bound = FirstLayer.ProductBound(w, bias, bits, m);
        if (bound <= FirstLayer.ProductLimit) FirstLayer.Factors(w, bias, negExpW, negExpBias);
        return new FirstLayerFactors(negExpW, negExpBias, bound);
    }
}
