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
                row.Clear();
            }
            else if (parent >= start)
            {
                int p = bits - 1 - BitOperations.TrailingZeroCount(i);
                Kernels.Sum(z.Slice((int)(parent - start) * m, m), w.Slice(p * m, m), row);
            }
            else
            {
                row.Clear();
                for (int p = 0; p < bits; p++)
                    if (((i >> (bits - 1 - p)) & 1) != 0) Kernels.Add(w.Slice(p * m, m), row);
            }
        }
    }

    /// <summary>Whether <see cref="FirstLayerSigmoid"/> may serve these weights: for every unit j,
    /// |bias[j]| + Σ_p |w[p, j]| ≤ <see cref="VectorMath.NegExpLimit"/>, so every pre-activation, and every
    /// partial product of exponentials on the way to it, stays a normal number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ProductSafe(ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int bits, int m)
    {
        for (int j = 0; j < m; j++)
        {
            double bound = bias.IsEmpty ? 0 : Math.Abs(bias[j]);
            for (int p = 0; p < bits; p++) bound += Math.Abs(w[p * m + j]);
            if (!(bound <= VectorMath.NegExpLimit)) return false; // also false for NaN
        }
        return true;
    }

    /// <summary>a[count×m] = sigmoid(bias + (bits of start … start + count − 1) · w) by products of
    /// exponentials: e^−z of row i is e^−z of its parent (i with its lowest set bit cleared) times
    /// e^−w[p] of that bit, so each element costs one multiply and one division instead of an exp, and
    /// the sigmoid is 1 / (1 + e^−z). Only the block's first row takes exps. <paramref name="negExpW"/>
    /// holds e^−w (from <see cref="VectorMath.NegExp"/>); <paramref name="slots"/> is scratch for
    /// (log2 count + 1)·m values, the open parents. The weights must pass <see cref="ProductSafe"/>.
    /// Each product carries one more rounding, so a row with k bits set is within about (2k + 4) ulp of
    /// the exp of the summed pre-activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FirstLayerSigmoid(long start, int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias,
        ReadOnlySpan<double> negExpW, int m, Span<double> a, Span<double> slots)
    {
        CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (w.Length < (long)bits * m || negExpW.Length < (long)bits * m || a.Length < (long)count * m || slots.Length < (long)(levels + 1) * m
            || !bias.IsEmpty && bias.Length != m)
            throw new ArgumentException("w, bias, negExpW, a or slots does not fit the shape.");

        // The block's first row: its pre-activation summed as FirstLayer and AddBias would, then e^−z.
        var root = slots.Slice(levels * m, m);
        root.Clear();
        for (int p = 0; p < bits; p++)
            if (((start >> (bits - 1 - p)) & 1) != 0) Kernels.Add(w.Slice(p * m, m), root);
        if (!bias.IsEmpty) Kernels.Add(bias, root);
        VectorMath.NegExp(root, root);
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
    /// biasSum[m] += the column sums of delta. delta is used as scratch and destroyed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradientAdd(long start, int count, int bits, Span<double> delta, int m, Span<double> g, Span<double> biasSum)
    {
        CheckBlock(start, count, bits);
        if (delta.Length < (long)count * m || g.Length < (long)bits * m) throw new ArgumentException("delta or g is too short for the shape.");
        int levels = BitOperations.Log2((uint)count);
        int rows = count;
        for (int k = 0; k < levels; k++)
        {
            var gRow = g.Slice((bits - 1 - k) * m, m);
            int half = rows / 2;
            for (int q = 0; q < half; q++)
            {
                var even = delta.Slice(2 * q * m, m);
                var odd = delta.Slice((2 * q + 1) * m, m);
                Kernels.Add(odd, gRow);                     // rows whose bit k is set
                Kernels.Sum(even, odd, delta.Slice(q * m, m)); // fold the pair for the next bit
            }
            rows = half;
        }
        var total = delta[..m];
        for (int k = levels; k < bits; k++)
            if (((start >> k) & 1) != 0) Kernels.Add(total, g.Slice((bits - 1 - k) * m, m));
        if (!biasSum.IsEmpty) Kernels.Add(total, biasSum[..m]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckBlock(long start, int count, int bits)
    {
        if (count < 1 || !BitOperations.IsPow2(count) || start < 0 || start % count != 0 || bits < 1 || bits > 62 || start + count > 1L << bits)
            throw new ArgumentException($"the block {start} + {count} must be a power of two long, aligned, and within {bits} bits.");
    }
}
