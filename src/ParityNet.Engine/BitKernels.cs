using System.Runtime.CompilerServices;
using System.Numerics;

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
