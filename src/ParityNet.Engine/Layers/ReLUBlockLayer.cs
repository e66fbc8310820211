using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The parity recipe's shape over a block of consecutive integers, eight columns at a time where the hardware has
/// 512-bit vectors: bits → ReLU hidden units → one output unit. Forward makes four rows at once by the slot walk,
/// with bias, ReLU and the output's dot product in the same registers; backward walks eight columns at a time down
/// the whole tile, so the delta sent back, the output weights' four lanes and the first fold of the weight gradient
/// stay in registers, and the rest of the fold runs on an L1-sized buffer. Every value is made by the same operations
/// in the same order as the general path — <see cref="SummedBitsLayer.ForwardBlockReLU"/> then
/// <see cref="Kernels.RowDots"/>, and <see cref="Kernels.SingleUnitBackward"/> then <see cref="BitWalk.GradientBlock"/> —
/// so the bits are the same with or without it, on any machine (tested bit for bit against that path, its scalar twin).
/// The same shape over any numbers (a sampled batch) is in ReLUBlockLayer.Any.cs.
/// </summary>
internal static partial class ReLUBlockLayer
{
    private const int Width = 8; // doubles in a Vector512

    /// <summary>Whether the fused path serves a block of <paramref name="count"/> rows and <paramref name="m"/> hidden units:
    /// 512-bit vectors, units in eights, and at least eight rows (the first fold takes eight at a time).</summary>
    public static bool Fits(int count, int m) =>
        Vector512.IsHardwareAccelerated && m % Width == 0 && m > 0 && count >= 8 && BitOperations.IsPow2(count);

    /// <summary>a[count×m] = ReLU(bias + bits · w) for the integers start … start + count − 1 (as
    /// <see cref="SummedBitsLayer.ForwardBlockReLU"/>), and z[i] = <see cref="Kernels.Dot"/>(a[i, :], wOut) (as
    /// <see cref="Kernels.RowDots"/>), the output's pre-activation before its bias. <paramref name="slots"/> holds
    /// (log2 count + 1)·m values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(long start, int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        ReadOnlySpan<double> wOut, Span<double> a, Span<double> z, Span<double> slots)
    {
        BitWalk.CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (!Fits(count, m) || w.Length < (long)bits * m || a.Length < (long)count * m || slots.Length < (long)(levels + 1) * m
            || !bias.IsEmpty && bias.Length != m || wOut.Length < m || z.Length < count)
            throw new ArgumentException("the block, w, bias, wOut, a, z or slots does not fit the shape.");
        bool hasBias = !bias.IsEmpty;
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double br = ref MemoryMarshal.GetReference(bias);
        ref double or = ref MemoryMarshal.GetReference(wOut);
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double sr = ref MemoryMarshal.GetReference(slots);
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double bit0 = ref Unsafe.Add(ref wr, (bits - 1) * m); // the weight row of the lowest bit
        ref double bit1 = ref Unsafe.Add(ref wr, (bits - 2) * m);

        // The block's first row, as the slot walk makes it: zero plus the weight rows of its set bits in order.
        BitWalk.CombineRows<BitWalk.Sum>(start, bits, w, default, m, slots.Slice(levels * m, m));
        for (int j = 0; j < count; j += 4)
        {
            // Row j from its parent's slot and one weight row (the block's first row is slot `levels` itself);
            // rows j + 1, j + 2 and j + 3 from j and j + 2, as the slot walk takes them.
            ref double parent = ref sr;
            ref double low = ref sr;
            ref double own = ref Unsafe.Add(ref sr, levels * m);
            if (j > 0)
            {
                BitWalk.Slots(j, levels, out int from, out int ownSlot, out int lowBit);
                parent = ref Unsafe.Add(ref sr, from * m);
                low = ref Unsafe.Add(ref wr, (bits - 1 - lowBit) * m);
                own = ref Unsafe.Add(ref sr, ownSlot * m);
            }
            ref double row = ref Unsafe.Add(ref ar, j * Width);
            Vector256<double> d0 = Vector256<double>.Zero, d1 = d0, d2 = d0, d3 = d0;
            for (int c = 0; c < m; c += Width)
            {
                Vector512<double> s0;
                if (j > 0)
                {
                    s0 = Vector512.LoadUnsafe(ref parent, (nuint)c) + Vector512.LoadUnsafe(ref low, (nuint)c);
                    s0.StoreUnsafe(ref own, (nuint)c);
                }
                else s0 = Vector512.LoadUnsafe(ref own, (nuint)c);
                var b0 = Vector512.LoadUnsafe(ref bit0, (nuint)c);
                var s1 = s0 + b0;
                var s2 = s0 + Vector512.LoadUnsafe(ref bit1, (nuint)c);
                var s3 = s2 + b0;
                if (hasBias)
                {
                    var bv = Vector512.LoadUnsafe(ref br, (nuint)c);
                    s0 += bv; s1 += bv; s2 += bv; s3 += bv;
                }
                s0 = ReLU(s0); s1 = ReLU(s1); s2 = ReLU(s2); s3 = ReLU(s3);
                ref double at = ref Unsafe.Add(ref row, c * count);
                s0.StoreUnsafe(ref at);
                s1.StoreUnsafe(ref at, Width);
                s2.StoreUnsafe(ref at, 2 * Width);
                s3.StoreUnsafe(ref at, 3 * Width);
                // The dot product's four lanes take columns c … c + 3, then c + 4 … c + 7: Dot's order.
                var wo = Vector512.LoadUnsafe(ref or, (nuint)c);
                var p0 = s0 * wo; var p1 = s1 * wo; var p2 = s2 * wo; var p3 = s3 * wo;
                d0 = d0 + p0.GetLower() + p0.GetUpper();
                d1 = d1 + p1.GetLower() + p1.GetUpper();
                d2 = d2 + p2.GetLower() + p2.GetUpper();
                d3 = d3 + p3.GetLower() + p3.GetUpper();
            }
            Kernels.LaneSums(d0, d1, d2, d3).StoreUnsafe(ref zr, (nuint)j);
        }
    }

    /// <summary>The backward pass of the block, given d[i] = ∂objective/∂z of the output for each row: gOut[m] +=
    /// Σ_i d[i]·a[i, :] in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), gOutBias[0] += Σ_i d[i] in order
    /// (when not empty), and, through the delta sent back (d[i]·wOut) ⊙ ReLU′(a[i, :]), g[bits×m] += bitsᵀ · delta and
    /// biasSum[m] += Σ delta by the pairwise fold (when not empty). <paramref name="scratch"/> holds count / 2 · 8 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(long start, int count, int bits, ReadOnlySpan<double> a, ReadOnlySpan<double> d, ReadOnlySpan<double> wOut,
        Span<double> gOut, Span<double> gOutBias, Span<double> g, Span<double> biasSum, int m, Span<double> scratch)
    {
        BitWalk.CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (!Fits(count, m) || a.Length < (long)count * m || d.Length < count || wOut.Length < m || gOut.Length < m
            || g.Length < (long)bits * m || !biasSum.IsEmpty && biasSum.Length < m || scratch.Length < count / 2 * Width)
            throw new ArgumentException("the block, a, d, wOut, gOut, g, biasSum or scratch does not fit the shape.");
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double buf = ref MemoryMarshal.GetReference(scratch);
        for (int c = 0; c < m; c += Width)
        {
            var wo = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(wOut), (nuint)c);
            Vector512<double> l0 = Vector512<double>.Zero, l1 = l0, l2 = l0, l3 = l0;
            ref double gLow = ref Unsafe.Add(ref gr, (bits - 1) * m + c);
            var fold = Vector512.LoadUnsafe(ref gLow);
            for (int i = 0; i < count; i += 8)
            {
                // Eight rows: their deltas sent back, their products with d in the lanes of rows i mod 4, and the first fold
                // level (the odd rows to the lowest bit's gradient, each pair's sum to the buffer for the next level).
                ref double ai = ref Unsafe.Add(ref ar, c * count + i * Width);
                var b0 = Back(ref ai, 0, Unsafe.Add(ref dr, i), wo, ref l0);
                var b1 = Back(ref ai, Width, Unsafe.Add(ref dr, i + 1), wo, ref l1);
                var b2 = Back(ref ai, 2 * Width, Unsafe.Add(ref dr, i + 2), wo, ref l2);
                var b3 = Back(ref ai, 3 * Width, Unsafe.Add(ref dr, i + 3), wo, ref l3);
                var b4 = Back(ref ai, 4 * Width, Unsafe.Add(ref dr, i + 4), wo, ref l0);
                var b5 = Back(ref ai, 5 * Width, Unsafe.Add(ref dr, i + 5), wo, ref l1);
                var b6 = Back(ref ai, 6 * Width, Unsafe.Add(ref dr, i + 6), wo, ref l2);
                var b7 = Back(ref ai, 7 * Width, Unsafe.Add(ref dr, i + 7), wo, ref l3);
                fold += (b1 + b3) + (b5 + b7);
                ref double next = ref Unsafe.Add(ref buf, i / 2 * Width);
                (b0 + b1).StoreUnsafe(ref next);
                (b2 + b3).StoreUnsafe(ref next, Width);
                (b4 + b5).StoreUnsafe(ref next, 2 * Width);
                (b6 + b7).StoreUnsafe(ref next, 3 * Width);
            }
            fold.StoreUnsafe(ref gLow);
            ref double go = ref Unsafe.Add(ref MemoryMarshal.GetReference(gOut), c);
            (Vector512.LoadUnsafe(ref go) + ((l0 + l1) + (l2 + l3))).StoreUnsafe(ref go);

            // The other levels, as GradientBlock folds them: four pairs at a time, then single pairs.
            int rows = count / 2;
            for (int k = 1; k < levels; k++)
            {
                ref double gk = ref Unsafe.Add(ref gr, (bits - 1 - k) * m + c);
                var sum = Vector512.LoadUnsafe(ref gk);
                int half = rows / 2, q = 0;
                for (; q <= half - 4; q += 4)
                {
                    ref double src = ref Unsafe.Add(ref buf, 2 * q * Width);
                    var e0 = Vector512.LoadUnsafe(ref src); var o0 = Vector512.LoadUnsafe(ref src, Width);
                    var e1 = Vector512.LoadUnsafe(ref src, 2 * Width); var o1 = Vector512.LoadUnsafe(ref src, 3 * Width);
                    var e2 = Vector512.LoadUnsafe(ref src, 4 * Width); var o2 = Vector512.LoadUnsafe(ref src, 5 * Width);
                    var e3 = Vector512.LoadUnsafe(ref src, 6 * Width); var o3 = Vector512.LoadUnsafe(ref src, 7 * Width);
                    sum += (o0 + o1) + (o2 + o3);
                    ref double dst = ref Unsafe.Add(ref buf, q * Width);
                    (e0 + o0).StoreUnsafe(ref dst);
                    (e1 + o1).StoreUnsafe(ref dst, Width);
                    (e2 + o2).StoreUnsafe(ref dst, 2 * Width);
                    (e3 + o3).StoreUnsafe(ref dst, 3 * Width);
                }
                for (; q < half; q++)
                {
                    var odd = Vector512.LoadUnsafe(ref buf, (nuint)((2 * q + 1) * Width));
                    sum += odd;
                    (Vector512.LoadUnsafe(ref buf, (nuint)(2 * q * Width)) + odd).StoreUnsafe(ref buf, (nuint)(q * Width));
                }
                sum.StoreUnsafe(ref gk);
                rows = half;
            }
            // The block's total goes to the rows of the bits the whole block shares, and to the bias.
            var total = Vector512.LoadUnsafe(ref buf);
            for (int k = levels; k < bits; k++)
                if (((start >> k) & 1) != 0)
                {
                    ref double gk = ref Unsafe.Add(ref gr, (bits - 1 - k) * m + c);
                    (Vector512.LoadUnsafe(ref gk) + total).StoreUnsafe(ref gk);
                }
            if (!biasSum.IsEmpty)
            {
                ref double bs = ref Unsafe.Add(ref MemoryMarshal.GetReference(biasSum), c);
                (Vector512.LoadUnsafe(ref bs) + total).StoreUnsafe(ref bs);
            }
        }
        if (!gOutBias.IsEmpty)
            for (int i = 0; i < count; i++) gOutBias[0] += d[i];
    }

    // x > 0 ? x : 0, NaN and −0 included, as Kernels.BiasReLU writes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ReLU(Vector512<double> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<double>.Zero), x, Vector512<double>.Zero);

    // One row's delta sent back, (d·wOut) ⊙ ReLU′(a), as Kernels.SingleUnitBackward writes it; lane += d·a.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Back(ref double a, int offset, double d, Vector512<double> wOut, ref Vector512<double> lane)
    {
        var av = Vector512.LoadUnsafe(ref a, (nuint)offset);
        var dv = Vector512.Create(d);
        lane += dv * av;
        var slope = Vector512.ConditionalSelect(Vector512.GreaterThan(av, Vector512<double>.Zero), Vector512<double>.One, Vector512<double>.Zero);
        return dv * wOut * slope;
    }
}
