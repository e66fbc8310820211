namespace ParityNet;

/// <summary>
/// The dense kernels of training and prediction: span in, span out, row-major, the caller owns
/// every buffer. Shapes are given explicitly and checked once per call.
/// </summary>
public static class Kernels
{
    /// <summary>c[n×m] = a[n×k] · b[k×m].</summary>
    public static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n, int k, int m)
    {
        CheckShape(a, n * k, nameof(a)); CheckShape(b, k * m, nameof(b)); CheckShape(c, n * m, nameof(c));
        c = c[..(n * m)];
        c.Clear();
        for (int i = 0; i < n; i++)
        {
            var cRow = c.Slice(i * m, m);
            var aRow = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                double x = aRow[p];
                if (x == 0) continue; // bit inputs are mostly 0/1: skipping zeros is exact
                var bRow = b.Slice(p * m, m);
                for (int j = 0; j < m; j++) cRow[j] += x * bRow[j];
            }
        }
    }

    /// <summary>g[k×m] = a[n×k]ᵀ · d[n×m] (a layer's weight update from its input and delta).</summary>
    public static void MatMulTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> d, Span<double> g, int n, int k, int m)
    {
        CheckShape(a, n * k, nameof(a)); CheckShape(d, n * m, nameof(d)); CheckShape(g, k * m, nameof(g));
        g = g[..(k * m)];
        g.Clear();
        for (int i = 0; i < n; i++)
        {
            var aRow = a.Slice(i * k, k);
            var dRow = d.Slice(i * m, m);
            for (int p = 0; p < k; p++)
            {
                double x = aRow[p];
                if (x == 0) continue;
                var gRow = g.Slice(p * m, m);
                for (int j = 0; j < m; j++) gRow[j] += x * dRow[j];
            }
        }
    }

    /// <summary>e[n×k] = d[n×m] · w[k×m]ᵀ (the error sent back through a layer's weights).</summary>
    public static void MatMulTransposeB(ReadOnlySpan<double> d, ReadOnlySpan<double> w, Span<double> e, int n, int m, int k)
    {
        CheckShape(d, n * m, nameof(d)); CheckShape(w, k * m, nameof(w)); CheckShape(e, n * k, nameof(e));
        for (int i = 0; i < n; i++)
        {
            var dRow = d.Slice(i * m, m);
            var eRow = e.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                var wRow = w.Slice(p * m, m);
                double s = 0;
                for (int j = 0; j < m; j++) s += dRow[j] * wRow[j];
                eRow[p] = s;
            }
        }
    }

    /// <summary>z[i, j] += bias[j] for an n×m block; an empty bias adds nothing.</summary>
    public static void AddBias(Span<double> z, ReadOnlySpan<double> bias, int n, int m)
    {
        CheckShape(z, n * m, nameof(z));
        if (bias.IsEmpty) return;
        if (bias.Length != m) throw new ArgumentException($"bias has {bias.Length} values, expected {m}.", nameof(bias));
        for (int i = 0; i < n; i++)
        {
            var row = z.Slice(i * m, m);
            for (int j = 0; j < m; j++) row[j] += bias[j];
        }
    }

    /// <summary>values[i] = activation(values[i]), in place.</summary>
    public static void Activate(Span<double> values, Activation activation)
    {
        switch (activation)
        {
            case Activation.Sigmoid:
                for (int i = 0; i < values.Length; i++) values[i] = Activations.Sigmoid(values[i]);
                break;
            case Activation.Tanh:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Tanh(values[i]);
                break;
            case Activation.ReLU:
                for (int i = 0; i < values.Length; i++) values[i] = Math.Max(values[i], 0);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>delta[i] = error[i] · f′ taken from output[i]: the lesson's weighted error for any activation.</summary>
    public static void ActivationDelta(ReadOnlySpan<double> error, ReadOnlySpan<double> output, Span<double> delta, Activation activation)
    {
        if (error.Length != output.Length || delta.Length < error.Length)
            throw new ArgumentException("error, output and delta must have the same length.");
        for (int i = 0; i < error.Length; i++)
            delta[i] = error[i] * Activations.DerivativeFromOutput(activation, output[i]);
    }

    /// <summary>sums[j] = Σ_i d[i, j] (a layer's bias update from its delta).</summary>
    public static void ColumnSums(ReadOnlySpan<double> d, Span<double> sums, int n, int m)
    {
        CheckShape(d, n * m, nameof(d)); CheckShape(sums, m, nameof(sums));
        sums = sums[..m];
        sums.Clear();
        for (int i = 0; i < n; i++)
        {
            var row = d.Slice(i * m, m);
            for (int j = 0; j < m; j++) sums[j] += row[j];
        }
    }

    private static void CheckShape(ReadOnlySpan<double> span, long needed, string name)
    {
        if (span.Length < needed)
            throw new ArgumentException($"{name} has {span.Length} values, the shape needs {needed}.", name);
    }
}
