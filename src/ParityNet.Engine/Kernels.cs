using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParityNet;

/// <summary>
/// The dense kernels of training and prediction: span in, span out, row-major, the caller owns
/// every buffer; shapes are given explicitly and checked once per call. Four doubles at a time
/// where the hardware allows, with plain multiply and add (no fused multiply-add) and a fixed
/// four-lane order for every sum across a row, so results are the same bits on every machine.
/// </summary>
public static class Kernels
{
    /// <summary>c[n×m] = a[n×k] · b[k×m]. Zero entries of a (most bit inputs) are skipped, which is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n, int k, int m)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(b, (long)k * m, nameof(b)); CheckShape(c, (long)n * m, nameof(c));
        if (m == 1)
        {
            for (int i = 0; i < n; i++) c[i] = Dot(a.Slice(i * k, k), b[..k]);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var cRow = c.Slice(i * m, m);
            cRow.Clear();
            var aRow = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                double x = aRow[p];
                if (x != 0) MultiplyAdd(b.Slice(p * m, m), x, cRow);
            }
        }
    }

    /// <summary>g[k×m] += a[n×k]ᵀ · d[n×m] (a layer's weight gradient from its input and delta).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMulTransposeAAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> d, Span<double> g, int n, int k, int m)
    {
        CheckShape(a, (long)n * k, nameof(a)); CheckShape(d, (long)n * m, nameof(d)); CheckShape(g, (long)k * m, nameof(g));
        if (m == 1)
        {
            for (int i = 0; i < n; i++) MultiplyAdd(a.Slice(i * k, k), d[i], g[..k]);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var aRow = a.Slice(i * k, k);
            var dRow = d.Slice(i * m, m);
            for (int p = 0; p < k; p++)
            {
                double x = aRow[p];
                if (x != 0) MultiplyAdd(dRow, x, g.Slice(p * m, m));
            }
        }
    }

    /// <summary>e[n×k] = d[n×m] · w[k×m]ᵀ (the error sent back through a layer's weights).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMulTransposeB(ReadOnlySpan<double> d, ReadOnlySpan<double> w, Span<double> e, int n, int m, int k)
    {
        CheckShape(d, (long)n * m, nameof(d)); CheckShape(w, (long)k * m, nameof(w)); CheckShape(e, (long)n * k, nameof(e));
        if (m == 1)
        {
            for (int i = 0; i < n; i++) Scale(w[..k], d[i], e.Slice(i * k, k));
            return;
        }
        for (int i = 0; i < n; i++)
        {
            var dRow = d.Slice(i * m, m);
            var eRow = e.Slice(i * k, k);
            for (int p = 0; p < k; p++) eRow[p] = Dot(dRow, w.Slice(p * m, m));
        }
    }

    /// <summary>z[i, j] += bias[j] for an n×m block; an empty bias adds nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int n, int m)
    {
        CheckShape(z, (long)n * m, nameof(z));
        if (bias.IsEmpty) return;
        if (bias.Length != m) throw new ArgumentException($"bias has {bias.Length} values, expected {m}.", nameof(bias));
        for (int i = 0; i < n; i++) Add(bias, z.Slice(i * m, m));
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
                for (int i = 0; i < values.Length; i++) values[i] = Math.Tanh(values[i]);
                break;
            case Activation.ReLU:
                for (int i = 0; i < values.Length; i++) values[i] = values[i] > 0 ? values[i] : 0;
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
        if (activation == Activation.Sigmoid && Vector256.IsHardwareAccelerated)
        {
            ref double er = ref MemoryMarshal.GetReference(error);
            ref double o = ref MemoryMarshal.GetReference(output);
            ref double de = ref MemoryMarshal.GetReference(delta);
            for (; i <= error.Length - 4; i += 4)
            {
                var s = Vector256.LoadUnsafe(ref o, (nuint)i);
                (Vector256.LoadUnsafe(ref er, (nuint)i) * (s * (Vector256<double>.One - s))).StoreUnsafe(ref de, (nuint)i);
            }
        }
        for (; i < error.Length; i++)
            delta[i] = error[i] * Activations.DerivativeFromOutput(activation, output[i]);
    }

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

    /// <summary>y[i] += alpha · x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<double> x, double alpha, Span<double> y)
    {
        int i = 0, n = x.Length;
        if (y.Length < n) throw new ArgumentException("y is shorter than x.", nameof(y));
        if (Vector256.IsHardwareAccelerated)
        {
            ref double xr = ref MemoryMarshal.GetReference(x);
            ref double yr = ref MemoryMarshal.GetReference(y);
            var a = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + a * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] += alpha * x[i];
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckShape(ReadOnlySpan<double> span, long needed, string name)
    {
        if (span.Length < needed)
            throw new ArgumentException($"{name} has {span.Length} values, the shape needs {needed}.", name);
    }
}
