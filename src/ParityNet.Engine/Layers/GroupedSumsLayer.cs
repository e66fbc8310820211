using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The measuring pass of bits → ReLU hidden → one output over many sampled numbers (a held-out check), by sums in groups:
/// the inputs are taken <see cref="GroupBits"/> at a time, and for each group every sum of its weight rows (2^6 of them) is
/// made once per pass, so that a row's pre-activation is one table entry per group — 9 additions for 50 bits instead of one
/// per set bit, 25 on average. Forward only, without the hidden layer: each row's hidden units go straight into the output's
/// dot product. The sums are grouped, so not the bits of the sums in order (<see cref="SummedBitsLayer"/>): within a few ulp
/// of them. The pass is chosen by the network and the pass (<see cref="LayerStack.SumsInGroups"/>), never by the machine, and
/// every vector width gives the same bits (elementwise additions; the dot product in <see cref="Kernels.Dot"/>'s four lanes).
/// </summary>
internal static class GroupedSumsLayer
{
    /// <summary>Inputs per group: 64 sums of eight units take 32 KiB, the first-level cache of current x64 cores.</summary>
    public const int GroupBits = 6;

    private const int Entries = 1 << GroupBits;

    /// <summary>z[i] = Σ_j ReLU(h[i, j])·wOut[j] for the numbers, summed over j in four lanes (j mod 4), each in order of j, then added as
    /// ((l0 + l1) + (l2 + l3)) — the output's pre-activation before its bias. h[i, j] is bias[j] plus the weights w[p, j] of the set
    /// bits p of group 0 (p = 0 … 5, bit p the (bits − 1 − p)-th of the number), added in order of p; then for each next group, the
    /// sum from zero of its set bits' weights in order of p, added to h.</summary>
    /// <remarks>Rows wider than 62 bits come as <paramref name="chunks"/> longs a row (<see cref="WideNumbers"/>); input p is the
    /// same input as on the other paths, so the groups are those of the inputs 0 … bits − 1, across chunks.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardDots(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        ReadOnlySpan<double> wOut, Span<double> z, int chunks = 1)
    {
        int count = ReLUBlockLayer.CheckRows(numbers, chunks, bits), groups = Groups(bits);
        if (w.Length < (long)bits * m || !bias.IsEmpty && bias.Length != m || wOut.Length < m || z.Length < count)
            throw new ArgumentException("w, bias, wOut or z does not fit the shape.");
        int[] entries = ArrayPool<int>.Shared.Rent(count * groups);
        double[] tables = Tables(groups * Entries * 8);
        double[] lanes = ArrayPool<double>.Shared.Rent(count * 4);
        try
        {
            Kernels.Zero(lanes.AsSpan(0, count * 4));
            int j = 0;
            if (Vector512.IsHardwareAccelerated && m >= 8)
            {
                EntriesOf(numbers, chunks, bits, 8, entries);
                for (; j <= m - 8; j += 8) Columns512(count, bits, w, bias, m, wOut, j, entries, tables, lanes);
            }
            if (Vector256.IsHardwareAccelerated && m - j >= 4)
            {
                EntriesOf(numbers, chunks, bits, 4, entries);
                for (; j <= m - 4; j += 4) Columns256(count, bits, w, bias, m, wOut, j, entries, tables, lanes);
            }
            if (j < m) EntriesOf(numbers, chunks, bits, 1, entries);
            for (; j < m; j++) Column(count, bits, w, bias, m, wOut, j, entries, tables, lanes);
            for (int i = 0; i < count; i++)
            {
                ref double lane = ref lanes[i * 4];
                z[i] = (lane + Unsafe.Add(ref lane, 1)) + (Unsafe.Add(ref lane, 2) + Unsafe.Add(ref lane, 3)); // Dot's order
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(entries);
            ArrayPool<double>.Shared.Return(lanes);
        }
    }

    // The tables of a thread's passes, kept: each lookup loads an entry of eight sums, one cache line where the array starts one.
    [ThreadStatic] private static double[]? t_tables;

    private static double[] Tables(int length) => AlignedArrays.Kept(ref t_tables, length);

    private static int Groups(int bits) => (bits + GroupBits - 1) / GroupBits;

    // Row i's entry in group g's table: bit t of it is input p = g·GroupBits + t, which reads bit (bits − 1 − p) of the number —
    // the group's field of the number with its bits in reverse. Written, times the width of an entry, to entries[i·groups + g].
    // Wide rows: input p is bit (width − 1 − q) of chunk c, for p = FirstRow(c) + q, as on the other paths; a group may take
    // bits of two chunks.
    private static void EntriesOf(ReadOnlySpan<long> numbers, int chunks, int bits, int width, int[] entries)
    {
        int groups = Groups(bits);
        if (chunks == 1)
        {
            for (int i = 0; i < numbers.Length; i++)
            {
                long v = numbers[i];
                for (int g = 0; g < groups; g++) entries[i * groups + g] = (g * Entries + Entry(v, bits, g)) * width;
            }
            return;
        }
        Span<int> chunkOf = stackalloc int[bits], shiftOf = stackalloc int[bits];
        for (int c = 0; c < chunks; c++)
            for (int q = 0, cw = WideNumbers.ChunkWidth(bits, c), first = WideNumbers.FirstRow(bits, c); q < cw; q++)
            {
                chunkOf[first + q] = c;
                shiftOf[first + q] = cw - 1 - q;
            }
        for (int i = 0, count = numbers.Length / chunks; i < count; i++)
        {
            var row = numbers.Slice(i * chunks, chunks);
            for (int g = 0; g < groups; g++)
            {
                int first = g * GroupBits, n = Math.Min(GroupBits, bits - first), e = 0;
                for (int t = 0; t < n; t++) e |= (int)((row[chunkOf[first + t]] >> shiftOf[first + t]) & 1) << t;
                entries[i * groups + g] = (g * Entries + e) * width;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Entry(long number, int bits, int g)
    {
        int first = g * GroupBits, n = Math.Min(GroupBits, bits - first);
        int field = (int)((number >> (bits - first - n)) & ((1 << n) - 1));
        return Reversed[field] >> (GroupBits - n);
    }

    // Reversed[f] = the six bits of f in reverse order.
    private static readonly byte[] Reversed = Enumerable.Range(0, Entries)
        .Select(f => (byte)Enumerable.Range(0, GroupBits).Sum(t => ((f >> t) & 1) << (GroupBits - 1 - t))).ToArray();

    // Group g's table for the `width` units from column j: entry e = (bias, or zero after group 0) + the weight rows of its bits in
    // order, each entry the one without its highest bit plus that bit's row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tables512(int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m, int j, double[] tables)
    {
        ref double wr = ref MemoryMarshal.GetReference(w);
        for (int g = 0, groups = Groups(bits); g < groups; g++)
        {
            int first = g * GroupBits, n = Math.Min(GroupBits, bits - first);
            ref double t = ref tables[g * Entries * 8];
            (g == 0 && !bias.IsEmpty ? Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)j) : Vector512<double>.Zero).StoreUnsafe(ref t);
            for (int k = 0; k < n; k++)
            {
                var row = Vector512.LoadUnsafe(ref wr, (nuint)((first + k) * m + j));
                for (int e = 0, half = 1 << k; e < half; e++)
                    (Vector512.LoadUnsafe(ref t, (nuint)(e * 8)) + row).StoreUnsafe(ref t, (nuint)((half + e) * 8));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns512(int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        ReadOnlySpan<double> wOut, int j, int[] entries, double[] tables, double[] lanes)
    {
        int groups = Groups(bits);
        Tables512(bits, w, bias, m, j, tables);
        ref double tr = ref MemoryMarshal.GetArrayDataReference(tables);
        ref double lr = ref MemoryMarshal.GetArrayDataReference(lanes);
        ref int er = ref MemoryMarshal.GetArrayDataReference(entries);
        var wo = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(wOut), (nuint)j);
        int i = 0;
        for (; i <= count - 4; i += 4) // four rows' chains in flight: each row's groups are added in order
        {
            ref int e0 = ref Unsafe.Add(ref er, i * groups);
            ref int e1 = ref Unsafe.Add(ref e0, groups);
            ref int e2 = ref Unsafe.Add(ref e1, groups);
            ref int e3 = ref Unsafe.Add(ref e2, groups);
            var s0 = Vector512.LoadUnsafe(ref tr, (nuint)e0);
            var s1 = Vector512.LoadUnsafe(ref tr, (nuint)e1);
            var s2 = Vector512.LoadUnsafe(ref tr, (nuint)e2);
            var s3 = Vector512.LoadUnsafe(ref tr, (nuint)e3);
            for (int g = 1; g < groups; g++)
            {
                s0 += Vector512.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e0, g));
                s1 += Vector512.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e1, g));
                s2 += Vector512.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e2, g));
                s3 += Vector512.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e3, g));
            }
            Dot512(ref Unsafe.Add(ref lr, i * 4), s0, wo);
            Dot512(ref Unsafe.Add(ref lr, i * 4 + 4), s1, wo);
            Dot512(ref Unsafe.Add(ref lr, i * 4 + 8), s2, wo);
            Dot512(ref Unsafe.Add(ref lr, i * 4 + 12), s3, wo);
        }
        for (; i < count; i++)
        {
            ref int e0 = ref Unsafe.Add(ref er, i * groups);
            var s0 = Vector512.LoadUnsafe(ref tr, (nuint)e0);
            for (int g = 1; g < groups; g++) s0 += Vector512.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e0, g));
            Dot512(ref Unsafe.Add(ref lr, i * 4), s0, wo);
        }
    }

    // ReLU, then the products with the output's weights added to the row's four lanes: the lower four units, then the upper four.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot512(ref double lane, Vector512<double> h, Vector512<double> wOut)
    {
        var p = Vector512.ConditionalSelect(Vector512.GreaterThan(h, Vector512<double>.Zero), h, Vector512<double>.Zero) * wOut;
        (Vector256.LoadUnsafe(ref lane) + p.GetLower() + p.GetUpper()).StoreUnsafe(ref lane);
    }

    // Columns512's twin four units wide: the same operations on each unit.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns256(int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        ReadOnlySpan<double> wOut, int j, int[] entries, double[] tables, double[] lanes)
    {
        int groups = Groups(bits);
        ref double wr = ref MemoryMarshal.GetReference(w);
        for (int g = 0; g < groups; g++)
        {
            int first = g * GroupBits, n = Math.Min(GroupBits, bits - first);
            ref double t = ref tables[g * Entries * 4];
            (g == 0 && !bias.IsEmpty ? Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)j) : Vector256<double>.Zero).StoreUnsafe(ref t);
            for (int k = 0; k < n; k++)
            {
                var row = Vector256.LoadUnsafe(ref wr, (nuint)((first + k) * m + j));
                for (int e = 0, half = 1 << k; e < half; e++)
                    (Vector256.LoadUnsafe(ref t, (nuint)(e * 4)) + row).StoreUnsafe(ref t, (nuint)((half + e) * 4));
            }
        }
        ref double tr = ref MemoryMarshal.GetArrayDataReference(tables);
        ref double lr = ref MemoryMarshal.GetArrayDataReference(lanes);
        ref int er = ref MemoryMarshal.GetArrayDataReference(entries);
        var wo = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(wOut), (nuint)j);
        int i = 0;
        for (; i <= count - 4; i += 4)
        {
            ref int e0 = ref Unsafe.Add(ref er, i * groups);
            ref int e1 = ref Unsafe.Add(ref e0, groups);
            ref int e2 = ref Unsafe.Add(ref e1, groups);
            ref int e3 = ref Unsafe.Add(ref e2, groups);
            var s0 = Vector256.LoadUnsafe(ref tr, (nuint)e0);
            var s1 = Vector256.LoadUnsafe(ref tr, (nuint)e1);
            var s2 = Vector256.LoadUnsafe(ref tr, (nuint)e2);
            var s3 = Vector256.LoadUnsafe(ref tr, (nuint)e3);
            for (int g = 1; g < groups; g++)
            {
                s0 += Vector256.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e0, g));
                s1 += Vector256.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e1, g));
                s2 += Vector256.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e2, g));
                s3 += Vector256.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e3, g));
            }
            Dot256(ref Unsafe.Add(ref lr, i * 4), s0, wo);
            Dot256(ref Unsafe.Add(ref lr, i * 4 + 4), s1, wo);
            Dot256(ref Unsafe.Add(ref lr, i * 4 + 8), s2, wo);
            Dot256(ref Unsafe.Add(ref lr, i * 4 + 12), s3, wo);
        }
        for (; i < count; i++)
        {
            ref int e0 = ref Unsafe.Add(ref er, i * groups);
            var s0 = Vector256.LoadUnsafe(ref tr, (nuint)e0);
            for (int g = 1; g < groups; g++) s0 += Vector256.LoadUnsafe(ref tr, (nuint)Unsafe.Add(ref e0, g));
            Dot256(ref Unsafe.Add(ref lr, i * 4), s0, wo);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot256(ref double lane, Vector256<double> h, Vector256<double> wOut)
    {
        var p = Vector256.ConditionalSelect(Vector256.GreaterThan(h, Vector256<double>.Zero), h, Vector256<double>.Zero) * wOut;
        (Vector256.LoadUnsafe(ref lane) + p).StoreUnsafe(ref lane);
    }

    // One unit j for every row, in scalar operations: the vector columns' twin (lane j mod 4).
    private static void Column(int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        ReadOnlySpan<double> wOut, int j, int[] entries, double[] tables, double[] lanes)
    {
        int groups = Groups(bits);
        for (int g = 0; g < groups; g++)
        {
            int first = g * GroupBits, n = Math.Min(GroupBits, bits - first);
            tables[g * Entries] = g == 0 && !bias.IsEmpty ? bias[j] : 0;
            for (int k = 0; k < n; k++)
                for (int e = 0, half = 1 << k; e < half; e++)
                    tables[g * Entries + half + e] = tables[g * Entries + e] + w[(first + k) * m + j];
        }
        for (int i = 0; i < count; i++)
        {
            double h = 0;
            for (int g = 0; g < groups; g++) h = g == 0 ? tables[entries[i * groups]] : h + tables[entries[i * groups + g]];
            lanes[i * 4 + (j & 3)] += (h > 0 ? h : 0) * wOut[j];
        }
    }
}
