using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

/// <summary>
/// The lesson's own shape — bits → one sigmoid hidden layer → one output — over an aligned block of
/// consecutive integers, four rows at a time, with every step of a row kept in registers:
/// <list type="bullet">
/// <item>Forward: e^−z of the hidden units by products of exponentials, as
/// <see cref="ProductSigmoidLayer.ForwardBlock"/> does it (rows i, i+1, i+2, i+3 differ from row i only in
/// the two lowest bits), and the four sigmoids 1/(1 + e^−z) from one division: with aᵣ = 1 + e^−zᵣ,
/// r = 1/((a₀a₁)(a₂a₃)) gives 1/a₀ = a₁·(a₂a₃)·r and so on. Then the output logits, summed as
/// <see cref="Kernels.Dot"/> sums.</item>
/// <item>Backward: the output layer's gradient, the hidden delta (d·w) ⊙ s(1 − s), and the first two
/// levels of <see cref="BitWalk.GradientBlock"/>'s pairwise fold (<see cref="BitWalk.FoldFour"/>), so that only a quarter of the
/// rows is written back for the remaining levels.</item>
/// </list>
/// The weights' <see cref="FirstLayer.ProductBound"/> must be at most <see cref="FirstLayer.FourRowLimit"/>, so that the
/// product of four (1 + e^−z) stays finite. Everything is written with Vector256 operations, which give
/// the same bits on every machine (emulated where the hardware lacks them).
/// </summary>
internal static class LessonShapeLayer
{
    /// <summary>Whether these kernels serve a block: rows and hidden units in fours.</summary>
    public static bool Fits(int count, int m) => count >= 4 && count % 4 == 0 && m % 4 == 0;

    /// <summary>hidden[count×m] = sigmoid(bias + bits of start … · w) and logits[count] = hidden · w1
    /// (no output bias). <paramref name="negExpW"/>[bits×m] = e^−w, <paramref name="negExpBias"/> = e^−bias
    /// (empty: no bias); <paramref name="slots"/> is scratch for (log2 count + 1)·m values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(long start, int count, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        ReadOnlySpan<double> w1, int m, Span<double> hidden, Span<double> logits, Span<double> slots)
    {
        int levels = BitOperations.Log2((uint)count);
        if (!Fits(count, m) || !BitOperations.IsPow2(count) || start < 0 || start % count != 0 || bits < 2 || start + count > 1L << bits
            || negExpW.Length < (long)bits * m || !negExpBias.IsEmpty && negExpBias.Length != m || w1.Length < m
            || hidden.Length < (long)count * m || logits.Length < count || slots.Length < (long)(levels + 1) * m)
            throw new ArgumentException("the block or a buffer does not fit the shape.");

        // The block's first row: the product of its factors, the bias's first.
        ref double slot0 = ref MemoryMarshal.GetReference(slots);
        ref double x0 = ref MemoryMarshal.GetReference(negExpW);
        BitWalk.RootFactors(start, bits, negExpW, negExpBias, m, slots.Slice(levels * m, m));
        ref double bit0 = ref Unsafe.Add(ref x0, (bits - 1) * m);  // e^−w of the lowest bit
        ref double bit1 = ref Unsafe.Add(ref x0, (bits - 2) * m);
        ref double wr = ref MemoryMarshal.GetReference(w1);
        ref double h0 = ref MemoryMarshal.GetReference(hidden);
        ref double lr = ref MemoryMarshal.GetReference(logits);
        var one = Vector256<double>.One;
        for (int j = 0; j < count; j += 4)
        {
            // Row j's parent (j with its lowest set bit cleared) is open in a slot; j itself opens one.
            ref double parent = ref Unsafe.Add(ref slot0, levels * m);
            ref double factor = ref Unsafe.Add(ref slot0, levels * m); // unused for j = 0
            ref double own = ref Unsafe.Add(ref slot0, levels * m);
            bool child = j != 0;
            if (child)
            {
                BitWalk.Slots(j, levels, out int from, out int ownSlot, out int low);
                parent = ref Unsafe.Add(ref slot0, from * m);
                factor = ref Unsafe.Add(ref x0, (bits - 1 - low) * m);
                own = ref Unsafe.Add(ref slot0, ownSlot * m);
            }
            ref double row = ref Unsafe.Add(ref h0, j * m);
            Vector256<double> o0 = Vector256<double>.Zero, o1 = o0, o2 = o0, o3 = o0;
            for (int c = 0; c < m; c += 4)
            {
                var e0 = Vector256.LoadUnsafe(ref parent, (nuint)c);
                if (child)
                {
                    e0 *= Vector256.LoadUnsafe(ref factor, (nuint)c);
                    e0.StoreUnsafe(ref own, (nuint)c);
                }
                var f0 = Vector256.LoadUnsafe(ref bit0, (nuint)c);
                var e1 = e0 * f0;
                var e2 = e0 * Vector256.LoadUnsafe(ref bit1, (nuint)c);
                var e3 = e2 * f0;
                var a0 = one + e0;
                var a1 = one + e1;
                var a2 = one + e2;
                var a3 = one + e3;
                var a01 = a0 * a1;
                var a23 = a2 * a3;
                var r = one / (a01 * a23);
                var r01 = a23 * r; // 1 / (a0·a1)
                var r23 = a01 * r;
                var s0 = a1 * r01;
                var s1 = a0 * r01;
                var s2 = a3 * r23;
                var s3 = a2 * r23;
                s0.StoreUnsafe(ref row, (nuint)c);
                s1.StoreUnsafe(ref row, (nuint)(m + c));
                s2.StoreUnsafe(ref row, (nuint)(2 * m + c));
                s3.StoreUnsafe(ref row, (nuint)(3 * m + c));
                var w = Vector256.LoadUnsafe(ref wr, (nuint)c);
                o0 += s0 * w;
                o1 += s1 * w;
                o2 += s2 * w;
                o3 += s3 * w;
            }
            Kernels.LaneSums(o0, o1, o2, o3).StoreUnsafe(ref lr, (nuint)j);
        }
    }

    /// <summary>The backward pass of <see cref="Forward"/>'s block, given d[count] = ∂objective/∂logit:
    /// g1[m] += Σ d·hidden; the hidden delta (d·w1) ⊙ s(1 − s), whose first two fold levels go to g0's rows
    /// of the two lowest bits, and whose sums over each four rows go to quads[count/4 × m] for
    /// <see cref="BitWalk.GradientBlock"/> with foldedLevels 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int count, int bits, ReadOnlySpan<double> hidden, ReadOnlySpan<double> d, ReadOnlySpan<double> w1, int m,
        Span<double> g1, Span<double> g0, Span<double> quads)
    {
        if (!Fits(count, m) || bits < 2 || hidden.Length < (long)count * m || d.Length < count || w1.Length < m || g1.Length < m
            || g0.Length < (long)bits * m || quads.Length < (long)count / 4 * m)
            throw new ArgumentException("a buffer does not fit the shape.");
        ref double h0 = ref MemoryMarshal.GetReference(hidden);
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double wr = ref MemoryMarshal.GetReference(w1);
        ref double g1r = ref MemoryMarshal.GetReference(g1);
        ref double gBit0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(g0), (bits - 1) * m);
        ref double gBit1 = ref Unsafe.Add(ref MemoryMarshal.GetReference(g0), (bits - 2) * m);
        ref double q0 = ref MemoryMarshal.GetReference(quads);
        var one = Vector256<double>.One;
        for (int j = 0; j < count; j += 4)
        {
            var d0 = Vector256.Create(Unsafe.Add(ref dr, j));
            var d1 = Vector256.Create(Unsafe.Add(ref dr, j + 1));
            var d2 = Vector256.Create(Unsafe.Add(ref dr, j + 2));
            var d3 = Vector256.Create(Unsafe.Add(ref dr, j + 3));
            ref double row = ref Unsafe.Add(ref h0, j * m);
            ref double quad = ref Unsafe.Add(ref q0, j / 4 * m);
            for (int c = 0; c < m; c += 4)
            {
                var w = Vector256.LoadUnsafe(ref wr, (nuint)c);
                var s0 = Vector256.LoadUnsafe(ref row, (nuint)c);
                var s1 = Vector256.LoadUnsafe(ref row, (nuint)(m + c));
                var s2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * m + c));
                var s3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * m + c));
                (Vector256.LoadUnsafe(ref g1r, (nuint)c) + ((d0 * s0 + d1 * s1) + (d2 * s2 + d3 * s3))).StoreUnsafe(ref g1r, (nuint)c);
                var b0 = d0 * w * (s0 * (one - s0));
                var b1 = d1 * w * (s1 * (one - s1));
                var b2 = d2 * w * (s2 * (one - s2));
                var b3 = d3 * w * (s3 * (one - s3));
                var four = BitWalk.FoldFour(b0, b1, b2, b3, out var lowBit, out var secondBit);
                (Vector256.LoadUnsafe(ref gBit0, (nuint)c) + lowBit).StoreUnsafe(ref gBit0, (nuint)c);
                (Vector256.LoadUnsafe(ref gBit1, (nuint)c) + secondBit).StoreUnsafe(ref gBit1, (nuint)c);
                four.StoreUnsafe(ref quad, (nuint)c);
            }
        }
    }

    /// <summary>The whole forward pass of the lesson's shape over a block: hidden[count×m], logits[count] (with the
    /// output bias) and output[count] = σ(logits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardBlock(long start, int count, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, int m, Span<double> hidden, Span<double> logits, Span<double> output, Span<double> slots)
    {
        Forward(start, count, bits, negExpW, negExpBias, w1, m, hidden, logits, slots);
        Kernels.AddBias(logits, b1, count, 1);
        VectorMath.Sigmoid(logits, output);
    }

    /// <summary>The whole backward pass over a block, given d[count] = ∂objective/∂logit: the output layer's weight
    /// and bias gradients, and the first layer's through the pairwise fold. <paramref name="quads"/> is scratch
    /// for count/4 × m values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBlock(long start, int count, int bits, ReadOnlySpan<double> hidden, ReadOnlySpan<double> d, ReadOnlySpan<double> w1, int m,
        Span<double> g1, Span<double> gb1, Span<double> g0, Span<double> gb0, Span<double> quads)
    {
        Backward(count, bits, hidden, d, w1, m, g1, g0, quads);
        BitWalk.GradientBlock(start, count, bits, quads, m, g0, gb0, foldedLevels: 2);
        if (gb1.Length > 0) Kernels.ColumnSumsAdd(d, gb1, count, 1);
    }
}
