using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

/// <summary>
/// The sigmoid, tanh and e^−x over spans, four doubles at a time. exp is the degree-12 Taylor polynomial (evaluated by Estrin's scheme) after the
/// reduction x = n·ln2 + r, |r| ≤ ln2/2 (error below 2 ulp), with 2^n built from the exponent bits.
/// Multiply-adds are fused (FMA3 in the vector path, Math.FusedMultiplyAdd — exact everywhere, emulated
/// where the processor lacks it — in the scalar path), in the same order in both, so results are
/// bit-identical on every machine; without FMA3 the scalar path serves every element.
/// Only exp of a non-positive number is taken, so nothing overflows; below −708 exp is flushed to 0.
/// </summary>
internal static class VectorMath
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 0.693147180369123816490;     // ln 2 split so that n·Ln2Hi is exact
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Magic = 6755399441055744.0;          // 2^52 + 2^51: adding it rounds to an integer
    private const double FlushBelow = -708.0;
    private const double Sqrt2 = 1.4142135623730951;
    // fdlibm's e_log.c: log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f / (2 + f).
    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;
    // Ck = 1/k!
    private const double C13 = 1.0 / 6227020800;
    private const double C12 = 1.0 / 479001600;
    private const double C11 = 1.0 / 39916800;
    private const double C10 = 1.0 / 3628800;
    private const double C9 = 1.0 / 362880;
    private const double C8 = 1.0 / 40320;
    private const double C7 = 1.0 / 5040;
    private const double C6 = 1.0 / 720;
    private const double C5 = 1.0 / 120;
    private const double C4 = 1.0 / 24;
    private const double C3 = 1.0 / 6;
    private const double C2 = 0.5;
    private const double C1 = 1.0;
    private const double C0 = 1.0;

    /// <summary>The largest |x| whose e^x and e^−x <see cref="NegExp"/> takes: both stay normal numbers.</summary>
    public const double NegExpLimit = 700.0;

    private const double TanhClamp = 20.0; // tanh(20) is 1 to double precision

    /// <summary>e^x for x ≤ 0 (0 below −708); also exact to 2 ulp for 0 &lt; x ≤ 709, where 2^n is still a normal number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ExpNonPositive(double x)
    {
        double r = Reduce(x, out double t);
        // Estrin's scheme: the same polynomial with a short dependency chain.
        double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        double a = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C3, r, C2), Math.FusedMultiplyAdd(C1, r, C0));
        double b = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C7, r, C6), Math.FusedMultiplyAdd(C5, r, C4));
        double c = Math.FusedMultiplyAdd(r4, C12, Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C11, r, C10), Math.FusedMultiplyAdd(C9, r, C8)));
        double p = Math.FusedMultiplyAdd(r8, c, Math.FusedMultiplyAdd(r4, b, a));
        double e = p * TwoToThe(t);
        return x < FlushBelow ? 0.0 : e;
    }

    /// <summary>log(1 + e^−|z|), the cross-entropy's log term: e^−|z| by <see cref="ExpNonPositive(double)"/>, then the log
    /// of 1 + e^−|z| (in [1, 2]) by fdlibm's e_log.c (halved above √2, then its degree-14 minimax polynomial Lg1 … Lg7 in
    /// s = f / (2 + f), under 1 ulp). After the exp only +, −, × and ÷: the vector form is the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogOnePlusExpNegAbs(double z)
    {
        double x = 1.0 + ExpNonPositive(-Math.Abs(z));
        double k = x > Sqrt2 ? 1.0 : 0.0;
        double f = (x > Sqrt2 ? x * 0.5 : x) - 1.0;
        double s = f / (2.0 + f), w = s * s, w2 = w * w;
        double r = w * (Lg1 + w2 * (Lg3 + w2 * (Lg5 + w2 * Lg7))) + w2 * (Lg2 + w2 * (Lg4 + w2 * Lg6));
        double half = 0.5 * f * f;
        return k * Ln2Hi - ((half - (s * (half + r) + k * Ln2Lo)) - f);
    }

    /// <summary><see cref="LogOnePlusExpNegAbs(double)"/> of four values, the same operations (FMA3 for the exp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> LogOnePlusExpNegAbs(Vector256<double> z)
    {
        var x = Vector256<double>.One + ExpNonPositive(-Vector256.Abs(z));
        var above = Vector256.GreaterThan(x, V(Sqrt2));
        var k = above & Vector256<double>.One;
        var f = Vector256.ConditionalSelect(above, x * V(0.5), x) - Vector256<double>.One;
        var s = f / (V(2.0) + f);
        var w = s * s;
        var w2 = w * w;
        var r = w * (V(Lg1) + w2 * (V(Lg3) + w2 * (V(Lg5) + w2 * V(Lg7)))) + w2 * (V(Lg2) + w2 * (V(Lg4) + w2 * V(Lg6)));
        var half = V(0.5) * f * f;
        return k * V(Ln2Hi) - ((half - (s * (half + r) + k * V(Ln2Lo))) - f);
    }

    /// <summary>The logistic sigmoid, as the span kernel computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sigmoid(double x)
    {
        double e = ExpNonPositive(-Math.Abs(x));
        double d = 1.0 / (1.0 + e);
        return x >= 0 ? d : e * d;
    }

    /// <summary>tanh(x) = −m / (2 + m) with m = e^−2|x| − 1, then x's sign. m is expm1 from the same
    /// reduction as <see cref="ExpNonPositive(double)"/>: 2^n·r·q(r) + (2^n − 1), q the degree-12 Taylor
    /// polynomial of (e^r − 1)/r, so nothing cancels near 0; within 4 ulp of Math.Tanh. |x| is clamped
    /// at 20, where tanh is 1 to double precision; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Tanh(double x)
    {
        double y = -2.0 * Math.Min(Math.Abs(x), TanhClamp);
        double r = Reduce(y, out double t);
        double r2 = r * r, r4 = r2 * r2;
        double a = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C4, r, C3), Math.FusedMultiplyAdd(C2, r, C1));
        double b = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C8, r, C7), Math.FusedMultiplyAdd(C6, r, C5));
        double c = Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(C12, r, C11), Math.FusedMultiplyAdd(C10, r, C9));
        double q = Math.FusedMultiplyAdd(r4, Math.FusedMultiplyAdd(r4, Math.FusedMultiplyAdd(r4, C13, c), b), a);
        double scale = TwoToThe(t);
        double m = Math.FusedMultiplyAdd(scale, r * q, scale - 1.0);
        double magnitude = -m / (2.0 + m);
        return double.IsNaN(x) ? x : Math.CopySign(magnitude, x);
    }

    /// <summary>destination[i] = sigmoid(source[i]); the spans may be the same.</summary>
    public static void Sigmoid(ReadOnlySpan<double> source, Span<double> destination) => Map<SigmoidFunction>(source, destination);

    /// <summary>destination[i] = <see cref="Tanh(double)"/> of source[i]; the spans may be the same.</summary>
    public static void Tanh(ReadOnlySpan<double> source, Span<double> destination) => Map<TanhFunction>(source, destination);

    /// <summary>destination[i] = e^−source[i], for |source[i]| ≤ <see cref="NegExpLimit"/> (the caller checks);
    /// the same polynomial as the sigmoid's.</summary>
    public static void NegExp(ReadOnlySpan<double> source, Span<double> destination) => Map<NegExpFunction>(source, destination);

    /// <summary>An elementwise function with a four-lane form that computes the same bits.</summary>
    private interface IElementwise
    {
        static abstract Vector256<double> Vector(Vector256<double> x);
        static abstract double Scalar(double x);
    }

    private readonly struct SigmoidFunction : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x)
        {
            var e = ExpNonPositive(x | Vector256.Create(-0.0)); // e^−|x|
            var d = Vector256<double>.One / (Vector256<double>.One + e);
            return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<double>.Zero), d, e * d);
        }

        public static double Scalar(double x) => Sigmoid(x);
    }

    private readonly struct TanhFunction : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x)
        {
            var signBit = Vector256.Create(-0.0);
            var y = V(-2.0) * Vector256.Min(Vector256.AndNot(x, signBit), V(TanhClamp)); // NaN lanes: fixed below
            var r = Reduce(y, out var t);
            var r2 = r * r;
            var r4 = r2 * r2;
            var a = Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C4), r, V(C3)), Fma.MultiplyAdd(V(C2), r, V(C1)));
            var b = Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C8), r, V(C7)), Fma.MultiplyAdd(V(C6), r, V(C5)));
            var c = Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C12), r, V(C11)), Fma.MultiplyAdd(V(C10), r, V(C9)));
            var q = Fma.MultiplyAdd(r4, Fma.MultiplyAdd(r4, Fma.MultiplyAdd(r4, V(C13), c), b), a);
            var scale = TwoToThe(t);
            var m = Fma.MultiplyAdd(scale, r * q, scale - Vector256<double>.One);
            var magnitude = -m / (V(2.0) + m);
            var signed = Vector256.AndNot(magnitude, signBit) | (x & signBit); // Math.CopySign
            return Vector256.ConditionalSelect(Vector256.Equals(x, x), signed, x);
        }

        public static double Scalar(double x) => Tanh(x);
    }

    private readonly struct NegExpFunction : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> Vector(Vector256<double> x) => ExpNonPositive(-x);
        public static double Scalar(double x) => ExpNonPositive(-x);
    }

    // destination[i] = TFunction(source[i]): two independent vectors in flight where FMA3 allows, the
    // scalar form (the same operations, Math.FusedMultiplyAdd) for the rest or everywhere without FMA3.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TFunction>(ReadOnlySpan<double> source, Span<double> destination) where TFunction : struct, IElementwise
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination is shorter than source.", nameof(destination));
        int i = 0;
        if (Fma.IsSupported)
        {
            ref double src = ref MemoryMarshal.GetReference(source);
            ref double dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - 8; i += 8)
            {
                var a = TFunction.Vector(Vector256.LoadUnsafe(ref src, (nuint)i));
                var b = TFunction.Vector(Vector256.LoadUnsafe(ref src, (nuint)(i + 4)));
                a.StoreUnsafe(ref dst, (nuint)i);
                b.StoreUnsafe(ref dst, (nuint)(i + 4));
            }
            for (; i <= source.Length - 4; i += 4)
                TFunction.Vector(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        }
        for (; i < source.Length; i++) destination[i] = TFunction.Scalar(source[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> V(double c) => Vector256.Create(c);

    // x = n·ln2 + r with |r| ≤ ln2/2; t holds n in its low bits (t = n + Magic).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Reduce(double x, out double t)
    {
        t = Math.FusedMultiplyAdd(x, Log2E, Magic);
        double n = t - Magic;
        double r = Math.FusedMultiplyAdd(-n, Ln2Hi, x);
        return Math.FusedMultiplyAdd(-n, Ln2Lo, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Reduce(Vector256<double> x, out Vector256<double> t)
    {
        var magic = V(Magic);
        t = Fma.MultiplyAdd(x, V(Log2E), magic);
        var n = t - magic;
        var r = Fma.MultiplyAddNegated(n, V(Ln2Hi), x);
        return Fma.MultiplyAddNegated(n, V(Ln2Lo), r);
    }

    // 2^n from t = n + Magic, built in the exponent bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double TwoToThe(double t) =>
        BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(t) - BitConverter.DoubleToInt64Bits(Magic) + 1023) << 52);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TwoToThe(Vector256<double> t) =>
        ((t.AsInt64() - V(Magic).AsInt64() + Vector256.Create(1023L)) << 52).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpNonPositive(Vector256<double> x)
    {
        var r = Reduce(x, out var t);
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var a = Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C3), r, V(C2)), Fma.MultiplyAdd(V(C1), r, V(C0)));
        var b = Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C7), r, V(C6)), Fma.MultiplyAdd(V(C5), r, V(C4)));
        var c = Fma.MultiplyAdd(r4, V(C12), Fma.MultiplyAdd(r2, Fma.MultiplyAdd(V(C11), r, V(C10)), Fma.MultiplyAdd(V(C9), r, V(C8))));
        var p = Fma.MultiplyAdd(r8, c, Fma.MultiplyAdd(r4, b, a));
        var e = p * TwoToThe(t);
        return Vector256.AndNot(e, Vector256.LessThan(x, V(FlushBelow)));
    }
}
