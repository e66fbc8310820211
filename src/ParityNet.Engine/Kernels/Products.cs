using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet;

// Products of matrices: a layer forward (MatMul, RowDots), its weight gradient (MatMulTransposeAAdd) and the
// error it sends back (MatMulTransposeB); the bias gradient (ColumnSumsAdd); and LaneSums, their shared order.
internal static partial class Kernels
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

    /// <summary>sums[j] += Σ_i d[i, j] (a layer's bias gradient from its delta).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSumsAdd(ReadOnlySpan<double> d, Span<double> sums, int n, int m)
    {
        CheckShape(d, (long)n * m, nameof(d)); CheckShape(sums, m, nameof(sums));
        for (int i = 0; i < n; i++) Add(d.Slice(i * m, m), sums[..m]);
    }
}
