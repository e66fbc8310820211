using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The first layer over consecutive integers, where the inputs are bits. For a block of rows
/// start … start + count − 1 (count a power of two, start a multiple of it):
/// <list type="bullet">
/// <item>pre-activations: row i is row (i with its lowest set bit cleared) plus that bit's weight
/// row, one vector add per row instead of Bits multiply-adds. The additions happen in the same
/// order as the dense product skipping zero inputs, so the result is bit-identical to it.</item>
/// <item>weight gradient: Σ over rows with bit k set of delta, for every k, by pairwise halving
/// (2·count row adds in all) instead of Bits·count multiply-adds.</item>
/// </list>
/// No input matrix is needed at all.
/// </summary>
public static class BitKernels
{
    /// <summary>z[count×m] = the bits of start … start + count − 1 times w[bits×m].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FirstLayer(long start, int count, int bits, ReadOnlySpan<double> w, int m, Span<double> z)
    {
        CheckBlock(start, count, bits);
        if (w.Length < (long)bits * m || z.Length < (long)count * m) throw new ArgumentException("w or z is too short for the shape.");
        for (int j = 0; j < count; j++)
        {
            long i = start + j;
            var row = z.Slice(j * m, m);
            long parent = i & (i - 1);
            if (i == 0)
            {
                Kernels.Zero(row);
            }
            else if (parent >= start)
            {
                int p = bits - 1 - BitOperations.TrailingZeroCount(i);
                Kernels.Sum(z.Slice((int)(parent - start) * m, m), w.Slice(p * m, m), row);
            }
            else
            {
                Kernels.Zero(row);
                for (int p = 0; p < bits; p++)
                    if (((i >> (bits - 1 - p)) & 1) != 0) Kernels.Add(w.Slice(p * m, m), row);
            }
        }
    }

    /// <summary>The largest |bias[j]| + Σ_p |w[p, j]| over the units j (NaN if a weight is NaN): when it is
    /// at most <see cref="VectorMath.NegExpLimit"/>, every pre-activation, and every partial product of
    /// exponentials on the way to it, stays a normal number, and <see cref="FirstLayerSigmoid"/> may serve.</summary>
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

    /// <summary>The factors the product sigmoid multiplies: negExpW = e^−w and negExpBias = e^−bias, made only
    /// when <see cref="ProductBound"/> is at most <see cref="VectorMath.NegExpLimit"/>. Returns the bound, by
    /// which callers also choose between one division per sigmoid and one per four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double MakeFactors(ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int bits, int m, Span<double> negExpW, Span<double> negExpBias)
    {
        double bound = ProductBound(w, bias, bits, m);
        if (bound <= VectorMath.NegExpLimit)
        {
            VectorMath.NegExp(w, negExpW);
            if (!bias.IsEmpty) VectorMath.NegExp(bias, negExpBias);
        }
        return bound;
    }

    /// <summary>a[count×m] = sigmoid(bias + (bits of start … start + count − 1) · w) by products of
    /// exponentials, with no exp at all: e^−z of a row is e^−bias times e^−w[p] for each bit p set, and
    /// row i's is its parent's (i with its lowest set bit cleared) times one factor, so each element
    /// costs one multiply and one division (the sigmoid is 1 / (1 + e^−z)). <paramref name="negExpW"/>
    /// holds e^−w and <paramref name="negExpBias"/> e^−bias (empty: no bias), both from
    /// <see cref="VectorMath.NegExp"/>; <paramref name="slots"/> is scratch for (log2 count + 1)·m values,
    /// the open parents. The weights' <see cref="ProductBound"/> must be at most <see cref="VectorMath.NegExpLimit"/>. Each product rounds once more,
    /// so a row with k bits set is within about 3(k + 1) ulp of the exp of its summed pre-activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FirstLayerSigmoid(long start, int count, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        int m, Span<double> a, Span<double> slots)
    {
        CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (negExpW.Length < (long)bits * m || a.Length < (long)count * m || slots.Length < (long)(levels + 1) * m
            || !negExpBias.IsEmpty && negExpBias.Length != m)
            throw new ArgumentException("negExpW, negExpBias, a or slots does not fit the shape.");

        // The block's first row: the product of its factors, the bias's first.
        var root = slots.Slice(levels * m, m);
        RootFactors(start, bits, negExpW, negExpBias, m, root);
        for (int i = 0; i < m; i++) a[i] = 1.0 / (1.0 + root[i]);

        ref double slot0 = ref MemoryMarshal.GetReference(slots);
        ref double factor0 = ref MemoryMarshal.GetReference(negExpW);
        ref double a0 = ref MemoryMarshal.GetReference(a);
        for (int j = 1; j < count; j++)
        {
            int low = BitOperations.TrailingZeroCount(j);
            int parent = j & (j - 1);
            int from = parent == 0 ? levels : BitOperations.TrailingZeroCount(parent);
            OnePlusReciprocal(ref Unsafe.Add(ref slot0, from * m), ref Unsafe.Add(ref factor0, (bits - 1 - low) * m),
                ref Unsafe.Add(ref a0, j * m), m, ref Unsafe.Add(ref slot0, low * m));
        }
    }

    /// <summary>a[count×m] = sigmoid(bias + bits(numbers[i]) · w) for any numbers, by products of
    /// exponentials: e^−z of a row is e^−bias times e^−w[p] for each bit p set (as
    /// <see cref="RootFactors"/> multiplies them), and the sigmoid 1 / (1 + e^−z) — a multiply per set bit
    /// and one division per unit instead of an exp. Each row is computed alone, so a number's result does
    /// not depend on the others in the batch. negExpW and negExpBias as for <see cref="FirstLayerSigmoid"/>;
    /// the weights' <see cref="ProductBound"/> must be at most <see cref="VectorMath.NegExpLimit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FirstLayerSigmoidOf(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        int m, Span<double> a)
    {
        CheckNumbers(numbers, bits);
        if (a.Length < (long)numbers.Length * m) throw new ArgumentException("a is too short for the shape.");
        for (int i = 0; i < numbers.Length; i++)
        {
            var row = a.Slice(i * m, m);
            RootFactors(numbers[i], bits, negExpW, negExpBias, m, row);
            OnePlusReciprocal(row);
        }
    }

    // e[i] = 1 / (1 + e[i]), four at a time where the hardware allows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OnePlusReciprocal(Span<double> e)
    {
        int i = 0;
        ref double er = ref MemoryMarshal.GetReference(e);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= e.Length - 4; i += 4)
            {
                var one = Vector256<double>.One;
                (one / (one + Vector256.LoadUnsafe(ref er, (nuint)i))).StoreUnsafe(ref er, (nuint)i);
            }
        for (; i < e.Length; i++) e[i] = 1.0 / (1.0 + e[i]);
    }

    /// <summary>z[count×m] = the bits of numbers[i] times w[bits×m] for any numbers: each row the sum of the
    /// weight rows of its set bits, most significant first — the dense product's additions, skipping its
    /// zero inputs, so the same bits — with no input matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FirstLayerOf(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> w, int m, Span<double> z)
    {
        CheckNumbers(numbers, bits);
        if (w.Length < (long)bits * m || z.Length < (long)numbers.Length * m) throw new ArgumentException("w or z is too short for the shape.");
        for (int i = 0; i < numbers.Length; i++) CombineRows<Sum>(numbers[i], bits, w, default, m, z.Slice(i * m, m));
    }

    /// <summary>g[bits×m] += (bits of numbers)ᵀ · delta[count×m], and, when given, biasSum[m] += the column
    /// sums of delta: row by row, each delta row added to the gradient rows of its number's set bits — the
    /// dense product's additions without its zero inputs, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientAddOf(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> delta, int m, Span<double> g, Span<double> biasSum)
    {
        CheckNumbers(numbers, bits);
        if (delta.Length < (long)numbers.Length * m || g.Length < (long)bits * m) throw new ArgumentException("delta or g is too short for the shape.");
        for (int i = 0; i < numbers.Length; i++)
        {
            var row = delta.Slice(i * m, m);
            long v = numbers[i];
            for (int p = 0; p < bits; p++)
                if (((v >> (bits - 1 - p)) & 1) != 0) Kernels.Add(row, g.Slice(p * m, m));
        }
        if (!biasSum.IsEmpty) Kernels.ColumnSumsAdd(delta, biasSum, numbers.Length, m);
    }

    private static void CheckNumbers(ReadOnlySpan<long> numbers, int bits)
    {
        if (bits < 1 || bits > 62) throw new ArgumentOutOfRangeException(nameof(bits), bits, "from 1 to 62.");
        foreach (long v in numbers)
            if (v < 0 || v >> bits != 0) throw new ArgumentOutOfRangeException(nameof(numbers), v, $"not a {bits}-bit number.");
    }

    /// <summary>root[m] = e^−z of the integer <paramref name="start"/>: e^−bias (1 without bias) times
    /// e^−w[p] for each bit p set, multiplied in that order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RootFactors(long start, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias, int m, Span<double> root) =>
        CombineRows<Product>(start, bits, negExpW, negExpBias, m, root);

    /// <summary>output[m] = first (or the identity when empty) combined with row p of rows[bits×m] for each
    /// bit p set in <paramref name="number"/>, most significant first. Sixteen columns at a time in four
    /// independent chains; written four at a time, as the kernels read it (a wide load from narrower
    /// stores is not forwarded from the store buffer). The scalar columns do the same operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineRows<TCombine>(long number, int bits, ReadOnlySpan<double> rows, ReadOnlySpan<double> first, int m, Span<double> output)
        where TCombine : struct, ICombine
    {
        if (rows.Length < (long)bits * m || output.Length < m || !first.IsEmpty && first.Length < m)
            throw new ArgumentException("rows, first or output does not fit the shape.");
        ref double x0 = ref MemoryMarshal.GetReference(rows);
        ref double f0 = ref MemoryMarshal.GetReference(first);
        ref double o0 = ref MemoryMarshal.GetReference(output);
        Span<int> offsets = stackalloc int[64]; // where the rows of the set bits start, most significant first
        int set = 0;
        for (int p = 0; p < bits; p++)
            if (((number >> (bits - 1 - p)) & 1) != 0) offsets[set++] = p * m;
        offsets = offsets[..set];
        bool seeded = !first.IsEmpty;
        var identity = Vector256.Create(TCombine.Identity);
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c <= m - 16; c += 16)
            {
                Vector256<double> e0 = identity, e1 = e0, e2 = e0, e3 = e0;
                if (seeded)
                {
                    e0 = Vector256.LoadUnsafe(ref f0, (nuint)c);
                    e1 = Vector256.LoadUnsafe(ref f0, (nuint)(c + 4));
                    e2 = Vector256.LoadUnsafe(ref f0, (nuint)(c + 8));
                    e3 = Vector256.LoadUnsafe(ref f0, (nuint)(c + 12));
                }
                foreach (int offset in offsets)
                {
                    ref double x = ref Unsafe.Add(ref x0, offset + c);
                    e0 = TCombine.Combine(e0, Vector256.LoadUnsafe(ref x));
                    e1 = TCombine.Combine(e1, Vector256.LoadUnsafe(ref x, 4));
                    e2 = TCombine.Combine(e2, Vector256.LoadUnsafe(ref x, 8));
                    e3 = TCombine.Combine(e3, Vector256.LoadUnsafe(ref x, 12));
                }
                e0.StoreUnsafe(ref o0, (nuint)c);
                e1.StoreUnsafe(ref o0, (nuint)(c + 4));
                e2.StoreUnsafe(ref o0, (nuint)(c + 8));
                e3.StoreUnsafe(ref o0, (nuint)(c + 12));
            }
            for (; c <= m - 4; c += 4)
            {
                var e = seeded ? Vector256.LoadUnsafe(ref f0, (nuint)c) : identity;
                foreach (int offset in offsets) e = TCombine.Combine(e, Vector256.LoadUnsafe(ref x0, (nuint)(offset + c)));
                e.StoreUnsafe(ref o0, (nuint)c);
            }
        }
        for (; c < m; c++)
        {
            double e = seeded ? first[c] : TCombine.Identity;
            foreach (int offset in offsets) e = TCombine.Combine(e, Unsafe.Add(ref x0, offset + c));
            output[c] = e;
        }
    }

    private interface ICombine
    {
        static abstract double Identity { get; }
        static abstract double Combine(double a, double b);
        static abstract Vector256<double> Combine(Vector256<double> a, Vector256<double> b);
    }

    private readonly struct Product : ICombine
    {
        public static double Identity => 1.0;
        public static double Combine(double a, double b) => a * b;
        public static Vector256<double> Combine(Vector256<double> a, Vector256<double> b) => a * b;
    }

    private readonly struct Sum : ICombine
    {
        public static double Identity => 0.0;
        public static double Combine(double a, double b) => a + b;
        public static Vector256<double> Combine(Vector256<double> a, Vector256<double> b) => a + b;
    }

    // out[i] = 1 / (1 + e[i]) where e = parent[i]·factor[i] is also kept in eOut (when given).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OnePlusReciprocal(ref double parent, ref double factor, ref double output, int m, ref double eOut)
    {
        int i = 0;
        var one = Vector256<double>.One;
        for (; i <= m - 4; i += 4)
        {
            var e = Vector256.LoadUnsafe(ref parent, (nuint)i) * Vector256.LoadUnsafe(ref factor, (nuint)i);
            e.StoreUnsafe(ref eOut, (nuint)i);
            (one / (one + e)).StoreUnsafe(ref output, (nuint)i);
        }
        for (; i < m; i++)
        {
            double e = Unsafe.Add(ref parent, i) * Unsafe.Add(ref factor, i);
            Unsafe.Add(ref eOut, i) = e;
            Unsafe.Add(ref output, i) = 1.0 / (1.0 + e);
        }
    }

    /// <summary>g[bits×m] += (bits of start … start + count − 1)ᵀ · delta[count×m], and, when given,
    /// biasSum[m] += the column sums of delta. delta is used as scratch and destroyed. With
    /// <paramref name="foldedLevels"/> f &gt; 0, the caller has done the first f levels (g's rows of the f
    /// lowest bits hold their sums) and delta holds count / 2^f rows, the sums of each 2^f rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientAdd(long start, int count, int bits, Span<double> delta, int m, Span<double> g, Span<double> biasSum,
        int foldedLevels = 0)
    {
        CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (foldedLevels < 0 || foldedLevels > levels) throw new ArgumentOutOfRangeException(nameof(foldedLevels));
        int rows = count >> foldedLevels;
        if (delta.Length < (long)rows * m || g.Length < (long)bits * m) throw new ArgumentException("delta or g is too short for the shape.");
        ref double d0 = ref MemoryMarshal.GetReference(delta);
        for (int k = foldedLevels; k < levels; k++)
        {
            ref double gRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(g), (bits - 1 - k) * m);
            int half = rows / 2, q = 0;
            // Four pairs at a time: their odd rows (bit k set) go to g as ((o0 + o1) + (o2 + o3)), and
            // each pair folds into row q for the next bit. Every row read precedes the rows written.
            for (; q <= half - 4; q += 4) FoldQuad(ref d0, ref gRow, q, m);
            for (; q < half; q++) FoldPair(ref d0, ref gRow, q, m);
            rows = half;
        }
        var total = delta[..m];
        for (int k = levels; k < bits; k++)
            if (((start >> k) & 1) != 0) Kernels.Add(total, g.Slice((bits - 1 - k) * m, m));
        if (!biasSum.IsEmpty) Kernels.Add(total, biasSum[..m]);
    }

    // g += (o0 + o1) + (o2 + o3) and row q + r = even_r + odd_r, for the pairs q … q + 3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FoldQuad(ref double d, ref double g, int q, int m)
    {
        ref double src = ref Unsafe.Add(ref d, 2 * q * m);
        ref double dst = ref Unsafe.Add(ref d, q * m);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= m - 4; i += 4)
            {
                var e0 = Vector256.LoadUnsafe(ref src, (nuint)i); var o0 = Vector256.LoadUnsafe(ref src, (nuint)(m + i));
                var e1 = Vector256.LoadUnsafe(ref src, (nuint)(2 * m + i)); var o1 = Vector256.LoadUnsafe(ref src, (nuint)(3 * m + i));
                var e2 = Vector256.LoadUnsafe(ref src, (nuint)(4 * m + i)); var o2 = Vector256.LoadUnsafe(ref src, (nuint)(5 * m + i));
                var e3 = Vector256.LoadUnsafe(ref src, (nuint)(6 * m + i)); var o3 = Vector256.LoadUnsafe(ref src, (nuint)(7 * m + i));
                (Vector256.LoadUnsafe(ref g, (nuint)i) + ((o0 + o1) + (o2 + o3))).StoreUnsafe(ref g, (nuint)i);
                (e0 + o0).StoreUnsafe(ref dst, (nuint)i);
                (e1 + o1).StoreUnsafe(ref dst, (nuint)(m + i));
                (e2 + o2).StoreUnsafe(ref dst, (nuint)(2 * m + i));
                (e3 + o3).StoreUnsafe(ref dst, (nuint)(3 * m + i));
            }
        for (; i < m; i++)
        {
            double e0 = Unsafe.Add(ref src, i), o0 = Unsafe.Add(ref src, m + i);
            double e1 = Unsafe.Add(ref src, 2 * m + i), o1 = Unsafe.Add(ref src, 3 * m + i);
            double e2 = Unsafe.Add(ref src, 4 * m + i), o2 = Unsafe.Add(ref src, 5 * m + i);
            double e3 = Unsafe.Add(ref src, 6 * m + i), o3 = Unsafe.Add(ref src, 7 * m + i);
            Unsafe.Add(ref g, i) += (o0 + o1) + (o2 + o3);
            Unsafe.Add(ref dst, i) = e0 + o0;
            Unsafe.Add(ref dst, m + i) = e1 + o1;
            Unsafe.Add(ref dst, 2 * m + i) = e2 + o2;
            Unsafe.Add(ref dst, 3 * m + i) = e3 + o3;
        }
    }

    // g += odd and row q = even + odd, for the pair q. Four at a time like every other pass over these
    // rows: a wide load from narrow stores is not forwarded from the store buffer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FoldPair(ref double d, ref double g, int q, int m)
    {
        ref double src = ref Unsafe.Add(ref d, 2 * q * m);
        ref double dst = ref Unsafe.Add(ref d, q * m);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= m - 4; i += 4)
            {
                var odd = Vector256.LoadUnsafe(ref src, (nuint)(m + i));
                (Vector256.LoadUnsafe(ref g, (nuint)i) + odd).StoreUnsafe(ref g, (nuint)i);
                (Vector256.LoadUnsafe(ref src, (nuint)i) + odd).StoreUnsafe(ref dst, (nuint)i);
            }
        for (; i < m; i++)
        {
            double odd = Unsafe.Add(ref src, m + i);
            Unsafe.Add(ref g, i) += odd;
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i) + odd;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckBlock(long start, int count, int bits)
    {
        if (count < 1 || !BitOperations.IsPow2(count) || start < 0 || start % count != 0 || bits < 1 || bits > 62 || start + count > 1L << bits)
            throw new ArgumentException($"the block {start} + {count} must be a power of two long, aligned, and within {bits} bits.");
    }
}
