namespace ParityNet.Tests;

/// <summary>Each kernel against a naive triple loop on random shapes; tolerance 1e-12.</summary>
public class KernelTests
{
    private static double[] Random(SeededRandom rng, int count, bool bits = false) =>
        Enumerable.Range(0, count).Select(_ => bits ? (rng.NextDouble() < 0.5 ? 0.0 : 1.0) : rng.NextUniform(-2, 2)).ToArray();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(4, 3, 5)]
    [InlineData(17, 8, 4)]
    [InlineData(3, 16, 33)]
    [InlineData(9, 5, 12)]
    public void MatMul_MatchesNaive(int n, int k, int m)
    {
        var rng = new SeededRandom(n * 100 + k * 10 + m);
        foreach (bool bits in new[] { false, true })
        {
            var a = Random(rng, n * k, bits); var b = Random(rng, k * m);
            var c = new double[n * m];
            Kernels.MatMul(a, b, c, n, k, m);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j];
                    Assert.Equal(s, c[i * m + j]); // summed over p in order: the same bits
                }
        }
    }

    [Theory]
    [InlineData(4, 3, 5)]
    [InlineData(9, 2, 1)]
    [InlineData(9, 7, 8)]    // four inputs / four columns at a time, then the rest
    [InlineData(6, 12, 16)]
    [InlineData(3, 5, 6)]
    public void TransposedProducts_MatchNaive(int n, int k, int m)
    {
        var rng = new SeededRandom(3);
        var a = Random(rng, n * k); var d = Random(rng, n * m); var w = Random(rng, k * m);
        var g = new double[k * m];
        Kernels.MatMulTransposeAAdd(a, d, g, n, k, m);
        for (int p = 0; p < k; p++)
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += a[i * k + p] * d[i * m + j];
                Assert.Equal(s, g[p * m + j]); // the same additions in the same order: the same bits
            }
        var e = new double[n * k];
        Kernels.MatMulTransposeB(d, w, e, n, m, k);
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++)
            {
                double s = 0;
                for (int j = 0; j < m; j++) s += d[i * m + j] * w[p * m + j];
                Assert.Equal(s, e[i * k + p], 1e-12); // another order of additions: within 1e-12
                Assert.Equal(Kernels.Dot(d.AsSpan(i * m, m), w.AsSpan(p * m, m)), e[i * k + p]); // Dot's own order, exactly
            }
    }

    [Fact]
    public void AddBiasActivate_AndColumnSums()
    {
        var z = new double[] { 0, 1, -1, 2 };
        Kernels.AddBias(z, new double[] { 0.5, -0.5 }, 2, 2);
        Kernels.Activate(z, Activation.Sigmoid);
        Assert.Equal(Activations.Sigmoid(0.5), z[0], 14);
        Assert.Equal(Activations.Sigmoid(0.5), z[1], 14);
        Assert.Equal(Activations.Sigmoid(-0.5), z[2], 14);
        Assert.Equal(Activations.Sigmoid(1.5), z[3], 14);
        var sums = new double[2];
        Kernels.ColumnSumsAdd(new double[] { 1, 2, 3, 4, 5, 6 }, sums, 3, 2);
        Assert.Equal(new double[] { 9, 12 }, sums);
    }

    [Fact]
    public void Kernels_CheckShapes()
    {
        Assert.Throws<ArgumentException>(() => Kernels.MatMul(new double[5], new double[6], new double[6], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => Kernels.AddBias(new double[4], new double[3], 2, 2));
    }
}
