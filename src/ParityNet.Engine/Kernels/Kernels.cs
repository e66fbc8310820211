using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

/// <summary>
/// The dense kernels of training and prediction: span in, span out, row-major, the caller owns
/// every buffer; shapes are given explicitly and checked once per call. Four doubles at a time
/// where the hardware allows, with plain multiply and add (no fused multiply-add) and a fixed
/// four-lane order for every sum across a row, so results are the same bits on every machine.
/// </summary>
internal static class Kernels
{
    /// <summary>c[n×m] = a[n×k] · b[k×m]. Each c[i, j] is summed over p in order from 0, in every path;
    /// four rows at a time share each loaded row of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n, int k, int m)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(b, (long)k * m, nameof(b)); CheckShape(c, (long)n * m, nameof(c));
        if (m == 1)
        {
            RowDots(a, b, c, n, k);
            return;
        }
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        ref double cr = ref MemoryMarshal.GetReference(c);
        int vectorColumns = Vector256.IsHardwareAccelerated ? m & ~3 : 0;
        for (int i = 0; i < n; i += 4)
        {
            int rows = Math.Min(4, n - i);
            ref double a0 = ref Unsafe.Add(ref ar, i * k);
            ref double c0 = ref Unsafe.Add(ref cr, i * m);
            for (int j = 0; j < vectorColumns; j += 4)
            {
                if (rows == 4)
                {
                    Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (int p = 0; p < k; p++)
                    {
                        var bv = Vector256.LoadUnsafe(ref br, (nuint)(p * m + j));
                        s0 += Vector256.Create(Unsafe.Add(ref a0, p)) * bv;
                        s1 += Vector256.Create(Unsafe.Add(ref a0, k + p)) * bv;
                        s2 += Vector256.Create(Unsafe.Add(ref a0, 2 * k + p)) * bv;
                        s3 += Vector256.Create(Unsafe.Add(ref a0, 3 * k + p)) * bv;
                    }
                    s0.StoreUnsafe(ref c0, (nuint)j);
                    s1.StoreUnsafe(ref c0, (nuint)(m + j));
                    s2.StoreUnsafe(ref c0, (nuint)(2 * m + j));
                    s3.StoreUnsafe(ref c0, (nuint)(3 * m + j));
                    continue;
                }
                for (int r = 0; r < rows; r++)
                {
                    var sum = Vector256<double>.Zero;
                    for (int p = 0; p < k; p++) sum += Vector256.Create(Unsafe.Add(ref a0, r * k + p)) * Vector256.LoadUnsafe(ref br, (nuint)(p * m + j));
                    sum.StoreUnsafe(ref c0, (nuint)(r * m + j));
                }
            }
            for (int j = vectorColumns; j < m; j++)
                for (int r = 0; r < rows; r++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += Unsafe.Add(ref a0, r * k + p) * Unsafe.Add(ref br, p * m + j);
                    Unsafe.Add(ref c0, r * m + j) = sum;
                }
        }
    }

    /// <summary>c[i] = <see cref="Dot"/>(row i of a[n×k], w[k]): a layer with one unit. Four rows at a time
    /// when k is a multiple of four, their lane sums gathered by horizontal adds in Dot's own order, so
    /// the results are the same bits as Dot's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowDots(ReadOnlySpan<double> a, ReadOnlySpan<double> w, Span<double> c, int n, int k)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(w, k, nameof(w)); CheckShape(c, n, nameof(c));
        int i = 0;
        if (Avx.IsSupported && k % 4 == 0)
        {
            ref double ar = ref MemoryMarshal.GetReference(a);
            ref double wr = ref MemoryMarshal.GetReference(w);
            ref double cr = ref MemoryMarshal.GetReference(c);
            for (; i <= n - 4; i += 4)
            {
                Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
                ref double r0 = ref Unsafe.Add(ref ar, i * k);
                for (int p = 0; p < k; p += 4)
                {
                    var wv = Vector256.LoadUnsafe(ref wr, (nuint)p);
                    s0 += Vector256.LoadUnsafe(ref r0, (nuint)p) * wv;
                    s1 += Vector256.LoadUnsafe(ref r0, (nuint)(k + p)) * wv;
                    s2 += Vector256.LoadUnsafe(ref r0, (nuint)(2 * k + p)) * wv;
                    s3 += Vector256.LoadUnsafe(ref r0, (nuint)(3 * k + p)) * wv;
                }
                LaneSums(s0, s1, s2, s3).StoreUnsafe(ref cr, (nuint)i);
            }
        }
        for (; i < n; i++) c[i] = Dot(a.Slice(i * k, k), w[..k]);
    }

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

    /// <summary>For the output unit under mean squared error: the loss sum Σ (y − p)², the number of
    /// rows where (p ≥ ½) equals y, and delta[i] = scale·(−(y − p)·p(1 − p)), ∂objective/∂logit. The loss
    /// is summed in four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), then the tail in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, int Correct) SquaredErrorOutput(ReadOnlySpan<double> p, ReadOnlySpan<double> y, double scale, Span<double> delta)
    {
        int n = p.Length;
        if (y.Length < n || delta.Length < n) throw new ArgumentException("y and delta must be as long as p.");
        ref double pr = ref MemoryMarshal.GetReference(p);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double dr = ref MemoryMarshal.GetReference(delta);
        var lanes = Vector256<double>.Zero;
        var half = Vector256.Create(TaskLabels.Threshold); // TaskLabels.Predicted, four at a time
        var one = Vector256<double>.One;
        var scaleV = Vector256.Create(scale);
        int correct = 0, i = 0;
        for (; i <= n - 4; i += 4)
        {
            var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
            var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
            var e = yv - pv;
            lanes += e * e;
            var predicted = Vector256.GreaterThanOrEqual(pv, half) & one;
            correct += BitOperations.PopCount(Vector256.Equals(predicted, yv).ExtractMostSignificantBits());
            (scaleV * (-e * (pv * (one - pv)))).StoreUnsafe(ref dr, (nuint)i);
        }
        double lossSum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (; i < n; i++)
        {
            double pi = p[i], e = y[i] - pi;
            lossSum += e * e;
            if (TaskLabels.Predicted(pi) == y[i]) correct++;
            delta[i] = scale * (-e * (pi * (1.0 - pi)));
        }
        return (lossSum, correct);
    }

    /// <summary>For the output unit under cross-entropy: the loss sum Σ (max(z, 0) − y·z + log(1 + e^−|z|)) from the logits z,
    /// the number of rows where (p ≥ ½) equals y, and delta[i] = scale·(p − y), ∂objective/∂logit. The loss is summed in
    /// four lanes (i mod 4) added as ((l0 + l1) + (l2 + l3)), then the tail in order; its log term is
    /// <see cref="VectorMath.LogOnePlusExpNegAbs(double)"/>, four at a time where FMA3 allows, the same bits either way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LossSum, int Correct) CrossEntropyOutput(ReadOnlySpan<double> p, ReadOnlySpan<double> z, ReadOnlySpan<double> y, double scale, Span<double> delta)
    {
        int n = p.Length;
        if (z.Length < n || y.Length < n || delta.Length < n) throw new ArgumentException("z, y and delta must be as long as p.");
        int correct = 0, i = 0;
        double lossSum;
        if (Fma.IsSupported)
        {
            ref double pr = ref MemoryMarshal.GetReference(p);
            ref double zr = ref MemoryMarshal.GetReference(z);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double dr = ref MemoryMarshal.GetReference(delta);
            var lanes = Vector256<double>.Zero;
            var half = Vector256.Create(TaskLabels.Threshold);
            var scaleV = Vector256.Create(scale);
            for (; i <= n - 4; i += 4)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var zv = Vector256.LoadUnsafe(ref zr, (nuint)i);
                var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var positive = Vector256.ConditionalSelect(Vector256.GreaterThan(zv, Vector256<double>.Zero), zv, Vector256<double>.Zero);
                lanes += (positive - yv * zv) + VectorMath.LogOnePlusExpNegAbs(zv);
                var predicted = Vector256.GreaterThanOrEqual(pv, half) & Vector256<double>.One;
                correct += BitOperations.PopCount(Vector256.Equals(predicted, yv).ExtractMostSignificantBits());
                (scaleV * (pv - yv)).StoreUnsafe(ref dr, (nuint)i);
            }
            lossSum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        }
        else
        {
            double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
            for (; i <= n - 4; i += 4)
            {
                l0 += CrossEntropy(z[i], y[i]); l1 += CrossEntropy(z[i + 1], y[i + 1]);
                l2 += CrossEntropy(z[i + 2], y[i + 2]); l3 += CrossEntropy(z[i + 3], y[i + 3]);
                for (int r = i; r < i + 4; r++)
                {
                    if (TaskLabels.Predicted(p[r]) == y[r]) correct++;
                    delta[r] = scale * (p[r] - y[r]);
                }
            }
            lossSum = (l0 + l1) + (l2 + l3);
        }
        for (; i < n; i++)
        {
            lossSum += CrossEntropy(z[i], y[i]);
            if (TaskLabels.Predicted(p[i]) == y[i]) correct++;
            delta[i] = scale * (p[i] - y[i]);
        }
        return (lossSum, correct);
    }

    // One row's cross-entropy from its logit, as CrossEntropyOutput's vector path computes it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CrossEntropy(double z, double y) => ((z > 0 ? z : 0) - y * z) + VectorMath.LogOnePlusExpNegAbs(z);

    /// <summary>g[k×m] += a[n×k]ᵀ · d[n×m] (a layer's weight gradient from its input and delta). Each
    /// g[p, j] adds the rows' products in order of i, in every path; four inputs p at a time share each
    /// loaded row of d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMulTransposeAAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> d, Span<double> g, int n, int k, int m)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(d, (long)n * m, nameof(d)); CheckShape(g, (long)k * m, nameof(g));
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double gr = ref MemoryMarshal.GetReference(g);
        int vectorColumns = Vector256.IsHardwareAccelerated ? m & ~3 : 0;
        for (int p = 0; p < k; p += 4)
        {
            int inputs = Math.Min(4, k - p);
            ref double g0 = ref Unsafe.Add(ref gr, p * m);
            for (int j = 0; j < vectorColumns; j += 4)
            {
                if (inputs == 4)
                {
                    var s0 = Vector256.LoadUnsafe(ref g0, (nuint)j);
                    var s1 = Vector256.LoadUnsafe(ref g0, (nuint)(m + j));
                    var s2 = Vector256.LoadUnsafe(ref g0, (nuint)(2 * m + j));
                    var s3 = Vector256.LoadUnsafe(ref g0, (nuint)(3 * m + j));
                    for (int i = 0; i < n; i++)
                    {
                        var dv = Vector256.LoadUnsafe(ref dr, (nuint)(i * m + j));
                        ref double ai = ref Unsafe.Add(ref ar, i * k + p);
                        s0 += Vector256.Create(ai) * dv;
                        s1 += Vector256.Create(Unsafe.Add(ref ai, 1)) * dv;
                        s2 += Vector256.Create(Unsafe.Add(ref ai, 2)) * dv;
                        s3 += Vector256.Create(Unsafe.Add(ref ai, 3)) * dv;
                    }
                    s0.StoreUnsafe(ref g0, (nuint)j);
                    s1.StoreUnsafe(ref g0, (nuint)(m + j));
                    s2.StoreUnsafe(ref g0, (nuint)(2 * m + j));
                    s3.StoreUnsafe(ref g0, (nuint)(3 * m + j));
                    continue;
                }
                for (int q = 0; q < inputs; q++)
                {
                    var sum = Vector256.LoadUnsafe(ref g0, (nuint)(q * m + j));
                    for (int i = 0; i < n; i++) sum += Vector256.Create(Unsafe.Add(ref ar, i * k + p + q)) * Vector256.LoadUnsafe(ref dr, (nuint)(i * m + j));
                    sum.StoreUnsafe(ref g0, (nuint)(q * m + j));
                }
            }
            for (int j = vectorColumns; j < m; j++)
                for (int q = 0; q < inputs; q++)
                {
                    double sum = Unsafe.Add(ref g0, q * m + j);
                    for (int i = 0; i < n; i++) sum += Unsafe.Add(ref ar, i * k + p + q) * Unsafe.Add(ref dr, i * m + j);
                    Unsafe.Add(ref g0, q * m + j) = sum;
                }
        }
    }

    /// <summary>e[n×k] = d[n×m] · w[k×m]ᵀ (the error sent back through a layer's weights): each e[i, p] is
    /// <see cref="Dot"/>(row i of d, row p of w), four p at a time when m is a multiple of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMulTransposeB(ReadOnlySpan<double> d, ReadOnlySpan<double> w, Span<double> e, int n, int m, int k)
    {
        CheckShape(d, (long)n * m, nameof(d)); CheckShape(w, (long)k * m, nameof(w)); CheckShape(e, (long)n * k, nameof(e));
        if (m == 1)
        {
            for (int i = 0; i < n; i++) Scale(w[..k], d[i], e.Slice(i * k, k));
            return;
        }
        bool blocked = Vector256.IsHardwareAccelerated && m % 4 == 0;
        ref double dr = ref MemoryMarshal.GetReference(d);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double er = ref MemoryMarshal.GetReference(e);
        for (int i = 0; i < n; i++)
        {
            ref double di = ref Unsafe.Add(ref dr, i * m);
            int p = 0;
            if (blocked)
                for (; p <= k - 4; p += 4)
                {
                    Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    ref double w0 = ref Unsafe.Add(ref wr, p * m);
                    for (int j = 0; j < m; j += 4)
                    {
                        var dv = Vector256.LoadUnsafe(ref di, (nuint)j);
                        s0 += dv * Vector256.LoadUnsafe(ref w0, (nuint)j);
                        s1 += dv * Vector256.LoadUnsafe(ref w0, (nuint)(m + j));
                        s2 += dv * Vector256.LoadUnsafe(ref w0, (nuint)(2 * m + j));
                        s3 += dv * Vector256.LoadUnsafe(ref w0, (nuint)(3 * m + j));
                    }
                    LaneSums(s0, s1, s2, s3).StoreUnsafe(ref er, (nuint)(i * k + p));
                }
            for (; p < k; p++) Unsafe.Add(ref er, i * k + p) = Dot(d.Slice(i * m, m), w.Slice(p * m, m));
        }
    }

    /// <summary>(Σ lanes of a, Σ lanes of b, Σ lanes of c, Σ lanes of d), each as ((l0 + l1) + (l2 + l3)),
    /// <see cref="Dot"/>'s order: by horizontal adds where AVX allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> LaneSums(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d)
    {
        if (Avx.IsSupported)
        {
            var ab = Avx.HorizontalAdd(a, b); // (a0 + a1, b0 + b1, a2 + a3, b2 + b3)
            var cd = Avx.HorizontalAdd(c, d);
            return Avx.Permute2x128(ab, cd, 0x20) + Avx.Permute2x128(ab, cd, 0x31);
        }
        return Vector256.Create((a[0] + a[1]) + (a[2] + a[3]), (b[0] + b[1]) + (b[2] + b[3]),
            (c[0] + c[1]) + (c[2] + c[3]), (d[0] + d[1]) + (d[2] + d[3]));
    }

    /// <summary>z[i, j] += bias[j] for an n×m block; an empty bias adds nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int n, int m)
    {
        CheckShape(z, (long)n * m, nameof(z));
        if (bias.IsEmpty) return;
        if (bias.Length != m) throw new ArgumentException($"bias has {bias.Length} values, expected {m}.", nameof(bias));
        if (m == 1)
        {
            // One unit (the output): one addition a row, without a call a row.
            double b = bias[0];
            for (int i = 0; i < n; i++) z[i] = b + z[i];
            return;
        }
        for (int i = 0; i < n; i++) Add(bias, z.Slice(i * m, m));
    }

    /// <summary>a[i] = ReLU(sums[i] + bias[i]) (ReLU(sums[i]) when bias is empty; a may be sums): <see cref="AddBias"/>
    /// then ReLU for one row. ReLU is x &gt; 0 ? x : 0, NaN and −0 included, written as a select (Max's NaN rules
    /// differ between runtimes); <see cref="Activate"/> takes it from here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasReLU(ReadOnlySpan<double> sums, ReadOnlySpan<double> bias, Span<double> a)
    {
        int m = sums.Length, i = 0;
        if (a.Length < m || !bias.IsEmpty && bias.Length < m) throw new ArgumentException("bias and a must be as long as sums.");
        bool hasBias = !bias.IsEmpty;
        ref double sr = ref MemoryMarshal.GetReference(sums);
        ref double br = ref MemoryMarshal.GetReference(bias);
        ref double ar = ref MemoryMarshal.GetReference(a);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= m - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref sr, (nuint)i);
                if (hasBias) v += Vector256.LoadUnsafe(ref br, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<double>.Zero), v, Vector256<double>.Zero).StoreUnsafe(ref ar, (nuint)i);
            }
        for (; i < m; i++)
        {
            double v = hasBias ? sums[i] + bias[i] : sums[i];
            a[i] = v > 0 ? v : 0;
        }
    }

    /// <summary>values[i] = activation(values[i]), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(Span<double> values, Activation activation)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
                VectorMath.Sigmoid(values, values);
                break;
            case Activation.Tanh:
                VectorMath.Tanh(values, values);
                break;
            case Activation.ReLU:
                BiasReLU(values, default, values); // x > 0 ? x : 0, in the one place that writes it
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>delta[i] = error[i] · f′ taken from output[i]: the lesson's weighted error for any activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ActivationDelta(ReadOnlySpan<double> error, ReadOnlySpan<double> output, Span<double> delta, Activation activation)
    {
        if (error.Length != output.Length || delta.Length < error.Length)
            throw new ArgumentException("error, output and delta must have the same length.");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double er = ref MemoryMarshal.GetReference(error);
            ref double o = ref MemoryMarshal.GetReference(output);
            ref double de = ref MemoryMarshal.GetReference(delta);
            for (; i <= error.Length - 4; i += 4)
                (Vector256.LoadUnsafe(ref er, (nuint)i) * Derivative(activation, Vector256.LoadUnsafe(ref o, (nuint)i))).StoreUnsafe(ref de, (nuint)i);
        }
        for (; i < error.Length; i++)
            delta[i] = error[i] * Activations.DerivativeFromOutput(activation, output[i]);
    }

    /// <summary><see cref="Activations.DerivativeFromOutput"/> of four outputs, the same operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Derivative(Activation activation, Vector256<double> a) => activation switch
    {
        Activation.Sigmoid => a * (Vector256<double>.One - a),
        Activation.Tanh => Vector256<double>.One - a * a,
        _ => Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<double>.Zero), Vector256<double>.One, Vector256<double>.Zero),
    };

    /// <summary>sums[j] += Σ_i d[i, j] (a layer's bias gradient from its delta).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSumsAdd(ReadOnlySpan<double> d, Span<double> sums, int n, int m)
    {
        CheckShape(d, (long)n * m, nameof(d)); CheckShape(sums, m, nameof(sums));
        for (int i = 0; i < n; i++) Add(d.Slice(i * m, m), sums[..m]);
    }

    /// <summary>Σ x[i]·y[i], summed in four lanes (i mod 4) that are then added as ((l0 + l1) + (l2 + l3)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("y is shorter than x.", nameof(y));
        int i = 0, n = x.Length;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4) acc += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            (s0, s1, s2, s3) = (acc[0], acc[1], acc[2], acc[3]);
        }
        else
        {
            for (; i <= n - 4; i += 4)
            {
                s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3];
            }
        }
        for (int lane = 0; i < n; i++, lane++)
        {
            double v = x[i] * y[i];
            switch (lane) { case 0: s0 += v; break; case 1: s1 += v; break; default: s2 += v; break; }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>y[i] += alpha · x[i], and whether every y[i] is then finite, in the same pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool MultiplyAddAndCheck(ReadOnlySpan<double> x, double alpha, Span<double> y)
    {
        int i = 0, n = x.Length;
        if (y.Length != n) throw new ArgumentException("x and y must have the same length.", nameof(y));
        bool finite = true;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            // Eight at a time: each element the same two operations, so the same bits as four at a time.
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector512.Create(alpha);
            var check = Vector512<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var r = Vector512.LoadUnsafe(ref yr, (nuint)i) + a * Vector512.LoadUnsafe(ref xr, (nuint)i);
                r.StoreUnsafe(ref yr, (nuint)i);
                check += r - r;
            }
            finite = Vector512.EqualsAll(check, Vector512<double>.Zero);
        }
        if (Vector256.IsHardwareAccelerated && n - i >= 4)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256.Create(alpha);
            var check = Vector256<double>.Zero; // r − r is 0 for finite r, NaN otherwise
            for (; i <= n - 4; i += 4)
            {
                var r = Vector256.LoadUnsafe(ref yr, (nuint)i) + a * Vector256.LoadUnsafe(ref xr, (nuint)i);
                r.StoreUnsafe(ref yr, (nuint)i);
                check += r - r;
            }
            finite &= Vector256.EqualsAll(check, Vector256<double>.Zero);
        }
        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
            finite &= double.IsFinite(y[i]);
        }
        return finite;
    }

    /// <summary>y[i] += x[i] (addition commutes exactly, so this is <see cref="Sum"/> into y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<double> x, Span<double> y) => Sum(x, y, y);

    /// <summary>destination[i] = x[i] + y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination)
    {
        int i = 0, n = x.Length;
        if (y.Length < n || destination.Length < n) throw new ArgumentException("y and destination must be as long as x.");
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double dr = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref xr, (nuint)i) + Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < n; i++) destination[i] = x[i] + y[i];
    }

    /// <summary>y[i] = 0, four at a time where the hardware allows: the kernels that then add into y load
    /// it four at a time, and a wide load from narrower stores is not forwarded from the store buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero(Span<double> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double yr = ref MemoryMarshal.GetReference(y);
            if (Vector512.IsHardwareAccelerated)
                for (; i <= y.Length - 8; i += 8) Vector512<double>.Zero.StoreUnsafe(ref yr, (nuint)i);
            for (; i <= y.Length - 4; i += 4) Vector256<double>.Zero.StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < y.Length; i++) y[i] = 0;
    }

    /// <summary>y[i] = alpha · x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scale(ReadOnlySpan<double> x, double alpha, Span<double> y)
    {
        int i = 0, n = x.Length;
        if (y.Length < n) throw new ArgumentException("y is shorter than x.", nameof(y));
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4) (a * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = alpha * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckShape(ReadOnlySpan<double> span, long needed, string name)
    {
        if (span.Length < needed) ThrowShape(span.Length, needed, name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(int length, long needed, string name) =>
        throw new ArgumentException($"{name} has {length} values, the shape needs {needed}.", name);

    /// <summary>Whether every value is finite (no NaN, no infinity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<double> values)
    {
        // x − x is 0 for every finite x and NaN otherwise; NaN survives the sum.
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 4)
        {
            var acc = Vector256<double>.Zero;
            ref double vr = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref vr, (nuint)i);
                acc += v - v;
            }
            if (!Vector256.EqualsAll(acc, Vector256<double>.Zero)) return false;
        }
        for (; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return false;
        return true;
    }
}
