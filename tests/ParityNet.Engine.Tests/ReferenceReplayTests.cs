namespace ParityNet.Tests;

/// <summary>
/// Whole training runs of the engine replayed by the reference trainer (src/ParityNet.Engine/Reference),
/// in the regimes the older replays did not reach. Each also checks that the weights really moved,
/// so that a run that did nothing cannot pass. Tolerance: 1e-12 on every weight and bias (the fast
/// paths add in other orders, and the product sigmoid rounds a few ulp differently).
/// </summary>
public class ReferenceReplayTests
{
    private static ParityNetwork Scaled(NetworkSpec spec, double scale)
    {
        var created = ParityNetwork.Create(spec);
        return ParityNetwork.FromWeights(spec,
            created.Weights.Select(w => w.AsSpan().ToArray().Select(v => v * scale).ToArray()).ToArray(),
            created.Biases.Select(b => b.Select(v => v * scale + (b.Length > 0 ? 0.01 * scale : 0)).ToArray()).ToArray());
    }

    // |engine − reference| ≤ tolerance · max(1, |reference|): absolute for the small weights of most runs,
    // relative for the large ones a run across the product bounds grows.
    private static void AssertReplays(ParityNetwork start, ParityNetwork trained, ReferenceTrainer.Result reference, double tolerance = 1e-12)
    {
        bool Close(double expected, double actual) => Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected));
        double moved = 0;
        for (int l = 0; l < reference.Weights.Length; l++)
        {
            var fast = trained.Weights[l].AsSpan();
            var before = start.Weights[l].AsSpan();
            for (int i = 0; i < fast.Length; i++)
            {
                Assert.True(Close(reference.Weights[l][i], fast[i]), $"layer {l} weight {i}: engine {fast[i]:R}, reference {reference.Weights[l][i]:R}");
                moved = Math.Max(moved, Math.Abs(fast[i] - before[i]));
            }
            for (int i = 0; i < reference.Biases[l].Length; i++)
                Assert.True(Close(reference.Biases[l][i], trained.Biases[l][i]), $"layer {l} bias {i}");
        }
        Assert.True(moved > 1e-6, $"the weights moved by at most {moved:R}: the run did nothing to compare");
        Assert.True(Close(reference.Loss, trained.History!.FinalLoss), $"loss: engine {trained.History!.FinalLoss:R}, reference {reference.Loss:R}");
    }

    [Theory]
    [InlineData(Activation.Sigmoid, true)]
    [InlineData(Activation.Tanh, false)]
    [InlineData(Activation.ReLU, true)]
    public void OneBit(Activation activation, bool bias)
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 1, HiddenSizes = new[] { 3 }, Activation = activation, HasBias = bias, Seed = 2 });
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = 40 });
        AssertReplays(net, trained, ReferenceTrainer.Train(net, 0.5, 40));
    }

    [Fact]
    public void TheShapeOfBenchmarkCaseD_16BitsAnd128Hidden()
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 16, HiddenSizes = new[] { 128 }, HasBias = false, Seed = 1 });
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 1, Epochs = 2 });
        AssertReplays(net, trained, ReferenceTrainer.Train(net, 1, 2));
    }

    [Theory]
    [InlineData(12, 8, 0.05)]   // 4 096 rows: 32 tiles in parallel groups on both cores; the four-way product path (bound < 170)
    [InlineData(11, 6, 2.0)]    // 2 048 rows, the smallest pass that splits; one product per sigmoid (170 < bound ≤ 700)
    public void TheProductPathOverManyTilesAndBothParallelGroups(int bits, int hidden, double scale)
    {
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = new[] { hidden }, Seed = 11 };
        var net = Scaled(spec, scale);
        double bound = FirstLayer.ProductBound(net.Weights[0].AsSpan(), net.Biases[0], bits, hidden);
        Assert.True(bound <= VectorMath.NegExpLimit, $"bound {bound}: not the product path");
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.8, Epochs = 15 });
        AssertReplays(net, trained, ReferenceTrainer.Train(net, 0.8, 15));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 8, LossFunction.MeanSquaredError)]
    [InlineData(OptimizerKind.Sgd, 5, LossFunction.CrossEntropy)]
    [InlineData(OptimizerKind.Sgd, 64, LossFunction.MeanSquaredError)] // the full batch: one step per epoch on the measuring pass
    public void ShuffledMiniBatchesOverTheEnumeration(OptimizerKind optimizer, int batch, LossFunction loss)
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 6, HiddenSizes = new[] { 5 }, Seed = 4 });
        var trained = Trainer.Train(net, new TrainingOptions { Optimizer = optimizer, Alpha = 0.3, Epochs = 12, BatchSize = batch, Loss = loss, Seed = 9 });
        AssertReplays(net, trained, ReferenceTrainer.Train(net, 0.3, 12, loss, batchSize: batch, seed: 9));
    }

    [Theory]
    [InlineData(160.0, 170.0, 30)]  // starts on the four-way products, crosses to one product per sigmoid
    [InlineData(690.0, 700.0, 4)]   // starts on the products, crosses to the summed pre-activations and exp
    public void ARunWhosePathSwitchesMidTraining(double startBound, double crossed, int epochs)
    {
        var spec = new NetworkSpec { Bits = 8, HiddenSizes = new[] { 4 }, Seed = 3 };
        var created = ParityNetwork.Create(spec);
        double bound = FirstLayer.ProductBound(created.Weights[0].AsSpan(), created.Biases[0], 8, 4);
        var net = Scaled(spec, startBound / bound);
        Assert.InRange(FirstLayer.ProductBound(net.Weights[0].AsSpan(), net.Biases[0], 8, 4), startBound - 1, crossed);
        // Cross-entropy keeps the gradient alive on saturated units; a large step pushes the weights over the bound.
        const double alpha = 400;
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = alpha, Epochs = epochs, Loss = LossFunction.CrossEntropy });
        double after = FirstLayer.ProductBound(trained.Weights[0].AsSpan(), trained.Biases[0], 8, 4);
        Assert.True(after > crossed, $"the bound went from {startBound} to {after}, not over {crossed}: no switch was exercised");
        // Steps of 400 bounce the loss between 60 and 140, a chaotic run that amplifies the product path's
        // few-ulp differences (measured: ×10 or more an epoch after the tenth); held to 1e-10 relative
        // over as many epochs as the crossing needs.
        AssertReplays(net, trained, ReferenceTrainer.Train(net, alpha, epochs, LossFunction.CrossEntropy), tolerance: 1e-10);
    }

    [Theory]
    [InlineData(LossFunction.MeanSquaredError, false)] // the lesson's shape, 8-4-1 without bias: the four-row kernels
    [InlineData(LossFunction.CrossEntropy, true)]
    public void TheFusedPathsGradient_MatchesFiniteDifferences(LossFunction loss, bool bias)
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 8, HiddenSizes = new[] { 4 }, HasBias = bias, Seed = 6 });
        var weights = net.Weights.Select(w => w.AsSpan().ToArray()).ToArray();
        var biases = net.Biases.Select(b => (double[])b.Clone()).ToArray();
        int n = 256;
        var pass = new GradientPass(net, loss, n);
        var gw = weights.Select(w => new double[w.Length]).ToArray();
        var gb = biases.Select(b => new double[b.Length]).ToArray();
        pass.Run(null, 0, n, weights, biases, gw, gb); // the full-batch pass that training fuses with measuring

        double Objective()
        {
            var (sum, _) = new GradientPass(net, loss, n).Run(null, 0, n, weights, biases);
            return (loss == LossFunction.MeanSquaredError ? 0.5 : 1.0) * sum / n;
        }
        const double h = 1e-5;
        int checkedCount = 0;
        for (int l = 0; l < weights.Length; l++)
            for (int i = 0; i < weights[l].Length; i += 3)
            {
                double keep = weights[l][i];
                weights[l][i] = keep + h; double up = Objective();
                weights[l][i] = keep - h; double down = Objective();
                weights[l][i] = keep;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - gw[l][i]) <= 1e-8 + 1e-5 * Math.Abs(numeric), $"layer {l} weight {i}: pass {gw[l][i]:R}, finite difference {numeric:R}");
                checkedCount++;
            }
        Assert.True(checkedCount > 10);
        Assert.Contains(gw[0], g => Math.Abs(g) > 1e-6); // a gradient of zeros would pass trivially
    }

    [Fact]
    public void NegExp_IsWithinFourUlpOfMathExp_OverItsWholeRange()
    {
        var rng = new SeededRandom(12);
        var x = new double[200_003];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextUniform(-VectorMath.NegExpLimit, VectorMath.NegExpLimit);
        x[0] = -VectorMath.NegExpLimit; x[1] = VectorMath.NegExpLimit; x[2] = 0;
        var y = new double[x.Length];
        VectorMath.NegExp(x, y);
        long worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(-x[i]);
            long ulps = Math.Abs(BitConverter.DoubleToInt64Bits(y[i]) - BitConverter.DoubleToInt64Bits(expected));
            worst = Math.Max(worst, ulps);
            Assert.True(ulps <= 4, $"e^-({x[i]:R}) = {y[i]:R}, Math.Exp gives {expected:R}: {ulps} ulp apart");
        }
    }
}
