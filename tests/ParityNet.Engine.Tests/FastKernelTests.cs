namespace ParityNet.Tests;

/// <summary>
/// The optimised paths against straightforward references: the bit kernels against the dense
/// product (bit-identical for the forward pass, where the order of additions is kept; 1e-12 for the
/// gradient, which sums in another order), the vector sigmoid against the Math.Exp formula (4 ulp: its exp is within 2, and the division and product round too), and whole
/// training runs (tiles, parallel groups, bit kernels, vector sigmoid) against a naive trainer
/// written here with scalar loops and Math.Exp: same seed → same weights within 1e-12.
/// </summary>
public class FastKernelTests
{
    [Theory]
    [InlineData(4, 16, 0, 4)]
    [InlineData(8, 256, 0, 16)]
    [InlineData(12, 256, 1024, 64)]
    [InlineData(16, 256, 65536 - 256, 7)]
    public void FirstLayer_IsBitIdenticalToTheDenseProduct(int bits, int count, long start, int m)
    {
        var rng = new SeededRandom(bits);
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var x = new double[count * bits];
        for (int j = 0; j < count; j++) BitEncoding.Encode(start + j, bits, x.AsSpan(j * bits, bits));
        var dense = new double[count * m];
        Kernels.MatMul(x, w, dense, count, bits, m);
        var fast = new double[count * m];
        BitKernels.FirstLayer(start, count, bits, w, m, fast);
        Assert.Equal(dense, fast);
    }

    [Theory]
    [InlineData(4, 16, 0, 4)]
    [InlineData(12, 256, 1024 + 256, 64)]
    [InlineData(16, 64, 65536 - 64, 5)]
    public void WeightGradient_EqualsTheDenseProduct(int bits, int count, long start, int m)
    {
        var rng = new SeededRandom(bits + 100);
        var delta = Enumerable.Range(0, count * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var x = new double[count * bits];
        for (int j = 0; j < count; j++) BitEncoding.Encode(start + j, bits, x.AsSpan(j * bits, bits));
        var dense = new double[bits * m];
        var denseBias = new double[m];
        Kernels.MatMulTransposeAAdd(x, delta, dense, count, bits, m);
        Kernels.ColumnSumsAdd(delta, denseBias, count, m);
        var fast = new double[bits * m];
        var fastBias = new double[m];
        BitKernels.WeightGradientAdd(start, count, bits, (double[])delta.Clone(), m, fast, fastBias);
        for (int i = 0; i < dense.Length; i++) Assert.Equal(dense[i], fast[i], 1e-12);
        for (int i = 0; i < m; i++) Assert.Equal(denseBias[i], fastBias[i], 1e-12);
    }

    [Fact]
    public void BitKernels_RejectUnalignedBlocks()
    {
        Assert.Throws<ArgumentException>(() => BitKernels.FirstLayer(3, 4, 4, new double[16], 4, new double[16]));
        Assert.Throws<ArgumentException>(() => BitKernels.FirstLayer(0, 6, 4, new double[16], 4, new double[24]));
    }

    [Fact]
    public void VectorSigmoid_MatchesMathExp_AndItsOwnScalarPath()
    {
        var rng = new SeededRandom(5);
        var x = Enumerable.Range(0, 100_003).Select(i => i < 20 ? new[] { 0, -0.0, 1e-300, -1e-300, 700, -700, 707.9, -707.9, 708.5, -708.5, 745, -745, 1000, -1000, 36, -36, 20, -20, 0.5, -0.5 }[i] : rng.NextUniform(-60, 60)).ToArray();
        var y = new double[x.Length];
        VectorMath.Sigmoid(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(VectorMath.Sigmoid(x[i]), y[i]); // vector lanes and the scalar tail agree exactly
            double reference = Activations.Sigmoid(x[i]);
            if (x[i] < -708) { Assert.InRange(y[i], 0, 1e-307); continue; }
            Assert.True(Math.Abs(y[i] - reference) <= 4 * Math.Max(Math.BitIncrement(reference) - reference, double.Epsilon),
                $"sigmoid({x[i]:R}) = {y[i]:R}, Math.Exp gives {reference:R}");
        }
        Assert.Equal(1.0, VectorMath.Sigmoid(1000));
        Assert.Equal(0.0, VectorMath.Sigmoid(-1000));
        Assert.Equal(0.5, VectorMath.Sigmoid(0));
    }

    [Fact]
    public void Dot_UsesTheSameFourLaneOrderWithOrWithoutVectors()
    {
        var x = Enumerable.Range(0, 11).Select(i => 1.0 / (i + 3)).ToArray();
        var y = Enumerable.Range(0, 11).Select(i => Math.Sqrt(i + 1)).ToArray();
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < 8; i += 4) { s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3]; }
        s0 += x[8] * y[8]; s1 += x[9] * y[9]; s2 += x[10] * y[10];
        Assert.Equal((s0 + s1) + (s2 + s3), Kernels.Dot(x, y));
    }

    public static TheoryData<int, int[], bool, Activation, LossFunction, int> Runs => new()
    {
        { 4, new[] { 4 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 300 },   // case a's shape
        { 8, new[] { 16 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 50 },   // case b's
        { 12, new[] { 64 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 5 },   // case c's: parallel groups
        { 12, new[] { 8, 5 }, true, Activation.Tanh, LossFunction.CrossEntropy, 5 },
        { 6, new[] { 7, 3 }, true, Activation.ReLU, LossFunction.MeanSquaredError, 40 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Training_MatchesANaiveTrainer(int bits, int[] hidden, bool bias, Activation activation, LossFunction loss, int epochs)
    {
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = hidden, HasBias = bias, Activation = activation, Seed = 3, Initialization = Initialization.Xavier };
        var net = ParityNetwork.Create(spec);
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = epochs, Loss = loss });
        var (weights, biases, lastLoss) = NaiveTrainer.Train(spec, net, 0.5, epochs, loss);
        for (int l = 0; l < weights.Length; l++)
        {
            var fast = trained.Weights[l].AsSpan().ToArray();
            for (int i = 0; i < fast.Length; i++) Assert.Equal(weights[l][i], fast[i], 1e-12);
            for (int i = 0; i < biases[l].Length; i++) Assert.Equal(biases[l][i], trained.Biases[l][i], 1e-12);
        }
        Assert.Equal(lastLoss, trained.History!.FinalLoss, 1e-12);
    }

    /// <summary>The textbook algorithm with scalar loops: full batch, mean gradient, Math.Exp.</summary>
    private static class NaiveTrainer
    {
        public static (double[][] W, double[][] B, double Loss) Train(NetworkSpec spec, ParityNetwork start, double alpha, int epochs, LossFunction loss)
        {
            int[] sizes = start.LayerSizes.ToArray();
            int L = sizes.Length - 1, n = 1 << spec.Bits;
            var W = start.Weights.Select(w => w.AsSpan().ToArray()).ToArray();
            var B = start.Biases.Select(b => (double[])b.Clone()).ToArray();
            double lastLoss = 0;
            for (int epoch = 0; epoch <= epochs; epoch++)
            {
                var gW = W.Select(w => new double[w.Length]).ToArray();
                var gB = B.Select(b => new double[b.Length]).ToArray();
                double lossSum = 0;
                for (int i = 0; i < n; i++)
                {
                    var a = new double[L + 1][];
                    a[0] = new double[sizes[0]];
                    BitEncoding.Encode(i, spec.Bits, a[0]);
                    double logit = 0;
                    for (int l = 0; l < L; l++)
                    {
                        a[l + 1] = new double[sizes[l + 1]];
                        for (int j = 0; j < sizes[l + 1]; j++)
                        {
                            double z = B[l].Length > 0 ? B[l][j] : 0;
                            for (int p = 0; p < sizes[l]; p++) z += a[l][p] * W[l][p * sizes[l + 1] + j];
                            if (l == L - 1) logit = z;
                            a[l + 1][j] = l == L - 1 ? Activations.Sigmoid(z) : Activations.Apply(spec.Activation, z);
                        }
                    }
                    double prob = a[L][0], y = TaskLabels.Label(spec.Task, i);
                    lossSum += Losses.Value(loss, logit, prob, y);
                    var delta = new[] { Losses.OutputGradient(loss, prob, y) / n };
                    for (int l = L - 1; l >= 0; l--)
                    {
                        for (int p = 0; p < sizes[l]; p++)
                            for (int j = 0; j < sizes[l + 1]; j++) gW[l][p * sizes[l + 1] + j] += a[l][p] * delta[j];
                        for (int j = 0; j < gB[l].Length; j++) gB[l][j] += delta[j];
                        if (l == 0) break;
                        var below = new double[sizes[l]];
                        for (int p = 0; p < sizes[l]; p++)
                        {
                            double e = 0;
                            for (int j = 0; j < sizes[l + 1]; j++) e += delta[j] * W[l][p * sizes[l + 1] + j];
                            below[p] = e * Activations.DerivativeFromOutput(spec.Activation, a[l][p]);
                        }
                        delta = below;
                    }
                }
                lastLoss = lossSum / n;
                if (epoch == epochs) break;
                for (int l = 0; l < L; l++)
                {
                    for (int i = 0; i < W[l].Length; i++) W[l][i] -= alpha * gW[l][i];
                    for (int i = 0; i < B[l].Length; i++) B[l][i] -= alpha * gB[l][i];
                }
            }
            return (W, B, lastLoss);
        }
    }
}
