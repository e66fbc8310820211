using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParityNet;

/// <summary>
/// The first layer as the sums of the weight rows of each number's set bits, then bias and the activation:
/// the dense product's own additions without its zero inputs, so bit-identical to it, for any activation and
/// any weights. Forward over a block of consecutive integers (row i is its parent's row plus one weight row)
/// or over any numbers; backward is the bits' transposed product, <see cref="BitWalk.GradientBlock"/> or
/// <see cref="BitWalk.GradientAny"/>.
/// </summary>
internal static class SummedBitsLayer
{
    /// <summary>z[count×m] = the bits of start … start + count − 1 times w[bits×m].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBlock(long start, int count, int bits, ReadOnlySpan<double> w, int m, Span<double> z)
    {
        BitWalk.CheckBlock(start, count, bits);
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

    /// <summary>a[count×m] = ReLU(bias + the bits of start … start + count − 1 times w[bits×m]) in one pass: the sums
    /// of <see cref="ForwardBlock"/>, with the same additions, kept in <paramref name="slots"/> ((log2 count + 1)·m
    /// values, the open parents of the slot walk), and each row's bias and ReLU applied as it is made, as
    /// <see cref="Kernels.AddBias"/> and <see cref="Kernels.Activate"/> would after it. The same bits as those three.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBlockReLU(long start, int count, int bits, ReadOnlySpan<double> w, ReadOnlySpan<double> bias, int m,
        Span<double> a, Span<double> slots)
    {
        BitWalk.CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (w.Length < (long)bits * m || a.Length < (long)count * m || slots.Length < (long)(levels + 1) * m
            || !bias.IsEmpty && bias.Length != m)
            throw new ArgumentException("w, bias, a or slots does not fit the shape.");

        // The block's first row, as ForwardBlock makes it: zero plus the weight rows of its set bits in order.
        var root = slots.Slice(levels * m, m);
        BitWalk.CombineRows<BitWalk.Sum>(start, bits, w, default, m, root);
        Kernels.BiasReLU(root, bias, a[..m]);
        for (int j = 1; j < count; j++)
        {
            BitWalk.Slots(j, levels, out int from, out int own, out int low);
            var sums = slots.Slice(own * m, m);
            Kernels.Sum(slots.Slice(from * m, m), w.Slice((bits - 1 - low) * m, m), sums);
            Kernels.BiasReLU(sums, bias, a.Slice(j * m, m));
        }
    }

    /// <summary>z[count×m] = the bits of numbers[i] times w[bits×m] for any numbers: each row the sum of the
    /// weight rows of its set bits, most significant first — the dense product's additions, skipping its
    /// zero inputs, so the same bits — with no input matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> w, int m, Span<double> z)
    {
        BitWalk.CheckNumbers(numbers, bits);
        if (w.Length < (long)bits * m || z.Length < (long)numbers.Length * m) throw new ArgumentException("w or z is too short for the shape.");
        for (int i = 0; i < numbers.Length; i++) BitWalk.CombineRows<BitWalk.Sum>(numbers[i], bits, w, default, m, z.Slice(i * m, m));
    }

    /// <summary>g[bits×m] += (bits of the block)ᵀ · delta, and biasSum += Σ delta; delta is destroyed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBlock(long start, int count, int bits, Span<double> delta, int m, Span<double> g, Span<double> biasSum) =>
        BitWalk.GradientBlock(start, count, bits, delta, m, g, biasSum);

    /// <summary>g[bits×m] += (bits of numbers)ᵀ · delta, and biasSum += Σ delta.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> delta, int m, Span<double> g, Span<double> biasSum) =>
        BitWalk.GradientAny(numbers, bits, delta, m, g, biasSum);
}
