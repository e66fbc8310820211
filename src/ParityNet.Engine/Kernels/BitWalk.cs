using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The walks over an integer's bits that every first-layer path shares, written once:
/// <list type="bullet">
/// <item>the slot walk over a block of consecutive integers: row i's parent is i with its lowest set
/// bit cleared, and the open parents sit in one slot per level (<see cref="Slots"/>);</item>
/// <item>a row from the rows of its set bits, as a sum or a product (<see cref="CombineRows{TCombine}"/>);</item>
/// <item>the weight gradient bitsᵀ · delta: over a block by the pairwise fold (Σ over rows with bit k set,
/// for every k, by halving: 2·count row adds in all instead of Bits·count multiply-adds; <see cref="GradientBlock"/>),
/// and over any numbers row by row (<see cref="GradientAny"/>).</item>
/// </list>
/// The additions keep the dense product's order, skipping its zero inputs, so sums are bit-identical to it.
/// </summary>
internal static class BitWalk
{
    /// <summary>The slot walk: in a block of 2^levels consecutive rows, row j (0 &lt; j) takes its parent's e^−z
    /// (or sums) from slot <paramref name="parentSlot"/> and leaves its own in slot <paramref name="ownSlot"/>,
    /// the level of its lowest set bit; <paramref name="lowBit"/> is that bit. Slot <c>levels</c> holds the block's first row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Slots(int j, int levels, out int parentSlot, out int ownSlot, out int lowBit)
    {
        lowBit = BitOperations.TrailingZeroCount(j);
        int parent = j & (j - 1);
        parentSlot = parent == 0 ? levels : BitOperations.TrailingZeroCount(parent);
        ownSlot = lowBit;
    }

    // e[i] = 1 / (1 + e[i]), four at a time where the hardware allows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OnePlusReciprocal(Span<double> e)
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

    /// <summary>g[bits×m] += (bits of numbers)ᵀ · delta[count×m], and, when given, biasSum[m] += the column
    /// sums of delta: row by row, each delta row added to the gradient rows of its number's set bits — the
    /// dense product's additions without its zero inputs, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GradientAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> delta, int m, Span<double> g, Span<double> biasSum)
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

    internal static void CheckNumbers(ReadOnlySpan<long> numbers, int bits)
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
    internal static void CombineRows<TCombine>(long number, int bits, ReadOnlySpan<double> rows, ReadOnlySpan<double> first, int m, Span<double> output)
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

    internal interface ICombine
    {
        static abstract double Identity { get; }
        static abstract double Combine(double a, double b);
        static abstract Vector256<double> Combine(Vector256<double> a, Vector256<double> b);
    }

    internal readonly struct Product : ICombine
    {
        public static double Identity => 1.0;
        public static double Combine(double a, double b) => a * b;
        public static Vector256<double> Combine(Vector256<double> a, Vector256<double> b) => a * b;
    }

    internal readonly struct Sum : ICombine
    {
        public static double Identity => 0.0;
        public static double Combine(double a, double b) => a + b;
        public static Vector256<double> Combine(Vector256<double> a, Vector256<double> b) => a + b;
    }

    // out[i] = 1 / (1 + e[i]) where e = parent[i]·factor[i] is also kept in eOut (when given).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OnePlusReciprocal(ref double parent, ref double factor, ref double output, int m, ref double eOut)
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
    public static void GradientBlock(long start, int count, int bits, Span<double> delta, int m, Span<double> g, Span<double> biasSum,
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

    /// <summary>The first two fold levels of four consecutive rows b0 … b3 (aligned to four) held in registers: the sum of
    /// the rows with the lowest bit set (b1 + b3), of those with the second bit set (b2 + b3), and of all four, the
    /// values <see cref="GradientBlock"/> then folds further with foldedLevels 2. The additions are its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> FoldFour(Vector256<double> b0, Vector256<double> b1, Vector256<double> b2, Vector256<double> b3,
        out Vector256<double> lowBit, out Vector256<double> secondBit)
    {
        var upper = b2 + b3;       // rows with the second bit set
        lowBit = b1 + b3;
        secondBit = upper;
        return (b0 + b1) + upper;
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
    internal static void CheckBlock(long start, int count, int bits)
    {
        if (count < 1 || !BitOperations.IsPow2(count) || start < 0 || start % count != 0 || bits < 1 || bits > 62 || start + count > 1L << bits)
            throw new ArgumentException($"the block {start} + {count} must be a power of two long, aligned, and within {bits} bits.");
    }
}
