using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParityNet;

/// <summary>
/// Sigmoid units as products of exponentials: e^−z of a row is e^−bias times e^−w of each set bit, so a unit
/// costs a multiply and a division instead of an exp. Forward over a block of consecutive integers (row i's
/// e^−z is its parent's times one factor, the slot walk) or over any numbers (each row alone, so a number's
/// result does not depend on its batch). Backward is the same transposed product of the bits as
/// <see cref="SummedBitsLayer"/>'s: the gradient of the weights does not depend on how the forward pass was computed.
/// </summary>
internal static class ProductSigmoidLayer
{
    /// <summary>a[count×m] = sigmoid(bias + (bits of start … start + count − 1) · w) by products of
    /// exponentials, with no exp at all: e^−z of a row is e^−bias times e^−w[p] for each bit p set, and
    /// row i's is its parent's (i with its lowest set bit cleared) times one factor, so each element
    /// costs one multiply and one division (the sigmoid is 1 / (1 + e^−z)). <paramref name="negExpW"/>
    /// holds e^−w and <paramref name="negExpBias"/> e^−bias (empty: no bias), both from
    /// <see cref="VectorMath.NegExp"/>; <paramref name="slots"/> is scratch for (log2 count + 1)·m values,
    /// the open parents. The weights' <see cref="FirstLayer.ProductBound"/> must be at most <see cref="FirstLayer.ProductLimit"/>. Each product rounds once more,
    /// so a row with k bits set is within about 3(k + 1) ulp of the exp of its summed pre-activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBlock(long start, int count, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        int m, Span<double> a, Span<double> slots)
    {
        BitWalk.CheckBlock(start, count, bits);
        int levels = BitOperations.Log2((uint)count);
        if (negExpW.Length < (long)bits * m || a.Length < (long)count * m || slots.Length < (long)(levels + 1) * m
            || !negExpBias.IsEmpty && negExpBias.Length != m)
            throw new ArgumentException("negExpW, negExpBias, a or slots does not fit the shape.");

        // The block's first row: the product of its factors, the bias's first.
        var root = slots.Slice(levels * m, m);
        BitWalk.RootFactors(start, bits, negExpW, negExpBias, m, root);
        for (int i = 0; i < m; i++) a[i] = 1.0 / (1.0 + root[i]);

        ref double slot0 = ref MemoryMarshal.GetReference(slots);
        ref double factor0 = ref MemoryMarshal.GetReference(negExpW);
        ref double a0 = ref MemoryMarshal.GetReference(a);
        for (int j = 1; j < count; j++)
        {
            BitWalk.Slots(j, levels, out int from, out int own, out int low);
            BitWalk.OnePlusReciprocal(ref Unsafe.Add(ref slot0, from * m), ref Unsafe.Add(ref factor0, (bits - 1 - low) * m),
                ref Unsafe.Add(ref a0, j * m), m, ref Unsafe.Add(ref slot0, own * m));
        }
    }

    /// <summary>a[count×m] = sigmoid(bias + bits(numbers[i]) · w) for any numbers, by products of
    /// exponentials: e^−z of a row is e^−bias times e^−w[p] for each bit p set (as
    /// <see cref="BitWalk.RootFactors"/> multiplies them), and the sigmoid 1 / (1 + e^−z) — a multiply per set bit
    /// and one division per unit instead of an exp. Each row is computed alone, so a number's result does
    /// not depend on the others in the batch. negExpW and negExpBias as for <see cref="ForwardBlock"/>;
    /// the weights' <see cref="FirstLayer.ProductBound"/> must be at most <see cref="FirstLayer.ProductLimit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> negExpW, ReadOnlySpan<double> negExpBias,
        int m, Span<double> a)
    {
        BitWalk.CheckNumbers(numbers, bits);
        if (a.Length < (long)numbers.Length * m) throw new ArgumentException("a is too short for the shape.");
        for (int i = 0; i < numbers.Length; i++)
        {
            var row = a.Slice(i * m, m);
            BitWalk.RootFactors(numbers[i], bits, negExpW, negExpBias, m, row);
            BitWalk.OnePlusReciprocal(row);
        }
    }

    /// <summary>The weight gradient does not depend on how the forward pass was computed: the same transposed product
    /// of the bits as <see cref="SummedBitsLayer.BackwardBlock"/>; delta is destroyed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBlock(long start, int count, int bits, Span<double> delta, int m, Span<double> g, Span<double> biasSum) =>
        SummedBitsLayer.BackwardBlock(start, count, bits, delta, m, g, biasSum);

    /// <summary>As <see cref="SummedBitsLayer.BackwardAny"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardAny(ReadOnlySpan<long> numbers, int bits, ReadOnlySpan<double> delta, int m, Span<double> g, Span<double> biasSum) =>
        SummedBitsLayer.BackwardAny(numbers, bits, delta, m, g, biasSum);
}
