namespace ParityNet.Tests;

/// <summary>
/// The optimised paths against straightforward references: the bit kernels against the dense
/// product (bit-identical for the forward pass, where the order of additions is kept; 1e-12 for the
/// gradient, which sums in another order), the vector sigmoid against the Math.Exp formula (4 ulp: its exp is within 2, and the division and product round too), and whole
/// training runs (tiles, parallel groups, bit kernels, vector sigmoid) against the engine's reference
/// trainer (src/ParityNet.Engine/Reference: scalar loops and Math.Exp): same seed → same weights within 1e-12.
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
        SummedBitsLayer.ForwardBlock(start, count, bits, w, m, fast);
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
        BitWalk.GradientBlock(start, count, bits, (double[])delta.Clone(), m, fast, fastBias);
        for (int i = 0; i < dense.Length; i++) Assert.Equal(dense[i], fast[i], 1e-12);
        for (int i = 0; i < m; i++) Assert.Equal(denseBias[i], fastBias[i], 1e-12);
    }

    [Theory]
    [InlineData(20, 37, 32)]
    [InlineData(62, 9, 5)]
    public void BitKernelsOfAnyNumbers_AreTheDenseProductsBitForBit(int bits, int count, int m)
    {
        var rng = new SeededRandom(bits * 13 + m);
        var numbers = Enumerable.Range(0, count).Select(i => i == 0 ? 0 : i == 1 ? (1L << bits) - 1 : rng.NextInt64(1L << bits)).ToArray();
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var delta = Enumerable.Range(0, count * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var x = new double[count * bits];
        for (int j = 0; j < count; j++) BitEncoding.Encode(numbers[j], bits, x.AsSpan(j * bits, bits));

        var dense = new double[count * m];
        Kernels.MatMul(x, w, dense, count, bits, m);
        var fast = new double[count * m];
        SummedBitsLayer.ForwardAny(numbers, bits, w, m, fast);
        Assert.Equal(dense, fast);

        var denseG = Enumerable.Repeat(0.25, bits * m).ToArray();
        var denseB = new double[m];
        Kernels.MatMulTransposeAAdd(x, delta, denseG, count, bits, m);
        Kernels.ColumnSumsAdd(delta, denseB, count, m);
        var fastG = Enumerable.Repeat(0.25, bits * m).ToArray();
        var fastB = new double[m];
        BitWalk.GradientAny(numbers, bits, delta, m, fastG, fastB);
        Assert.Equal(denseG, fastG);
        Assert.Equal(denseB, fastB);

        Assert.Throws<ArgumentOutOfRangeException>(() => SummedBitsLayer.ForwardAny(new[] { 1L << bits }, bits, w, m, fast));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitWalk.GradientAny(new[] { -1L }, bits, delta, m, fastG, fastB));
    }

    [Fact]
    public void BitKernels_RejectUnalignedBlocks()
    {
        Assert.Throws<ArgumentException>(() => SummedBitsLayer.ForwardBlock(3, 4, 4, new double[16], 4, new double[16]));
        Assert.Throws<ArgumentException>(() => SummedBitsLayer.ForwardBlock(0, 6, 4, new double[16], 4, new double[24]));
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
    public void VectorTanh_MatchesMathTanh_AndItsOwnScalarPath()
    {
        var rng = new SeededRandom(6);
        double[] special = { 0, -0.0, 1e-300, -1e-300, 1e-9, -1e-9, 1e-5, 0.1, -0.3466, 0.3466, 0.35, 1, -1, 5, 19, 19.5, 20, 21, -25, 700, -1e300,
            double.PositiveInfinity, double.NegativeInfinity, double.NaN };
        var x = Enumerable.Range(0, 100_003).Select(i => i < special.Length ? special[i]
            : i % 3 == 0 ? rng.NextUniform(-1, 1) * Math.Pow(10, -rng.NextUniform(0, 12)) : rng.NextUniform(-25, 25)).ToArray();
        var y = new double[x.Length];
        VectorMath.Tanh(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(VectorMath.Tanh(x[i])), BitConverter.DoubleToInt64Bits(y[i])); // lanes = tail, sign of zero too
            double reference = Math.Tanh(x[i]);
            if (double.IsNaN(x[i])) { Assert.True(double.IsNaN(y[i])); continue; }
            double ulp = Math.Max(Math.BitIncrement(Math.Abs(reference)) - Math.Abs(reference), double.Epsilon);
            Assert.True(Math.Abs(y[i] - reference) <= 4 * ulp, $"tanh({x[i]:R}) = {y[i]:R}, Math.Tanh gives {reference:R}");
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(VectorMath.Tanh(-0.0)));
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

    public static TheoryData<int, int[], bool, Activation, LossFunction, int, double, string> Runs => new()
    {
        // bits, hidden, bias, activation, loss, epochs, weight scale, the first layer's path
        { 4, new[] { 4 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 300, 1, "LessonShape" },   // case a's shape
        { 8, new[] { 16 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 50, 1, "LessonShape" },   // case b's
        { 12, new[] { 64 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 5, 1, "LessonShape" },   // case c's: parallel groups
        { 8, new[] { 16 }, true, Activation.Sigmoid, LossFunction.MeanSquaredError, 50, 1, "LessonShape" },    // both biases
        { 6, new[] { 8 }, true, Activation.Sigmoid, LossFunction.CrossEntropy, 50, 1, "LessonShape" },
        { 5, new[] { 6 }, false, Activation.Sigmoid, LossFunction.MeanSquaredError, 30, 1, "ProductSigmoid" }, // units not in fours
        { 7, new[] { 8, 4 }, true, Activation.Sigmoid, LossFunction.MeanSquaredError, 20, 1, "ProductSigmoid" }, // two hidden layers
        { 6, new[] { 8 }, true, Activation.Sigmoid, LossFunction.MeanSquaredError, 20, 150, "ProductSigmoid" }, // |w| sums over 170
        { 6, new[] { 8 }, true, Activation.Sigmoid, LossFunction.MeanSquaredError, 20, 600, "SummedBits" },    // … and over 700
        { 12, new[] { 8, 5 }, true, Activation.Tanh, LossFunction.CrossEntropy, 5, 1, "SummedBits" },
        { 6, new[] { 7, 3 }, true, Activation.ReLU, LossFunction.MeanSquaredError, 40, 1, "SummedBits" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Training_MatchesANaiveTrainer(int bits, int[] hidden, bool bias, Activation activation, LossFunction loss, int epochs,
        double weightScale, string path)
    {
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = hidden, HasBias = bias, Activation = activation, Seed = 3, Initialization = Initialization.Xavier };
        var created = ParityNetwork.Create(spec);
        var net = ParityNetwork.FromWeights(spec, created.Weights.Select(w => w.AsSpan().ToArray().Select(v => v * weightScale).ToArray()).ToArray(),
            bias ? created.Biases.Select(b => b.Select(v => v * weightScale).ToArray()).ToArray() : null);
        var w = Enumerable.Range(0, hidden.Length + 1).Select(l => net.LayerWeights(l).ToArray()).ToArray();
        var b = Enumerable.Range(0, hidden.Length + 1).Select(l => net.LayerBiases(l).ToArray()).ToArray();
        Assert.Equal(path, new GradientPass(net, loss, 1 << bits).ChooseFirstLayer(null, w, b).ToString());

        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = epochs, Loss = loss });
        var (weights, biases, lastLoss) = ReferenceTrainer.Train(net, 0.5, epochs, loss);
        for (int l = 0; l < weights.Length; l++)
        {
            var fast = trained.Weights[l].AsSpan().ToArray();
            for (int i = 0; i < fast.Length; i++) Assert.Equal(weights[l][i], fast[i], 1e-12);
            for (int i = 0; i < biases[l].Length; i++) Assert.Equal(biases[l][i], trained.Biases[l][i], 1e-12);
        }
        Assert.Equal(lastLoss, trained.History!.FinalLoss, 1e-12);
    }

    [Theory]
    [InlineData(4, 16, 0, 4, false)]
    [InlineData(8, 128, 128, 16, true)]
    [InlineData(12, 64, 4096 - 64, 8, true)]
    [InlineData(16, 32, 40000 - 40000 % 32, 12, false)]
    public void ProductKernels_MatchExpOfTheDenseSum(int bits, int count, long start, int m, bool bias)
    {
        // Reference: the dense pre-activation, Math.Exp's sigmoid, Dot for the output logit. The product
        // path rounds once per factor, so agreement is to 1e-14 absolute on values in (0, 1), and the
        // logits (sums of m such values times weights in (−1, 1)) to 1e-13.
        var rng = new SeededRandom(bits * 7 + m);
        var w0 = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-2, 2)).ToArray();
        var b0 = bias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-2, 2)).ToArray() : Array.Empty<double>();
        var w1 = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var z = new double[count * m];
        SummedBitsLayer.ForwardBlock(start, count, bits, w0, m, z);
        Kernels.AddBias(z, b0, count, m);
        var reference = z.Select(Activations.Sigmoid).ToArray();
        var referenceLogits = Enumerable.Range(0, count).Select(j => Kernels.Dot(reference.AsSpan(j * m, m), w1)).ToArray();

        var negExpW = new double[w0.Length];
        var negExpB = new double[b0.Length];
        VectorMath.NegExp(w0, negExpW);
        VectorMath.NegExp(b0, negExpB);
        int levels = System.Numerics.BitOperations.Log2((uint)count);
        var products = new double[count * m];
        ProductSigmoidLayer.ForwardBlock(start, count, bits, negExpW, negExpB, m, products, new double[(levels + 1) * m]);
        var fused = new double[count * m];
        var logits = new double[count];
        LessonShapeLayer.Forward(start, count, bits, negExpW, negExpB, w1, m, fused, logits, new double[(levels + 1) * m]);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.Equal(reference[i], products[i], 1e-14);
            Assert.Equal(reference[i], fused[i], 1e-14);
        }
        for (int j = 0; j < count; j++) Assert.Equal(referenceLogits[j], logits[j], 1e-13);
    }

    [Theory]
    [InlineData(4, 16, 0, 4)]
    [InlineData(8, 128, 128, 16)]
    [InlineData(13, 64, 8192 - 64, 8)]
    public void FusedBackward_MatchesTheSeparateKernels(int bits, int count, long start, int m)
    {
        var rng = new SeededRandom(bits * 11 + m);
        var hidden = Enumerable.Range(0, count * m).Select(_ => rng.NextUniform(0, 1)).ToArray();
        var d = Enumerable.Range(0, count).Select(_ => rng.NextUniform(-0.1, 0.1)).ToArray();
        var w1 = Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray();

        // Reference: the layer-by-layer kernels (each checked against dense products elsewhere).
        var g1 = new double[m];
        var g0 = new double[bits * m];
        var gb0 = new double[m];
        var back = new double[count * m];
        Kernels.MatMulTransposeAAdd(hidden, d, g1, count, m, 1);
        Kernels.MatMulTransposeB(d, w1, back, count, 1, m);
        Kernels.ActivationDelta(back, hidden, back, Activation.Sigmoid);
        var x = new double[count * bits];
        for (int j = 0; j < count; j++) BitEncoding.Encode(start + j, bits, x.AsSpan(j * bits, bits));
        Kernels.MatMulTransposeAAdd(x, back, g0, count, bits, m);
        Kernels.ColumnSumsAdd(back, gb0, count, m);

        var fg1 = new double[m];
        var fg0 = new double[bits * m];
        var fgb0 = new double[m];
        var quads = new double[count / 4 * m];
        LessonShapeLayer.Backward(count, bits, hidden, d, w1, m, fg1, fg0, quads);
        BitWalk.GradientBlock(start, count, bits, quads, m, fg0, fgb0, foldedLevels: 2);
        for (int i = 0; i < m; i++) Assert.Equal(g1[i], fg1[i], 1e-13);
        for (int i = 0; i < g0.Length; i++) Assert.Equal(g0[i], fg0[i], 1e-13);
        for (int i = 0; i < m; i++) Assert.Equal(gb0[i], fgb0[i], 1e-13);
    }

    [Fact]
    public void ProductBound_IsTheLargestAbsoluteSum_AndNaNForNaN()
    {
        // 2 bits × 5 units: units 0–3 take the vector path, unit 4 the scalar one.
        double[] w = { 1, -2, 3, -4, 5, -10, 20, -30, 40, -50 };
        double[] b = { 0.5, 0.5, 0.5, 0.5, -0.5 };
        Assert.Equal(55.5, FirstLayer.ProductBound(w, b, 2, 5));
        Assert.Equal(34, FirstLayer.ProductBound(w.Take(8).ToArray(), default, 2, 4)); // rows (1, −2, 3, −4) and (5, −10, 20, −30)
        w[1] = double.NaN;
        Assert.True(double.IsNaN(FirstLayer.ProductBound(w, b, 2, 5)));
        w[1] = 0;
        w[9] = double.NaN;
        Assert.True(double.IsNaN(FirstLayer.ProductBound(w, b, 2, 5)));
        w[9] = double.PositiveInfinity;
        Assert.Equal(double.PositiveInfinity, FirstLayer.ProductBound(w, b, 2, 5));
    }

    [Theory]
    [InlineData(4, 16, 0, 4, true)]
    [InlineData(8, 128, 128, 16, false)]
    [InlineData(12, 128, 1024 + 256, 64, true)]
    [InlineData(16, 64, 65536 - 64, 7, true)]
    [InlineData(10, 32, 32, 130, true)]
    public void FusedReLUFirstLayer_IsBitIdenticalToSumsThenBiasThenReLU(int bits, int count, long start, int m, bool withBias)
    {
        var rng = new SeededRandom(bits * 31 + m);
        var w = Enumerable.Range(0, bits * m).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var bias = withBias ? Enumerable.Range(0, m).Select(_ => rng.NextUniform(-1, 1)).ToArray() : Array.Empty<double>();
        var expected = new double[count * m];
        SummedBitsLayer.ForwardBlock(start, count, bits, w, m, expected);
        Kernels.AddBias(expected, bias, count, m);
        Kernels.Activate(expected, Activation.ReLU);
        var fused = new double[count * m];
        var slots = new double[(System.Numerics.BitOperations.Log2((uint)count) + 1) * m];
        SummedBitsLayer.ForwardBlockReLU(start, count, bits, w, bias, m, fused, slots);
        Assert.Equal(expected.Select(Bits), fused.Select(Bits)); // bit for bit: −0 and +0 differ here
        Assert.Contains(fused, v => v == 0); // some units are off, so the ReLU was exercised
        Assert.Throws<ArgumentException>(() => SummedBitsLayer.ForwardBlockReLU(start, count, bits, w, bias, m, fused, new double[m]));
    }

    [Theory]
    [InlineData(13, 4)]
    [InlineData(7, 6)]
    [InlineData(130, 300)]   // two chunks of columns, and rows that are not a multiple of four
    [InlineData(2, 257)]
    [InlineData(5, 3)]       // scalar columns only
    [InlineData(0, 8)]       // no rows: nothing is added
    public void SingleUnitBackward_SumsInItsDocumentedLanes_BitForBit(int n, int k)
    {
        // The row walk runs where Vector256 is accelerated (every x64 machine with AVX2, as here); elsewhere this
        // test holds the scalar loop alone to the same order.
        // The scalar twin of the documented order: lane i mod 4 of each column, in row order, then
        // g += (l0 + l1) + (l2 + l3); the bias sum in row order; the delta (d·w)·f'(a).
        var rng = new SeededRandom(n * 1000 + k);
        var a = Enumerable.Range(0, n * k).Select(_ => rng.NextUniform(-0.5, 1)).ToArray();
        var w = Enumerable.Range(0, k).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        var d = Enumerable.Range(0, n).Select(_ => rng.NextUniform(-1, 1)).ToArray();
        foreach (var activation in Enum.GetValues<Activation>())
            foreach (bool sendBack in new[] { true, false })
            {
                var g = Enumerable.Range(0, k).Select(j => 0.25 * j).ToArray();
                var gb = new[] { 0.5 };
                var back = sendBack ? new double[n * k] : Array.Empty<double>();
                Kernels.SingleUnitBackward(a, d, w, g, gb, back, n, k, activation);
                for (int j = 0; j < k; j++)
                {
                    var lanes = new double[4];
                    for (int i = 0; i < n; i++) lanes[i & 3] += d[i] * a[i * k + j];
                    Assert.Equal(Bits(0.25 * j + ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))), Bits(g[j]));
                }
                double bias = 0.5;
                for (int i = 0; i < n; i++) bias += d[i];
                Assert.Equal(Bits(bias), Bits(gb[0]));
                if (sendBack)
                    for (int i = 0; i < n * k; i++)
                        Assert.Equal(Bits(d[i / k] * w[i % k] * Activations.DerivativeFromOutput(activation, a[i])), Bits(back[i]));
            }
    }

    [Fact]
    public void RowDots_AreDotsBitForBit_AndSingleUnitBackwardMatchesTheSeparateKernels_ForEveryActivation()
    {
        var rng = new SeededRandom(17);
        foreach (int k in new[] { 4, 8, 6 })
        {
            int n = 11;
            var a = Enumerable.Range(0, n * k).Select(_ => rng.NextUniform(0, 1)).ToArray();
            var w = Enumerable.Range(0, k).Select(_ => rng.NextUniform(-1, 1)).ToArray();
            var d = Enumerable.Range(0, n).Select(_ => rng.NextUniform(-1, 1)).ToArray();
            var c = new double[n];
            Kernels.RowDots(a, w, c, n, k);
            for (int i = 0; i < n; i++) Assert.Equal(Kernels.Dot(a.AsSpan(i * k, k), w), c[i]);

            a[3] = 0; // ReLU's derivative at 0
            foreach (var activation in Enum.GetValues<Activation>())
            {
                var g = new double[k];
                var gb = new double[1];
                var back = new double[n * k];
                Kernels.SingleUnitBackward(a, d, w, g, gb, back, n, k, activation);
                var rg = new double[k];
                var rgb = new double[1];
                var rback = new double[n * k];
                Kernels.MatMulTransposeAAdd(a, d, rg, n, k, 1);
                Kernels.ColumnSumsAdd(d, rgb, n, 1);
                Kernels.MatMulTransposeB(d, w, rback, n, 1, k);
                Kernels.ActivationDelta(rback, a, rback, activation);
                for (int i = 0; i < k; i++) Assert.Equal(rg[i], g[i], 1e-14);
                Assert.Equal(rgb[0], gb[0]);
                Assert.Equal(rback, back);
                for (int i = 0; i < n * k; i++) // and the delta is the textbook's, bit for bit
                    Assert.Equal(d[i / k] * w[i % k] * Activations.DerivativeFromOutput(activation, a[i]), back[i]);
            }
        }
        var x = new[] { -2.0, -0.0, 0.0, 1e-300, 3.5, double.NaN, -1e-300, 7 };
        var relu = (double[])x.Clone();
        Kernels.Activate(relu, Activation.ReLU);
        Assert.Equal(x.Select(v => v > 0 ? v : 0).ToArray(), relu); // NaN and −0 become +0
    }

    [Fact]
    public void FiniteChecks_FindEveryNonFiniteValue()
    {
        foreach (int n in new[] { 1, 3, 4, 9 })
            for (int at = 0; at < n; at++)
                foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    var values = Enumerable.Range(0, n).Select(i => i * 1e300).ToArray();
                    Assert.True(Kernels.AllFinite(values));
                    values[at] = bad;
                    Assert.False(Kernels.AllFinite(values), $"{bad} at {at} of {n}");

                    var y = Enumerable.Range(0, n).Select(i => 1.0).ToArray();
                    var x = Enumerable.Range(0, n).Select(i => i == at ? bad : 2.0).ToArray();
                    Assert.False(Kernels.MultiplyAddAndCheck(x, 0.5, y));
                    for (int i = 0; i < n; i++)
                        if (i != at) Assert.Equal(2.0, y[i]); // the step itself still happens everywhere
                }
        var big = new[] { 1e308, 1e308, 1e308, 1e308, 1e308 };
        Assert.False(Kernels.MultiplyAddAndCheck(big, 1.0, (double[])big.Clone())); // overflow to infinity
        Assert.True(Kernels.MultiplyAddAndCheck(big, -1.0, (double[])big.Clone()));
    }

    [Theory]
    [InlineData(Activation.Sigmoid, 1.0)]   // the products of any numbers
    [InlineData(Activation.Sigmoid, 200.0)] // weights over the 700 bound: sums, then the exp
    [InlineData(Activation.ReLU, 1.0)]
    public void WideTraining_MatchesANaiveTrainerOnTheSameSamples(Activation activation, double weightScale)
    {
        var spec = new NetworkSpec { Bits = 20, HiddenSizes = new[] { 8 }, HasBias = true, Activation = activation, Seed = 5 };
        var created = ParityNetwork.Create(spec);
        var net = ParityNetwork.FromWeights(spec, created.Weights.Select(w => w.AsSpan().ToArray().Select(v => v * weightScale).ToArray()).ToArray(),
            created.Biases.Select(b => b.Select(v => v * weightScale).ToArray()).ToArray());
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = 6, SampleSize = 600 });
        var (weights, biases, lastLoss) = ReferenceTrainer.Train(net, 0.5, 6, LossFunction.MeanSquaredError, sampleSize: 600);
        for (int l = 0; l < weights.Length; l++)
        {
            var fast = trained.Weights[l].AsSpan().ToArray();
            for (int i = 0; i < fast.Length; i++) Assert.Equal(weights[l][i], fast[i], 1e-12);
            for (int i = 0; i < biases[l].Length; i++) Assert.Equal(biases[l][i], trained.Biases[l][i], 1e-12);
        }
        Assert.Equal(lastLoss, trained.History!.FinalLoss, 1e-12);
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
