using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// The fused ReLU path over any numbers, not consecutive (a sampled batch): the same shape and bits as the general path,
// ForwardAny then Dots, and BackwardAny.
internal static partial class ReLUBlockLayer
{
    // Up to NarrowBits inputs, ForwardAny makes each row's sums 32 units at a time over all its set bits (32 units' rows of 100
    // inputs, 25.6 KB, fit the first-level cache beside the block's 8 KB of output; four chains of additions are enough to keep
    // the adder busy). Past it, over ranges of RangeBits weight rows at a time, 64 units at a time (64 units' rows of 50 inputs,
    // 25.6 KB; measured at 100 and 200 bits, ranges of 16 and 32 rows were slower). Measured at 50-1000 from aligned weights
    // (AlignedArrays): 32 units 38-41 µs, 64 units 41-43 µs; at 100-1000, 84 µs against 92 µs by ranges.
    internal const int NarrowBits = 100, RangeBits = 50;

    /// <summary>Whether <see cref="ForwardAny"/> and <see cref="BackwardAny"/> serve <paramref name="m"/> hidden units: 512-bit vectors, units in eights.</summary>
    public static bool FitsAny(int m) => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported && m % Width == 0 && m > 0;

    /// <summary>a[count×m] = ReLU(bits of numbers[i] · w + bias) — the sums of
    /// <see cref="SummedBitsLayer.ForwardAny"/>, then <see cref="Kernels.AddBias"/> and ReLU — kept in blocks of eight units as
    /// <see cref="Forward"/> keeps them. Thirty-two units at a time (sixty-four past <see cref="NarrowBits"/> inputs, by ranges of
    /// rows), so that their weight rows stay in the first-level cache while every row is made, four (eight) sums in flight per
    /// row. <see cref="Dots"/> then gives the output's pre-activations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        Span<double> a, int chunks = 1)
    {
        int count = CheckForward(numbers, chunks, bits, w.Length, bias.Length, m, a.Length);
        int[] offsets = System.Buffers.ArrayPool<int>.Shared.Rent(count * (bits + 1));
        try
        {
            SetBitRows(numbers, chunks, bits, m, offsets);
            ForwardUnits(offsets, count, bits, ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(bias), !bias.IsEmpty, m,
                ref MemoryMarshal.GetReference(a), 0, m);
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(offsets);
        }
    }

    /// <summary><see cref="ForwardAny"/>
    /// with its units in parts of <see cref="PartUnits"/> that <paramref name="helper"/> shares between two threads: the same bits.</summary>
    public static void ForwardAnyShared(ReadOnlySpan<long> numbers, int bits, double[] w, double[] bias, int m, double[] a, int chunks, SecondThread helper)
    {
        int count = CheckForward(numbers, chunks, bits, w.Length, bias.Length, m, a.Length);
        int[] offsets = System.Buffers.ArrayPool<int>.Shared.Rent(count * (bits + 1));
        try
        {
            SetBitRows(numbers, chunks, bits, m, offsets);
            helper.Share(Parts(m), part => ForwardUnits(offsets, count, bits, ref MemoryMarshal.GetArrayDataReference(w),
                ref MemoryMarshal.GetArrayDataReference(bias), bias.Length != 0, m, ref MemoryMarshal.GetArrayDataReference(a),
                part * PartUnits, Math.Min(m, (part + 1) * PartUnits)));
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(offsets);
        }
    }

    /// <summary>Units a part of a shared pass: one block of the fused loops.</summary>
    internal const int PartUnits = 8 * Width;

    internal static int Parts(int m) => (m + PartUnits - 1) / PartUnits;

    private static int CheckForward(ReadOnlySpan<long> numbers, int chunks, int bits, int wLength, int biasLength, int m, int aLength)
    {
        int count = CheckRows(numbers, chunks, bits);
        if (!FitsAny(m) || wLength < (long)bits * m || aLength < (long)count * m || biasLength != 0 && biasLength != m)
            throw new ArgumentException("w, bias or a does not fit the shape.");
        return count;
    }

    /// <summary><see cref="ForwardAny"/>'s sums, bias and ReLU for the units from … to − 1 (from a multiple of 64, to one of 8 or m),
    /// given each row's set-bit offsets (SetBitRows): every unit by the same operations whatever the range, so a pass split into
    /// ranges (<see cref="SecondThread.Share"/>) has the same bits as one over all units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardUnits(int[] offsets, int count, int bits, ref double wr, ref double br, bool hasBias, int m, ref double ar,
        int from, int to)
    {
        int c = from;
        // Where the inputs are wide, the units' weight rows no longer fit the first-level cache: their sums are made over
        // RangeBits rows of weights at a time, kept in `a` between ranges (the same additions in the same order).
        if (bits > NarrowBits)
        {
            int[] cursor = System.Buffers.ArrayPool<int>.Shared.Rent(count);
            try
            {
                for (; c <= to - 8 * Width; c += 8 * Width)
                {
                    cursor.AsSpan(0, count).Fill(1);
                    for (int r0 = 0; r0 < bits; r0 += RangeBits)
                    {
                        int limit = Math.Min(bits, r0 + RangeBits) * m;
                        bool first = r0 == 0, last = r0 + RangeBits >= bits;
                        for (int i = 0; i < count; i++)
                        {
                            int at = i * (bits + 1), set = offsets[at], k = cursor[i];
                            ref double ai = ref Unsafe.Add(ref ar, c * count + i * Width);
                            nuint stride = (nuint)(count * Width);
                            Vector512<double> s0, s1, s2, s3, s4, s5, s6, s7;
                            if (first) { s0 = Vector512<double>.Zero; s1 = s0; s2 = s0; s3 = s0; s4 = s0; s5 = s0; s6 = s0; s7 = s0; }
                            else
                            {
                                s0 = Vector512.LoadUnsafe(ref ai); s1 = Vector512.LoadUnsafe(ref ai, stride);
                                s2 = Vector512.LoadUnsafe(ref ai, 2 * stride); s3 = Vector512.LoadUnsafe(ref ai, 3 * stride);
                                s4 = Vector512.LoadUnsafe(ref ai, 4 * stride); s5 = Vector512.LoadUnsafe(ref ai, 5 * stride);
                                s6 = Vector512.LoadUnsafe(ref ai, 6 * stride); s7 = Vector512.LoadUnsafe(ref ai, 7 * stride);
                            }
                            for (; k <= set && offsets[at + k] < limit; k++)
                            {
                                ref double x = ref Unsafe.Add(ref wr, offsets[at + k] + c);
                                s0 += Vector512.LoadUnsafe(ref x); s1 += Vector512.LoadUnsafe(ref x, Width);
                                s2 += Vector512.LoadUnsafe(ref x, 2 * Width); s3 += Vector512.LoadUnsafe(ref x, 3 * Width);
                                s4 += Vector512.LoadUnsafe(ref x, 4 * Width); s5 += Vector512.LoadUnsafe(ref x, 5 * Width);
                                s6 += Vector512.LoadUnsafe(ref x, 6 * Width); s7 += Vector512.LoadUnsafe(ref x, 7 * Width);
                            }
                            cursor[i] = k;
                            if (last)
                            {
                                Unit(s0, c, i, count, hasBias, ref br, ref ar); Unit(s1, c + Width, i, count, hasBias, ref br, ref ar);
                                Unit(s2, c + 2 * Width, i, count, hasBias, ref br, ref ar); Unit(s3, c + 3 * Width, i, count, hasBias, ref br, ref ar);
                                Unit(s4, c + 4 * Width, i, count, hasBias, ref br, ref ar); Unit(s5, c + 5 * Width, i, count, hasBias, ref br, ref ar);
                                Unit(s6, c + 6 * Width, i, count, hasBias, ref br, ref ar); Unit(s7, c + 7 * Width, i, count, hasBias, ref br, ref ar);
                            }
                            else
                            {
                                s0.StoreUnsafe(ref ai); s1.StoreUnsafe(ref ai, stride); s2.StoreUnsafe(ref ai, 2 * stride); s3.StoreUnsafe(ref ai, 3 * stride);
                                s4.StoreUnsafe(ref ai, 4 * stride); s5.StoreUnsafe(ref ai, 5 * stride); s6.StoreUnsafe(ref ai, 6 * stride); s7.StoreUnsafe(ref ai, 7 * stride);
                            }
                        }
                    }
                }
            }
            finally
            {
                System.Buffers.ArrayPool<int>.Shared.Return(cursor);
            }
        }
        else for (; c <= to - 4 * Width; c += 4 * Width)
            for (int i = 0; i < count; i++)
            {
                // Each unit's sum in the order of the set bits, from zero, as CombineRows makes it.
                int at = i * (bits + 1), set = offsets[at];
                Vector512<double> s0 = Vector512<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int k = 1; k <= set; k++)
                {
                    ref double x = ref Unsafe.Add(ref wr, offsets[at + k] + c);
                    s0 += Vector512.LoadUnsafe(ref x); s1 += Vector512.LoadUnsafe(ref x, Width);
                    s2 += Vector512.LoadUnsafe(ref x, 2 * Width); s3 += Vector512.LoadUnsafe(ref x, 3 * Width);
                }
                Unit(s0, c, i, count, hasBias, ref br, ref ar);
                Unit(s1, c + Width, i, count, hasBias, ref br, ref ar);
                Unit(s2, c + 2 * Width, i, count, hasBias, ref br, ref ar);
                Unit(s3, c + 3 * Width, i, count, hasBias, ref br, ref ar);
            }
        for (; c < to; c += Width)
            for (int i = 0; i < count; i++)
            {
                int at = i * (bits + 1), set = offsets[at];
                var s0 = Vector512<double>.Zero;
                for (int k = 1; k <= set; k++) s0 += Vector512.LoadUnsafe(ref wr, (nuint)(offsets[at + k] + c));
                Unit(s0, c, i, count, hasBias, ref br, ref ar);
            }
    }

    /// <summary>z[i] = <see cref="Kernels.Dot"/>(a[i, :], wOut) for a[count×m] kept in blocks of eight units: four rows at a time
    /// (four chains in flight), each over the units in order in Dot's four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dots(ReadOnlySpan<double> a, ReadOnlySpan<double> wOut, Span<double> z, int count, int m)
    {
        if (!FitsAny(m) || a.Length < (long)count * m || wOut.Length < m || z.Length < count)
            throw new ArgumentException("a, wOut or z does not fit the shape.");
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double or = ref MemoryMarshal.GetReference(wOut);
        int r = 0;
        for (; r <= count - 4; r += 4)
        {
            Vector256<double> d0 = Vector256<double>.Zero, d1 = d0, d2 = d0, d3 = d0;
            for (int u = 0; u < m; u += Width)
            {
                var wo = Vector512.LoadUnsafe(ref or, (nuint)u);
                ref double au = ref Unsafe.Add(ref ar, u * count + r * Width);
                var p0 = Vector512.LoadUnsafe(ref au) * wo;
                var p1 = Vector512.LoadUnsafe(ref au, Width) * wo;
                var p2 = Vector512.LoadUnsafe(ref au, 2 * Width) * wo;
                var p3 = Vector512.LoadUnsafe(ref au, 3 * Width) * wo;
                d0 = d0 + p0.GetLower() + p0.GetUpper();
                d1 = d1 + p1.GetLower() + p1.GetUpper();
                d2 = d2 + p2.GetLower() + p2.GetUpper();
                d3 = d3 + p3.GetLower() + p3.GetUpper();
            }
            Kernels.LaneSums(d0, d1, d2, d3).StoreUnsafe(ref MemoryMarshal.GetReference(z), (nuint)r);
        }
        for (; r < count; r++)
        {
            var d0 = Vector256<double>.Zero;
            for (int u = 0; u < m; u += Width)
            {
                var p0 = Vector512.LoadUnsafe(ref ar, (nuint)(u * count + r * Width)) * Vector512.LoadUnsafe(ref or, (nuint)u);
                d0 = d0 + p0.GetLower() + p0.GetUpper();
            }
            z[r] = (d0[0] + d0[1]) + (d0[2] + d0[3]); // Dot's order
        }
    }

    /// <summary>The backward pass over any numbers, given d[i] = ∂objective/∂z of the output for each row: gOut[m] +=
    /// Σ_i d[i]·a[i, :] in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)) and gOutBias[0] += Σ_i d[i] in order (as
    /// <see cref="Kernels.SingleUnitBackward"/>); through the delta sent back, (d[i]·wOut) ⊙ ReLU′(a[i, :]), g[bits×m] +=
    /// bitsᵀ · delta, each gradient row adding its rows in order, and biasSum[m] += Σ delta (as <see cref="BitWalk.GradientAny"/>).
    /// <paramref name="scratch"/> holds count·m values: the deltas sent back, or where every d[i] is 0 or ±c (the hinge loss's), the
    /// signs the counts of <see cref="SignCounts"/> add, as bytes. With <paramref name="fresh"/>, the sums start from zero
    /// instead of the buffers' values (the same bits as zeroing them first, without the pass that zeroes them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> a, ReadOnlySpan<double> d, ReadOnlySpan<double> wOut,
        Span<double> gOut, Span<double> gOutBias, Span<double> g, Span<double> biasSum, int m, Span<double> scratch, bool fresh = false,
        int chunks = 1, FoldedStep? step = null)
    {
        int count = CheckBackward(numbers, chunks, bits, a.Length, d.Length, wOut.Length, gOut.Length, g.Length, biasSum.Length, m, scratch.Length, fresh, step);
        int[] rows = System.Buffers.ArrayPool<int>.Shared.Rent(bits * (count + 1));
        try
        {
            RowsOfBits(numbers, chunks, bits, rows);
            double size = CountSize(d.Slice(0, count), rows, bits, count);
            bool finite = Units(rows, count, bits, ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(d),
                ref MemoryMarshal.GetReference(wOut), ref MemoryMarshal.GetReference(gOut), ref MemoryMarshal.GetReference(g),
                ref MemoryMarshal.GetReference(biasSum), !biasSum.IsEmpty, m, ref MemoryMarshal.GetReference(scratch), fresh, step, 0, m, size);
            OutputBiasGradient(gOutBias, d.Slice(0, count), fresh);
            if (step is not null) { step.Finite = finite; step.Taken = true; step.Stale |= step.FoldedOnly; }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rows);
        }
    }

    /// <summary><see cref="BackwardAny"/>
    /// with its units in parts of <see cref="PartUnits"/> that <paramref name="helper"/> shares between two threads: every value but the
    /// output bias's gradient belongs to one unit, so the same bits.</summary>
    public static void BackwardAnyShared(ReadOnlySpan<long> numbers, int bits, double[] a, double[] d, double[] wOut, double[] gOut, double[] gOutBias,
        double[] g, double[] biasSum, int m, double[] scratch, bool fresh, int chunks, FoldedStep? step, SecondThread helper)
    {
        int count = CheckBackward(numbers, chunks, bits, a.Length, d.Length, wOut.Length, gOut.Length, g.Length, biasSum.Length, m, scratch.Length, fresh, step);
        int[] rows = System.Buffers.ArrayPool<int>.Shared.Rent(bits * (count + 1));
        int parts = Parts(m);
        bool[] finite = System.Buffers.ArrayPool<bool>.Shared.Rent(parts);
        try
        {
            RowsOfBits(numbers, chunks, bits, rows);
            double size = CountSize(d.AsSpan(0, count), rows, bits, count);
            helper.Share(parts, part => finite[part] = Units(rows, count, bits, ref MemoryMarshal.GetArrayDataReference(a),
                ref MemoryMarshal.GetArrayDataReference(d), ref MemoryMarshal.GetArrayDataReference(wOut), ref MemoryMarshal.GetArrayDataReference(gOut),
                ref MemoryMarshal.GetArrayDataReference(g), ref MemoryMarshal.GetArrayDataReference(biasSum), biasSum.Length != 0, m,
                ref MemoryMarshal.GetArrayDataReference(scratch), fresh, step, part * PartUnits, Math.Min(m, (part + 1) * PartUnits), size));
            OutputBiasGradient(gOutBias, d.AsSpan(0, count), fresh);
            if (step is not null)
            {
                step.Finite = !finite.AsSpan(0, parts).Contains(false);
                step.Taken = true;
                step.Stale |= step.FoldedOnly;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rows);
            System.Buffers.ArrayPool<bool>.Shared.Return(finite);
        }
    }

    private static int CheckBackward(ReadOnlySpan<long> numbers, int chunks, int bits, int aLength, int dLength, int wOutLength, int gOutLength,
        int gLength, int biasSumLength, int m, int scratchLength, bool fresh, FoldedStep? step)
    {
        int count = CheckRows(numbers, chunks, bits);
        if (!FitsAny(m) || aLength < (long)count * m || dLength < count || wOutLength < m || gOutLength < m
            || gLength < (long)bits * m || biasSumLength != 0 && biasSumLength < m || scratchLength < (long)count * m)
            throw new ArgumentException("a, d, wOut, gOut, g, biasSum or scratch does not fit the shape.");
        if (step is not null && (!fresh || biasSumLength != m || step.W.Length != bits * m || step.WFolded.Length != bits * m
            || step.Bias.Length != m || step.BiasFolded.Length != m))
            throw new ArgumentException("a step in the pass needs fresh gradients, biases, and a bits × m layer.", nameof(step));
        return count;
    }

    // gOutBias[0] += Σ_i d[i] in order (from zero when fresh).
    private static void OutputBiasGradient(Span<double> gOutBias, ReadOnlySpan<double> d, bool fresh)
    {
        if (gOutBias.IsEmpty) return;
        if (fresh) gOutBias[0] = 0;
        for (int i = 0; i < d.Length; i++) gOutBias[0] += d[i];
    }

    /// <summary><see cref="BackwardAny"/> for the units from … to − 1 (from a multiple of 64, to one of 8 or m), given the rows of each
    /// bit (RowsOfBits), all but the output bias's gradient: the deltas sent back, the output weights' and the biases' gradients,
    /// the first layer's gradient rows, and with a step, the biases' and those rows' steps. Returns whether every stepped value is
    /// finite (true without a step). Every unit by the same operations whatever the range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool BackwardUnits(int[] rows, int count, int bits, ref double ar, ref double dr, ref double wOut, ref double gOut, ref double gr,
        ref double gb, bool hasBias, int m, ref double buf, bool fresh, FoldedStep? step, int from, int to)
    {
        // The deltas sent back, eight units at a time down the rows, with the output weights' lanes and the bias sums.
        for (int u = from; u < to; u += Width)
        {
            var wo = Vector512.LoadUnsafe(ref wOut, (nuint)u);
            Vector512<double> l0 = Vector512<double>.Zero, l1 = l0, l2 = l0, l3 = l0;
            var sums = hasBias && !fresh ? Vector512.LoadUnsafe(ref gb, (nuint)u) : Vector512<double>.Zero;
            ref double ab = ref Unsafe.Add(ref ar, u * count);
            ref double bb = ref Unsafe.Add(ref buf, u * count);
            int i = 0;
            for (; i <= count - 4; i += 4)
            {
                var b0 = Back(ref ab, i * Width, Unsafe.Add(ref dr, i), wo, ref l0);
                var b1 = Back(ref ab, (i + 1) * Width, Unsafe.Add(ref dr, i + 1), wo, ref l1);
                var b2 = Back(ref ab, (i + 2) * Width, Unsafe.Add(ref dr, i + 2), wo, ref l2);
                var b3 = Back(ref ab, (i + 3) * Width, Unsafe.Add(ref dr, i + 3), wo, ref l3);
                b0.StoreUnsafe(ref bb, (nuint)(i * Width));
                b1.StoreUnsafe(ref bb, (nuint)((i + 1) * Width));
                b2.StoreUnsafe(ref bb, (nuint)((i + 2) * Width));
                b3.StoreUnsafe(ref bb, (nuint)((i + 3) * Width));
                sums = (((sums + b0) + b1) + b2) + b3;
            }
            for (; i < count; i++)
            {
                var b = (i & 3) switch
                {
                    0 => Back(ref ab, i * Width, Unsafe.Add(ref dr, i), wo, ref l0),
                    1 => Back(ref ab, i * Width, Unsafe.Add(ref dr, i), wo, ref l1),
                    _ => Back(ref ab, i * Width, Unsafe.Add(ref dr, i), wo, ref l2),
                };
                b.StoreUnsafe(ref bb, (nuint)(i * Width));
                sums += b;
            }
            ref double go = ref Unsafe.Add(ref gOut, u);
            ((fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref go)) + ((l0 + l1) + (l2 + l3))).StoreUnsafe(ref go);
            if (hasBias) sums.StoreUnsafe(ref Unsafe.Add(ref gb, u));
        }

        // Each gradient row adds the deltas of the rows whose number has its bit, in row order; sixty-four units at a time.
        // With a step, the biases step first (their gradient is complete), then each row of sums steps and folds in place of
        // being written to g: StepAndFold's operations, its rows in its order, so the same bits.
        bool stepping = step is not null;
        var (finite, minusAlpha, decay, decays, foldedOnly) = StartStep(step, ref gb, from, to); // locals, not out parameters: kept in registers
        var check = Vector512<double>.Zero;
        ref double wr = ref StepArray(step?.W, ref gr), fr = ref StepArray(step?.WFolded, ref gr), sr = ref StepArray(step?.BiasFolded, ref gr);
        nuint block = (nuint)(count * Width); // from one block of eight units to the next
        int c = from;
        for (; c <= to - 8 * Width; c += 8 * Width)
            for (int p = 0; p < bits; p++)
            {
                ref double gp = ref Unsafe.Add(ref gr, p * m + c);
                Vector512<double> s0 = Vector512<double>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                if (!fresh)
                {
                    s0 = Vector512.LoadUnsafe(ref gp); s1 = Vector512.LoadUnsafe(ref gp, Width);
                    s2 = Vector512.LoadUnsafe(ref gp, 2 * Width); s3 = Vector512.LoadUnsafe(ref gp, 3 * Width);
                    s4 = Vector512.LoadUnsafe(ref gp, 4 * Width); s5 = Vector512.LoadUnsafe(ref gp, 5 * Width);
                    s6 = Vector512.LoadUnsafe(ref gp, 6 * Width); s7 = Vector512.LoadUnsafe(ref gp, 7 * Width);
                }
                ref double b = ref Unsafe.Add(ref buf, c * count);
                int at = p * (count + 1), set = rows[at];
                for (int k = 1; k <= set; k++)
                {
                    ref double x = ref Unsafe.Add(ref b, rows[at + k] * Width);
                    s0 += Vector512.LoadUnsafe(ref x); s1 += Vector512.LoadUnsafe(ref x, block);
                    s2 += Vector512.LoadUnsafe(ref x, 2 * block); s3 += Vector512.LoadUnsafe(ref x, 3 * block);
                    s4 += Vector512.LoadUnsafe(ref x, 4 * block); s5 += Vector512.LoadUnsafe(ref x, 5 * block);
                    s6 += Vector512.LoadUnsafe(ref x, 6 * block); s7 += Vector512.LoadUnsafe(ref x, 7 * block);
                }
                if (stepping)
                {
                    int o = p * m + c;
                    SignedInputs.StepEight(s0, ref Unsafe.Add(ref wr, o), ref Unsafe.Add(ref fr, o), ref Unsafe.Add(ref sr, c), ref Unsafe.Add(ref gb, c), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s1, ref Unsafe.Add(ref wr, o + Width), ref Unsafe.Add(ref fr, o + Width), ref Unsafe.Add(ref sr, c + Width), ref Unsafe.Add(ref gb, c + Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s2, ref Unsafe.Add(ref wr, o + 2 * Width), ref Unsafe.Add(ref fr, o + 2 * Width), ref Unsafe.Add(ref sr, c + 2 * Width), ref Unsafe.Add(ref gb, c + 2 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s3, ref Unsafe.Add(ref wr, o + 3 * Width), ref Unsafe.Add(ref fr, o + 3 * Width), ref Unsafe.Add(ref sr, c + 3 * Width), ref Unsafe.Add(ref gb, c + 3 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s4, ref Unsafe.Add(ref wr, o + 4 * Width), ref Unsafe.Add(ref fr, o + 4 * Width), ref Unsafe.Add(ref sr, c + 4 * Width), ref Unsafe.Add(ref gb, c + 4 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s5, ref Unsafe.Add(ref wr, o + 5 * Width), ref Unsafe.Add(ref fr, o + 5 * Width), ref Unsafe.Add(ref sr, c + 5 * Width), ref Unsafe.Add(ref gb, c + 5 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s6, ref Unsafe.Add(ref wr, o + 6 * Width), ref Unsafe.Add(ref fr, o + 6 * Width), ref Unsafe.Add(ref sr, c + 6 * Width), ref Unsafe.Add(ref gb, c + 6 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    SignedInputs.StepEight(s7, ref Unsafe.Add(ref wr, o + 7 * Width), ref Unsafe.Add(ref fr, o + 7 * Width), ref Unsafe.Add(ref sr, c + 7 * Width), ref Unsafe.Add(ref gb, c + 7 * Width), minusAlpha, decay, decays, ref check, foldedOnly);
                    continue;
                }
                s0.StoreUnsafe(ref gp); s1.StoreUnsafe(ref gp, Width);
                s2.StoreUnsafe(ref gp, 2 * Width); s3.StoreUnsafe(ref gp, 3 * Width);
                s4.StoreUnsafe(ref gp, 4 * Width); s5.StoreUnsafe(ref gp, 5 * Width);
                s6.StoreUnsafe(ref gp, 6 * Width); s7.StoreUnsafe(ref gp, 7 * Width);
            }
        for (; c < to; c += Width)
            for (int p = 0; p < bits; p++)
            {
                ref double gp = ref Unsafe.Add(ref gr, p * m + c);
                var s0 = fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp);
                ref double b = ref Unsafe.Add(ref buf, c * count);
                int at = p * (count + 1), set = rows[at];
                for (int k = 1; k <= set; k++) s0 += Vector512.LoadUnsafe(ref b, (nuint)(rows[at + k] * Width));
                if (stepping)
                    SignedInputs.StepEight(s0, ref Unsafe.Add(ref wr, p * m + c), ref Unsafe.Add(ref fr, p * m + c), ref Unsafe.Add(ref sr, c), ref Unsafe.Add(ref gb, c), minusAlpha, decay, decays, ref check, foldedOnly);
                else s0.StoreUnsafe(ref gp);
            }
        return !stepping || finite && Vector512.EqualsAll(check, Vector512<double>.Zero);
    }

    // Row i of eight units for CountedUnits: the output weights' lane += d[i]·a[i, :], as BackwardUnits adds it; the signs
    // sign(d[i])·[a[i, :] > 0] added to total and written as eight bytes at sb + i·64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SignRow(ref double ab, ref sbyte sb, int i, ref double dr, ref long rs, ref Vector512<double> lane, ref Vector512<long> total)
    {
        var av = Vector512.LoadUnsafe(ref ab, (nuint)(i * Width));
        lane += Vector512.Create(Unsafe.Add(ref dr, i)) * av;
        var s = Vector512.GreaterThan(av, Vector512<double>.Zero).AsInt64() & Vector512.Create(Unsafe.Add(ref rs, i));
        total += s;
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref sb, i * 8 * Width)), Avx512F.ConvertToVector128SByte(s).AsInt64().ToScalar());
    }

    // The start of one of the step's arrays, or, without a step, of g (never written through then).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double StepArray(double[]? array, ref double g) => ref array is null ? ref g : ref MemoryMarshal.GetArrayDataReference(array);

    // A pass that steps as it goes (FoldedStep): its biases of units from … to − 1 step first (their gradient is complete); then
    // whether those are finite (true without a step), and the settings its rows' steps take (zeros without a step).
    private static (bool Finite, Vector512<double> MinusAlpha, Vector512<double> Decay, bool Decays, bool FoldedOnly) StartStep(FoldedStep? step,
        ref double gb, int from, int to)
    {
        bool finite = step is null || SignedInputs.StepBiases(step.Bias.AsSpan(from, to - from),
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref gb, from), to - from), step.Alpha, step.WeightDecay, step.BiasFolded.AsSpan(from, to - from));
        return (finite, Vector512.Create(step is null ? 0 : -step.Alpha), Vector512.Create(step is null ? 0 : step.WeightDecay),
            step is not null && step.WeightDecay != 0, step is not null && step.FoldedOnly);
    }

    // The size of the deltas where the counts of signs serve (SignCounts.Applies), else NaN: the sums of BackwardUnits.
    // Where they serve, `rows` is made into the offsets CountedUnits reads (ScaleRows).
    private static double CountSize(ReadOnlySpan<double> d, int[] rows, int bits, int count)
    {
        if (!SignCounts.Applies(d, out double size)) return double.NaN;
        ScaleRows(rows, bits, count);
        return size;
    }

    // Each bit's rows (RowsOfBits) become the offsets of those rows' signs in a block of CountedUnits (row × 64); the counts stay.
    private static void ScaleRows(int[] rows, int bits, int count)
    {
        for (int p = 0; p < bits; p++)
        {
            int at = p * (count + 1);
            for (int k = 1; k <= rows[at]; k++) rows[at + k] *= 8 * Width;
        }
    }

    // BackwardUnits, or CountedUnits where the deltas have one size (not NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Units(int[] rows, int count, int bits, ref double ar, ref double dr, ref double wOut, ref double gOut, ref double gr,
        ref double gb, bool hasBias, int m, ref double buf, bool fresh, FoldedStep? step, int from, int to, double size) =>
        double.IsNaN(size)
            ? BackwardUnits(rows, count, bits, ref ar, ref dr, ref wOut, ref gOut, ref gr, ref gb, hasBias, m, ref buf, fresh, step, from, to)
            : CountedUnits(rows, count, bits, ref ar, ref dr, ref wOut, ref gOut, ref gr, ref gb, hasBias, m, ref buf, fresh, step, from, to, size);

    [ThreadStatic] private static sbyte[]? t_counts; // CountedUnits' counts of a block, kept by each thread that takes parts

    /// <summary><see cref="BackwardUnits"/> where every delta d[i] is 0 or ±<paramref name="size"/> (<see cref="SignCounts.Applies"/>):
    /// the output weights' gradient as there, and the first layer's and its biases' gradients as counts times size·wOut[j]
    /// (<see cref="SignCounts"/>): the same values as its portable twin <see cref="SignCounts.Gradient"/>. <paramref name="buf"/> holds
    /// the signs as bytes, sixty-four units a row in blocks of sixty-four units, instead of the deltas sent back. Every unit by
    /// the same operations whatever the range. Returns whether every stepped value is finite (true without a step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool CountedUnits(int[] rows, int count, int bits, ref double ar, ref double dr, ref double wOut, ref double gOut, ref double gr,
        ref double gb, bool hasBias, int m, ref double buf, bool fresh, FoldedStep? step, int from, int to, double size)
    {
        const int Block = 8 * Width, Half = 4 * Width; // units in a block of signs, and in the half the gradient rows take at a time
        ref sbyte signs = ref Unsafe.As<double, sbyte>(ref buf);
        var sizes = Vector512.Create(size);
        // The signs, eight units at a time down the rows: sign(d[i]) where unit j is active in row i, else 0; with the output
        // weights' lanes as BackwardUnits makes them, and the hidden biases' gradient from the signs' sums.
        Span<long> rowSigns = stackalloc long[count]; // count ≤ SignCounts.MaxRows
        for (int i = 0; i < count; i++) rowSigns[i] = SignCounts.Sign(Unsafe.Add(ref dr, i));
        ref long rs = ref MemoryMarshal.GetReference(rowSigns);
        for (int u = from; u < to; u += Width)
        {
            var wo = Vector512.LoadUnsafe(ref wOut, (nuint)u);
            Vector512<double> l0 = Vector512<double>.Zero, l1 = l0, l2 = l0, l3 = l0;
            var total = Vector512<long>.Zero;
            ref double ab = ref Unsafe.Add(ref ar, u * count);
            ref sbyte sb = ref Unsafe.Add(ref signs, u / Block * count * Block + u % Block);
            int i = 0;
            for (; i <= count - 4; i += 4)
            {
                SignRow(ref ab, ref sb, i, ref dr, ref rs, ref l0, ref total);
                SignRow(ref ab, ref sb, i + 1, ref dr, ref rs, ref l1, ref total);
                SignRow(ref ab, ref sb, i + 2, ref dr, ref rs, ref l2, ref total);
                SignRow(ref ab, ref sb, i + 3, ref dr, ref rs, ref l3, ref total);
            }
            for (; i < count; i++) // rows past the last four: lanes i mod 4, 0 to 2
                SignRow(ref ab, ref sb, i, ref dr, ref rs, ref (i & 3) == 0 ? ref l0 : ref (i & 3) == 1 ? ref l1 : ref l2, ref total);
            ref double go = ref Unsafe.Add(ref gOut, u);
            ((fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref go)) + ((l0 + l1) + (l2 + l3))).StoreUnsafe(ref go);
            if (hasBias)
            {
                ref double gbu = ref Unsafe.Add(ref gb, u);
                ((fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gbu)) + Vector512.ConvertToDouble(total) * (sizes * wo)).StoreUnsafe(ref gbu);
            }
        }

        // Each gradient row: the signs of the rows whose number has its bit, added as bytes, sixty-four units to an add; then
        // start + count·(size·wOut[j]), stepped and folded as BackwardUnits steps its sums, or written to g.
        bool stepping = step is not null;
        var (finite, minusAlpha, decay, decays, foldedOnly) = StartStep(step, ref gb, from, to); // locals, not out parameters: kept in registers
        var check = Vector512<double>.Zero;
        ref double wr = ref StepArray(step?.W, ref gr), fr = ref StepArray(step?.WFolded, ref gr), sr = ref StepArray(step?.BiasFolded, ref gr);
        // A block's counts: for every bit, the sum of the signs of its rows, 64 bytes (one 512-bit add a row); 6.4 KB at 100 bits.
        sbyte[] counts = AlignedArrays.Kept(ref t_counts, bits * Block + 16); // each bit's 64 counts one cache line
        ref sbyte cb = ref MemoryMarshal.GetArrayDataReference(counts);
        ref int st = ref MemoryMarshal.GetArrayDataReference(rows); // rows scaled by Block (ScaleRows): where each row's signs start
        int c = from;
        for (; c <= to - Block; c += Block)
        {
            ref sbyte block = ref Unsafe.Add(ref signs, c / Block * count * Block);
            for (int p = 0; p < bits; p++)
            {
                var sum = Vector512<sbyte>.Zero;
                int at = p * (count + 1), set = rows[at];
                for (int k = 1; k <= set; k++) sum += Vector512.LoadUnsafe(ref block, (nuint)Unsafe.Add(ref st, at + k));
                sum.StoreUnsafe(ref cb, (nuint)(p * Block));
            }
            // Half a block, 32 units, at a time: their size·wOut, −gBias and folded biases' sums stay in registers down the rows.
            for (int h = 0; h < Block; h += Half)
            {
                int u = c + h;
                var cw0 = sizes * Vector512.LoadUnsafe(ref wOut, (nuint)u);
                var cw1 = sizes * Vector512.LoadUnsafe(ref wOut, (nuint)(u + Width));
                var cw2 = sizes * Vector512.LoadUnsafe(ref wOut, (nuint)(u + 2 * Width));
                var cw3 = sizes * Vector512.LoadUnsafe(ref wOut, (nuint)(u + 3 * Width));
                Vector512<double> ng0 = default, ng1 = default, ng2 = default, ng3 = default, bf0 = default, bf1 = default, bf2 = default, bf3 = default;
                if (stepping)
                {
                    ng0 = -Vector512.LoadUnsafe(ref gb, (nuint)u); ng1 = -Vector512.LoadUnsafe(ref gb, (nuint)(u + Width));
                    ng2 = -Vector512.LoadUnsafe(ref gb, (nuint)(u + 2 * Width)); ng3 = -Vector512.LoadUnsafe(ref gb, (nuint)(u + 3 * Width));
                    bf0 = Vector512.LoadUnsafe(ref sr, (nuint)u); bf1 = Vector512.LoadUnsafe(ref sr, (nuint)(u + Width));
                    bf2 = Vector512.LoadUnsafe(ref sr, (nuint)(u + 2 * Width)); bf3 = Vector512.LoadUnsafe(ref sr, (nuint)(u + 3 * Width));
                }
                for (int p = 0; p < bits; p++)
                {
                    ref sbyte cr = ref Unsafe.Add(ref cb, p * Block + h);
                    int o = p * m + u;
                    ref double gp = ref Unsafe.Add(ref gr, o);
                    var s0 = (fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp)) + Widen(ref cr, 0) * cw0;
                    var s1 = (fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp, Width)) + Widen(ref cr, Width) * cw1;
                    var s2 = (fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp, 2 * Width)) + Widen(ref cr, 2 * Width) * cw2;
                    var s3 = (fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp, 3 * Width)) + Widen(ref cr, 3 * Width) * cw3;
                    if (stepping)
                    {
                        SignedInputs.StepEightHeld(s0, ref Unsafe.Add(ref wr, o), ref Unsafe.Add(ref fr, o), ng0, ref bf0, minusAlpha, decay, decays, ref check, foldedOnly);
                        SignedInputs.StepEightHeld(s1, ref Unsafe.Add(ref wr, o + Width), ref Unsafe.Add(ref fr, o + Width), ng1, ref bf1, minusAlpha, decay, decays, ref check, foldedOnly);
                        SignedInputs.StepEightHeld(s2, ref Unsafe.Add(ref wr, o + 2 * Width), ref Unsafe.Add(ref fr, o + 2 * Width), ng2, ref bf2, minusAlpha, decay, decays, ref check, foldedOnly);
                        SignedInputs.StepEightHeld(s3, ref Unsafe.Add(ref wr, o + 3 * Width), ref Unsafe.Add(ref fr, o + 3 * Width), ng3, ref bf3, minusAlpha, decay, decays, ref check, foldedOnly);
                    }
                    else
                    {
                        s0.StoreUnsafe(ref gp); s1.StoreUnsafe(ref gp, Width); s2.StoreUnsafe(ref gp, 2 * Width); s3.StoreUnsafe(ref gp, 3 * Width);
                    }
                }
                if (stepping)
                {
                    bf0.StoreUnsafe(ref sr, (nuint)u); bf1.StoreUnsafe(ref sr, (nuint)(u + Width));
                    bf2.StoreUnsafe(ref sr, (nuint)(u + 2 * Width)); bf3.StoreUnsafe(ref sr, (nuint)(u + 3 * Width));
                }
            }
        }
        for (; c < to; c += Width)
        {
            ref sbyte block = ref Unsafe.Add(ref signs, c / Block * count * Block + c % Block);
            for (int p = 0; p < bits; p++)
            {
                var sum = Vector128<sbyte>.Zero;
                int at = p * (count + 1), set = rows[at];
                for (int k = 1; k <= set; k++)
                    sum += Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref block, Unsafe.Add(ref st, at + k))))).AsSByte();
                var n = Vector512.ConvertToDouble(Avx512F.ConvertToVector512Int64(sum));
                CountedEight(n, sizes, fresh, p * m + c, c, ref wOut, ref gr, ref gb, stepping, ref wr, ref fr, ref sr, minusAlpha, decay, decays, ref check, foldedOnly);
            }
        }
        return !stepping || finite && Vector512.EqualsAll(check, Vector512<double>.Zero);
    }

    // Eight counts, the bytes at counts + at, as doubles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widen(ref sbyte counts, int at) =>
        Vector512.ConvertToDouble(Avx512F.ConvertToVector512Int64(Vector128.LoadUnsafe(ref counts, (nuint)at)));

    // Eight gradients of one row from their counts n: start + n·(size·wOut), start 0 when fresh, else g's; stepped and folded
    // (SignedInputs.StepEight) or written to g at o.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountedEight(Vector512<double> n, Vector512<double> sizes, bool fresh, int o, int u, ref double wOut, ref double gr, ref double gb,
        bool stepping, ref double wr, ref double fr, ref double sr, Vector512<double> minusAlpha, Vector512<double> decay, bool decays, ref Vector512<double> check,
        bool foldedOnly)
    {
        ref double gp = ref Unsafe.Add(ref gr, o);
        var s = (fresh ? Vector512<double>.Zero : Vector512.LoadUnsafe(ref gp)) + n * (sizes * Vector512.LoadUnsafe(ref wOut, (nuint)u));
        if (stepping)
            SignedInputs.StepEight(s, ref Unsafe.Add(ref wr, o), ref Unsafe.Add(ref fr, o), ref Unsafe.Add(ref sr, u), ref Unsafe.Add(ref gb, u), minusAlpha, decay, decays, ref check, foldedOnly);
        else s.StoreUnsafe(ref gp);
    }

    // For each bit p (a weight row), at rows[p·(count + 1)]: how many rows have it set, then those rows in order.
    internal static void RowsOfBits(ReadOnlySpan<long> numbers, int chunks, int bits, int[] rows)
    {
        int count = numbers.Length / chunks;
        for (int c = chunks - 1; c >= 0; c--)
        {
            int width = chunks == 1 ? bits : WideNumbers.ChunkWidth(bits, c), firstRow = chunks == 1 ? 0 : WideNumbers.FirstRow(bits, c);
            for (int q = 0; q < width; q++)
            {
                int p = firstRow + q, n = 0, at = p * (count + 1) + 1, shift = width - 1 - q;
                for (int i = 0; i < count; i++)
                {
                    rows[at + n] = i; // written always, kept when the bit is set: no branch to mispredict
                    n += (int)((numbers[i * chunks + c] >> shift) & 1);
                }
                rows[at - 1] = n;
            }
        }
    }

    // For each row i, at offsets[i·(bits + 1)]: how many bits its number has set, then the weight-row offsets of those bits,
    // most significant first (for wide rows, the most significant chunk first: input 0 first, as WideBitsLayer adds them).
    private static void SetBitRows(ReadOnlySpan<long> numbers, int chunks, int bits, int m, int[] offsets)
    {
        int count = numbers.Length / chunks;
        for (int i = 0; i < count; i++)
        {
            int at = i * (bits + 1), n = 0;
            for (int c = chunks - 1; c >= 0; c--)
            {
                int width = chunks == 1 ? bits : WideNumbers.ChunkWidth(bits, c), firstRow = chunks == 1 ? 0 : WideNumbers.FirstRow(bits, c);
                long v = numbers[i * chunks + c];
                for (int q = 0; q < width; q++)
                {
                    offsets[at + 1 + n] = (firstRow + q) * m; // written always, kept when the bit is set: no branch to mispredict
                    n += (int)((v >> (width - 1 - q)) & 1);
                }
            }
            offsets[at] = n;
        }
    }

    // The rows' count: numbers holds whole rows of `chunks` longs (one up to 62 bits, WideNumbers.Chunks(bits) past it),
    // each chunk within its width.
    internal static int CheckRows(ReadOnlySpan<long> numbers, int chunks, int bits)
    {
        if (chunks == 1) { BitWalk.CheckNumbers(numbers, bits); return numbers.Length; }
        if (chunks != WideNumbers.Chunks(bits) || numbers.Length % chunks != 0) throw new ArgumentException("numbers do not hold whole rows of this width.", nameof(numbers));
        for (int i = 0; i < numbers.Length; i++)
        {
            int width = WideNumbers.ChunkWidth(bits, i % chunks);
            if (numbers[i] < 0 || numbers[i] >> width != 0) throw new ArgumentOutOfRangeException(nameof(numbers), numbers[i], $"not a {width}-bit chunk.");
        }
        return numbers.Length / chunks;
    }

    // One block of eight units of row i: bias and ReLU, stored in blocks of eight.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unit(Vector512<double> sums, int c, int i, int count, bool hasBias, ref double bias, ref double a)
    {
        if (hasBias) sums += Vector512.LoadUnsafe(ref bias, (nuint)c);
        ReLU(sums).StoreUnsafe(ref a, (nuint)(c * count + i * Width));
    }
}
