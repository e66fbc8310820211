using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The first layer's gradient of a one-hidden-layer ReLU network whose output deltas take one size: every d[i] is 0, +c or −c.
/// The hinge loss makes such deltas (d[i] = −y±/B where the margin is below 1, else 0), so every delta the hidden layer
/// sends back, b[i, j] = (d[i]·wOut[j])·ReLU′(a[i, j]), is 0 or ±(c·wOut[j]), and a weight's gradient, the sum of b[i, j]
/// over the rows whose input bit p is set, is an integer count times c·wOut[j]:
/// <code>
///   C[p, j] = Σ over rows i with bit p set of sign(d[i])·[a[i, j] &gt; 0]      (an integer, |C| ≤ rows)
///   g[p, j] = start + C[p, j]·(c·wOut[j])     the hidden bias's gradient likewise, over every row
/// </code>
/// The counts are made on bytes, 64 units to a 512-bit add, instead of one double add per unit, row and bit (measured in
/// docs/design.md's note on it). The value is the exact sum of the b's
/// rounded once (the sums of doubles rounded at every addition), so it can differ from them in the last bit; the count is an
/// integer and the product one rounding, so the bits are the same on every machine and at every vector width.
/// This file holds the rule, <see cref="Applies"/>, and the portable twin, <see cref="Gradient"/>; the fused path over any
/// numbers (<c>ReLUBlockLayer.BackwardAny</c>) makes the same values with 512-bit vectors, tested bit for bit against it.
/// </summary>
internal static class SignCounts
{
    /// <summary>Most rows a count serves: a count of rows must fit a signed byte.</summary>
    public const int MaxRows = sbyte.MaxValue;

    /// <summary>Whether the deltas <paramref name="d"/> of a pass's rows take the count path: at most <see cref="MaxRows"/> rows, every
    /// d[i] 0 or ±<paramref name="size"/> (the size of the first nonzero one; 0 when all are 0). Decided by the deltas alone,
    /// never by the machine, so every machine takes the same path.</summary>
    public static bool Applies(ReadOnlySpan<double> d, out double size)
    {
        size = 0;
        if (d.Length > MaxRows) return false;
        foreach (double v in d)
        {
            if (v == 0) continue;
            double s = Math.Abs(v);
            if (!double.IsFinite(s)) return false;
            if (size == 0) size = s;
            else if (s != size) return false;
        }
        return true;
    }

    /// <summary>-1, 0 or +1: the sign of a delta.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte Sign(double d) => d > 0 ? (sbyte)1 : d < 0 ? (sbyte)-1 : (sbyte)0;

    /// <summary>The portable twin. For the rows of <paramref name="numbers"/> (<paramref name="chunks"/> longs a row) with the hidden
    /// activations a[count×m] (row by row) and deltas d whose size is <paramref name="size"/> (<see cref="Applies"/>):
    /// g[p, j] += C[p, j]·(size·wOut[j]) for every bit p and unit j, and biasSum[j] += (Σ_i sign(d[i])·[a[i, j] &gt; 0])·(size·wOut[j])
    /// when biasSum is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gradient(ReadOnlySpan<long> numbers, int chunks, int bits, ReadOnlySpan<double> a, ReadOnlySpan<double> d, double size,
        ReadOnlySpan<double> wOut, int m, Span<double> g, Span<double> biasSum)
    {
        int count = ReLUBlockLayer.CheckRows(numbers, chunks, bits);
        if (count > MaxRows || a.Length < (long)count * m || d.Length < count || wOut.Length < m || g.Length < (long)bits * m
            || !biasSum.IsEmpty && biasSum.Length < m)
            throw new ArgumentException("a, d, wOut, g or biasSum does not fit the shape, or the rows are more than a count holds.");
        sbyte[] signs = System.Buffers.ArrayPool<sbyte>.Shared.Rent(count * m + m);
        int[] rows = System.Buffers.ArrayPool<int>.Shared.Rent(bits * (count + 1));
        double[] unit = System.Buffers.ArrayPool<double>.Shared.Rent(m);
        try
        {
            for (int j = 0; j < m; j++) unit[j] = size * wOut[j];
            // signs[i, j] = sign(d[i]) where unit j is active in row i, else 0.
            for (int i = 0; i < count; i++)
            {
                sbyte s = Sign(d[i]);
                for (int j = 0; j < m; j++) signs[i * m + j] = a[i * m + j] > 0 ? s : (sbyte)0;
            }
            var sums = signs.AsSpan(count * m, m);
            if (!biasSum.IsEmpty)
            {
                sums.Clear();
                for (int i = 0; i < count; i++) AddBytes(signs.AsSpan(i * m, m), sums);
                for (int j = 0; j < m; j++) biasSum[j] += sums[j] * unit[j];
            }
            ReLUBlockLayer.RowsOfBits(numbers, chunks, bits, rows);
            for (int p = 0; p < bits; p++)
            {
                sums.Clear();
                int at = p * (count + 1), set = rows[at];
                for (int k = 1; k <= set; k++) AddBytes(signs.AsSpan(rows[at + k] * m, m), sums);
                var gp = g.Slice(p * m, m);
                for (int j = 0; j < m; j++) gp[j] += sums[j] * unit[j];
            }
        }
        finally
        {
            System.Buffers.ArrayPool<sbyte>.Shared.Return(signs);
            System.Buffers.ArrayPool<int>.Shared.Return(rows);
            System.Buffers.ArrayPool<double>.Shared.Return(unit);
        }
    }

    // sums += row, byte by byte (integers: the same at any width).
    private static void AddBytes(ReadOnlySpan<sbyte> row, Span<sbyte> sums)
    {
        int j = 0;
        ref sbyte rr = ref MemoryMarshal.GetReference(row);
        ref sbyte sr = ref MemoryMarshal.GetReference(sums);
        if (Vector256.IsHardwareAccelerated)
            for (; j <= row.Length - 32; j += 32)
                (Vector256.LoadUnsafe(ref sr, (nuint)j) + Vector256.LoadUnsafe(ref rr, (nuint)j)).StoreUnsafe(ref sr, (nuint)j);
        for (; j < row.Length; j++) sums[j] += row[j];
    }
}
