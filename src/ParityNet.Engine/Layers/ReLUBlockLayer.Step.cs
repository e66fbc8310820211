using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>Plain Sgd's step of the first layer, to be taken inside the backward pass (<see cref="ReLUBlockLayer.BackwardAndStepAny"/>):
/// the rate, the weight decay, whether the inputs are signed (the pass then reads the layer folded, <see cref="SignedInputs"/>), the
/// layer's own bias, and after the pass whether every stepped parameter is still finite.</summary>
internal sealed class FirstLayerStep(double alpha, double weightDecay, bool signed, double[] bias)
{
    public double Alpha { get; } = alpha;
    public double WeightDecay { get; } = weightDecay;
    public bool Signed { get; } = signed;

    /// <summary>The first layer's bias (for signed inputs not the one the pass reads, which is folded).</summary>
    public double[] Bias { get; } = bias;

    /// <summary>After the pass: whether every weight and bias of the first layer is finite.</summary>
    public bool Finite { get; set; } = true;
}

// The fused ReLU path's backward pass over any numbers with the first layer's Sgd step in it.
internal static partial class ReLUBlockLayer
{
    /// <summary><see cref="BackwardAny"/> with <c>fresh</c>, for one batch, then plain Sgd's step of the first layer — without storing
    /// its gradient: sixty-four units at a time, the deltas sent back, then each gradient row of those units, which at once moves the
    /// weights. gOut and gOutBias receive the output layer's gradients (as BackwardAny writes them); <paramref name="w"/> and
    /// <paramref name="bias"/> take the step p += (−α)·(g + λ·p) (as <see cref="PlainStep"/> after weight decay).
    /// With <paramref name="signed"/>, <paramref name="w"/> is the folded layer 2·W and <paramref name="passBias"/> receives the
    /// fold of the new bias, b − W[0, :] − W[1, :] − …; the gradients are those of the folded layer, turned into those of W by the
    /// chain rule (<see cref="SignedInputs.StepAndFold"/>, whose operations these are, in its order: the same bits as
    /// <see cref="BackwardAny"/>, <see cref="SignedInputs.Unfold"/>, the step and <see cref="SignedInputs.Fold"/>; W itself is
    /// 0.5·w, exactly). Without, <paramref name="passBias"/> is not touched (the pass reads <paramref name="bias"/> itself).
    /// Returns whether every weight and bias of the layer is finite. <paramref name="scratch"/> holds count·min(64, m) values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool BackwardAndStepAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> a, ReadOnlySpan<double> d, ReadOnlySpan<double> wOut,
        Span<double> gOut, Span<double> gOutBias, Span<double> w, Span<double> bias, Span<double> passBias, int m, Span<double> scratch,
        double alpha, double weightDecay, bool signed)
    {
        BitWalk.CheckNumbers(numbers, bits);
        int count = numbers.Length;
        if (!FitsAny(m) || a.Length < (long)count * m || d.Length < count || wOut.Length < m || gOut.Length < m || w.Length < (long)bits * m
            || bias.Length != m || signed && passBias.Length != m || scratch.Length < (long)count * Math.Min(8 * Width, m))
            throw new ArgumentException("a, d, wOut, gOut, w, bias, passBias or scratch does not fit the shape.");
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double buf = ref MemoryMarshal.GetReference(scratch);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double br = ref MemoryMarshal.GetReference(bias);
        ref double fr = ref MemoryMarshal.GetReference(passBias);
        ref double or = ref MemoryMarshal.GetReference(wOut);
        ref double gor = ref MemoryMarshal.GetReference(gOut);
        Span<double> blockSums = stackalloc double[8 * Width]; // the bias gradient of the block's units
        Span<double> blockFold = stackalloc double[8 * Width]; // signed: the new bias less the new weight rows so far
        ref double gb = ref MemoryMarshal.GetReference(blockSums);
        ref double fb = ref MemoryMarshal.GetReference(blockFold);
        var rate = Vector512.Create(-alpha);
        var decay = Vector512.Create(weightDecay);
        bool decays = weightDecay != 0;
        var check = Vector512<double>.Zero; // v − v is 0 for finite v, NaN otherwise

        int[] rows = System.Buffers.ArrayPool<int>.Shared.Rent(bits * (count + 1));
        try
        {
            RowsOfBits(numbers, bits, rows);
            nuint block = (nuint)(count * Width); // from one block of eight units to the next in the scratch
            for (int c = 0; c < m;)
            {
                int units = m - c >= 8 * Width ? 8 * Width : Width;
                // The deltas sent back for these units, eight at a time down the rows, as BackwardAny makes them.
                for (int u = 0; u < units; u += Width)
                {
                    var wo = Vector512.LoadUnsafe(ref or, (nuint)(c + u));
                    Vector512<double> l0 = Vector512<double>.Zero, l1 = l0, l2 = l0, l3 = l0, sums = l0;
                    ref double ab = ref Unsafe.Add(ref ar, (c + u) * count);
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
                    (Vector512<double>.Zero + ((l0 + l1) + (l2 + l3))).StoreUnsafe(ref gor, (nuint)(c + u)); // from zero, as BackwardAny's fresh sums (−0 becomes +0)
                    sums.StoreUnsafe(ref gb, (nuint)u);
                    // The bias's step; for signed inputs its fold starts from the new bias.
                    var bv = Vector512.LoadUnsafe(ref br, (nuint)(c + u));
                    var g = decays ? sums + decay * bv : sums;
                    bv += rate * g;
                    bv.StoreUnsafe(ref br, (nuint)(c + u));
                    bv.StoreUnsafe(ref fb, (nuint)u);
                    check += bv - bv;
                }

                // Each gradient row of these units (the deltas of the rows whose number has its bit, in row order), and its step.
                for (int p = 0; p < bits; p++)
                {
                    int at = p * (count + 1), set = rows[at];
                    ref double wp = ref Unsafe.Add(ref wr, p * m + c);
                    if (units == 8 * Width)
                    {
                        Vector512<double> s0 = Vector512<double>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                        for (int k = 1; k <= set; k++)
                        {
                            ref double x = ref Unsafe.Add(ref buf, rows[at + k] * Width);
                            s0 += Vector512.LoadUnsafe(ref x); s1 += Vector512.LoadUnsafe(ref x, block);
                            s2 += Vector512.LoadUnsafe(ref x, 2 * block); s3 += Vector512.LoadUnsafe(ref x, 3 * block);
                            s4 += Vector512.LoadUnsafe(ref x, 4 * block); s5 += Vector512.LoadUnsafe(ref x, 5 * block);
                            s6 += Vector512.LoadUnsafe(ref x, 6 * block); s7 += Vector512.LoadUnsafe(ref x, 7 * block);
                        }
                        check += Move(ref wp, 0, s0, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, Width, s1, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 2 * Width, s2, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 3 * Width, s3, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 4 * Width, s4, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 5 * Width, s5, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 6 * Width, s6, ref gb, ref fb, rate, decay, decays, signed);
                        check += Move(ref wp, 7 * Width, s7, ref gb, ref fb, rate, decay, decays, signed);
                    }
                    else
                    {
                        var s0 = Vector512<double>.Zero;
                        for (int k = 1; k <= set; k++) s0 += Vector512.LoadUnsafe(ref buf, (nuint)(rows[at + k] * Width));
                        check += Move(ref wp, 0, s0, ref gb, ref fb, rate, decay, decays, signed);
                    }
                }
                if (signed) MemoryMarshal.CreateReadOnlySpan(ref fb, units).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref fr, c), units));
                c += units;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rows);
        }
        if (!gOutBias.IsEmpty)
        {
            gOutBias[0] = 0;
            for (int i = 0; i < count; i++) gOutBias[0] += d[i];
        }
        return Vector512.EqualsAll(check, Vector512<double>.Zero);
    }

    // Eight weights of row p take their step from their gradient g (of the folded layer when signed: then the weights are 2·W, the
    // gradient of W is 2·g − the bias gradient, and the block's fold loses the new W); returns v − v of the new W (0 when finite).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Move(ref double wp, int u, Vector512<double> g, ref double gb, ref double fb,
        Vector512<double> rate, Vector512<double> decay, bool decays, bool signed)
    {
        var wv = Vector512.LoadUnsafe(ref wp, (nuint)u);
        if (signed)
        {
            wv *= 0.5;
            g = g * 2.0 + -Vector512.LoadUnsafe(ref gb, (nuint)u);
        }
        if (decays) g += decay * wv;
        wv += rate * g;
        if (signed)
        {
            (wv * 2.0).StoreUnsafe(ref wp, (nuint)u);
            (Vector512.LoadUnsafe(ref fb, (nuint)u) + -wv).StoreUnsafe(ref fb, (nuint)u);
        }
        else wv.StoreUnsafe(ref wp, (nuint)u);
        return wv - wv;
    }

    // For each bit p, at rows[p·(count + 1)]: how many rows have it set, then those rows in order.
    private static void RowsOfBits(ReadOnlySpan<long> numbers, int bits, int[] rows)
    {
        int count = numbers.Length;
        for (int p = 0; p < bits; p++)
        {
            int n = 0, at = p * (count + 1) + 1;
            for (int i = 0; i < count; i++)
            {
                rows[at + n] = i; // written always, kept when the bit is set: no branch to mispredict
                n += (int)((numbers[i] >> (bits - 1 - p)) & 1);
            }
            rows[at - 1] = n;
        }
    }
}
