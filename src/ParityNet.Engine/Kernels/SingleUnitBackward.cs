using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// The backward step of a layer with one unit (the output), fused with the delta it sends back.
internal static partial class Kernels
{
    // Columns per chunk of SingleUnitBackward's lane sums (4 × 256 doubles, 8 KiB on the stack).
    private const int LaneChunk = 256;

    /// <summary>The backward step of a layer with one unit, in one pass over the rows:
    /// g[k] += Σ_i d[i]·a[i, :] and gBias[0] += Σ_i d[i] (when gBias is not empty), and, when back is not
    /// empty, back[i, :] = (d[i]·w) ⊙ f′ from a[i, :], as <see cref="MatMulTransposeB"/> and
    /// <see cref="ActivationDelta"/> compute it. The sums over rows run in four lanes (i mod 4), added
    /// as ((l0 + l1) + (l2 + l3)) to g, so that no row waits for the one before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SingleUnitBackward(ReadOnlySpan<double> a, ReadOnlySpan<double> d, ReadOnlySpan<double> w, Span<double> g,
        Span<double> gBias, Span<double> back, int n, int k, Activation activation)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(d, n, nameof(d)); CheckShape(w, k, nameof(w)); CheckShape(g, k, nameof(g));
        bool sendBack = !back.IsEmpty;
        if (sendBack) CheckShape(back, (long)n * k, nameof(back));
        if (activation is not (Activation.Sigmoid or Activation.Tanh or Activation.ReLU))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double br = ref MemoryMarshal.GetReference(back);
        int p = 0;
        if (Vector256.IsHardwareAccelerated && k >= 4)
        {
            p = k & ~3;
            if (!sendBack) SingleUnitBackwardRows<NoDelta>(ref ar, ref dr, ref wr, ref gr, ref br, n, k);
            else if (activation == Activation.Sigmoid) SingleUnitBackwardRows<SigmoidDelta>(ref ar, ref dr, ref wr, ref gr, ref br, n, k);
            else if (activation == Activation.Tanh) SingleUnitBackwardRows<TanhDelta>(ref ar, ref dr, ref wr, ref gr, ref br, n, k);
            else SingleUnitBackwardRows<ReLUDelta>(ref ar, ref dr, ref wr, ref gr, ref br, n, k);
        }
        for (; p < k; p++)
        {
            double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
            for (int i = 0; i < n; i++)
            {
                double di = Unsafe.Add(ref dr, i), s = Unsafe.Add(ref ar, i * k + p);
                switch (i & 3)
                {
                    case 0: l0 += di * s; break;
                    case 1: l1 += di * s; break;
                    case 2: l2 += di * s; break;
                    default: l3 += di * s; break;
                }
                if (sendBack) Unsafe.Add(ref br, i * k + p) = di * Unsafe.Add(ref wr, p) * Activations.DerivativeFromOutput(activation, s);
            }
            Unsafe.Add(ref gr, p) += (l0 + l1) + (l2 + l3);
        }
        if (!gBias.IsEmpty)
            for (int i = 0; i < n; i++) gBias[0] += d[i];
    }

    // SingleUnitBackward's vector columns (all but k mod 4), row by row through the tile: it streams, where a walk down
    // a column strides a row's length per load. Chunks of columns keep their four lanes of sums (lane i mod 4 of
    // column j, added in row order) in a small buffer; TDelta writes the delta sent back, (d[i]·w) ⊙ f′(a).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SingleUnitBackwardRows<TDelta>(ref double ar, ref double dr, ref double wr, ref double gr, ref double br, int n, int k)
        where TDelta : struct, IBackDelta
    {
        int vk = k & ~3;
        Span<double> lanes = stackalloc double[4 * Math.Min(vk, LaneChunk)];
        ref double lr = ref MemoryMarshal.GetReference(lanes);
        for (int c0 = 0; c0 < vk; c0 += LaneChunk)
        {
            int cw = Math.Min(LaneChunk, vk - c0);
            lanes[..(4 * cw)].Clear();
            for (int i = 0; i < n; i++)
            {
                var dv = Vector256.Create(Unsafe.Add(ref dr, i));
                ref double lane = ref Unsafe.Add(ref lr, (i & 3) * cw);
                int row = i * k + c0;
                for (int j = 0; j < cw; j += 4)
                {
                    var s = Vector256.LoadUnsafe(ref ar, (nuint)(row + j));
                    TDelta.Write(dv, Vector256.LoadUnsafe(ref wr, (nuint)(c0 + j)), s, ref br, (nuint)(row + j));
                    (Vector256.LoadUnsafe(ref lane, (nuint)j) + dv * s).StoreUnsafe(ref lane, (nuint)j);
                }
            }
            for (int j = 0; j < cw; j += 4)
            {
                var l0 = Vector256.LoadUnsafe(ref lr, (nuint)j);
                var l1 = Vector256.LoadUnsafe(ref lr, (nuint)(cw + j));
                var l2 = Vector256.LoadUnsafe(ref lr, (nuint)(2 * cw + j));
                var l3 = Vector256.LoadUnsafe(ref lr, (nuint)(3 * cw + j));
                (Vector256.LoadUnsafe(ref gr, (nuint)(c0 + j)) + ((l0 + l1) + (l2 + l3))).StoreUnsafe(ref gr, (nuint)(c0 + j));
            }
        }
    }

    // The delta a single output unit sends back to four units below: (d·w) ⊙ f′(a), as Derivative computes f′; or nothing.
    private interface IBackDelta
    {
        static abstract void Write(Vector256<double> d, Vector256<double> w, Vector256<double> a, ref double back, nuint at);
    }

    private readonly struct NoDelta : IBackDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write(Vector256<double> d, Vector256<double> w, Vector256<double> a, ref double back, nuint at) { }
    }

    private readonly struct SigmoidDelta : IBackDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write(Vector256<double> d, Vector256<double> w, Vector256<double> a, ref double back, nuint at) =>
            (d * w * Derivative(Activation.Sigmoid, a)).StoreUnsafe(ref back, at);
    }

    private readonly struct TanhDelta : IBackDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write(Vector256<double> d, Vector256<double> w, Vector256<double> a, ref double back, nuint at) =>
            (d * w * Derivative(Activation.Tanh, a)).StoreUnsafe(ref back, at);
    }

    private readonly struct ReLUDelta : IBackDelta
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write(Vector256<double> d, Vector256<double> w, Vector256<double> a, ref double back, nuint at) =>
            (d * w * Derivative(Activation.ReLU, a)).StoreUnsafe(ref back, at);
    }
}
