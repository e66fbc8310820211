namespace ParityNet.Tests;

/// <summary>One or two steps of each optimizer on a two-parameter problem, against the textbook
/// update written out by hand. Tolerance 1e-15 (the same arithmetic in the same order).</summary>
public class OptimizerTests
{
    private static readonly double[] Start = { 1.0, -2.0 };
    private static readonly double[] G1 = { 0.5, -0.25 };
    private static readonly double[] G2 = { 0.1, 0.4 };

    private static double[] Steps(TrainingOptions options, params double[][] gradients)
    {
        var p = (double[])Start.Clone();
        var optimizer = Optimizer.Create(options, new[] { 2 });
        foreach (var g in gradients)
        {
            optimizer.BeginUpdate();
            optimizer.Step(0, p, g);
        }
        return p;
    }

    [Theory]
    [InlineData(OptimizerKind.GradientDescent)]
    [InlineData(OptimizerKind.Sgd)]
    public void PlainStep_IsMinusAlphaG(OptimizerKind kind)
    {
        var p = Steps(new TrainingOptions { Optimizer = kind, Alpha = 0.1 }, G1);
        Assert.Equal(1.0 - 0.1 * 0.5, p[0], 15);
        Assert.Equal(-2.0 + 0.1 * 0.25, p[1], 15);
    }

    [Fact]
    public void Momentum_AccumulatesVelocity()
    {
        // v1 = g1; p1 = p0 − αv1. v2 = μv1 + g2; p2 = p1 − αv2.
        var p = Steps(new TrainingOptions { Optimizer = OptimizerKind.Momentum, Alpha = 0.1, Momentum = 0.9 }, G1, G2);
        double v2a = 0.9 * 0.5 + 0.1, v2b = 0.9 * -0.25 + 0.4;
        Assert.Equal(1.0 - 0.1 * 0.5 - 0.1 * v2a, p[0], 15);
        Assert.Equal(-2.0 + 0.1 * 0.25 - 0.1 * v2b, p[1], 15);
    }

    [Fact]
    public void Nesterov_LooksAhead()
    {
        // v1 = g1; p1 = p0 − α(g1 + μv1). v2 = μv1 + g2; p2 = p1 − α(g2 + μv2).
        var p = Steps(new TrainingOptions { Optimizer = OptimizerKind.Momentum, Alpha = 0.1, Momentum = 0.9, Nesterov = true }, G1, G2);
        double v2a = 0.9 * 0.5 + 0.1;
        double expected = 1.0 - 0.1 * (0.5 + 0.9 * 0.5) - 0.1 * (0.1 + 0.9 * v2a);
        Assert.Equal(expected, p[0], 15);
    }

    [Fact]
    public void AdaGrad_DividesByTheRootOfTheSumOfSquares()
    {
        var p = Steps(new TrainingOptions { Optimizer = OptimizerKind.AdaGrad, Alpha = 0.1, Epsilon = 1e-10 }, G1, G2);
        double p1 = 1.0 - 0.1 * 0.5 / (Math.Sqrt(0.25) + 1e-10);
        double p2 = p1 - 0.1 * 0.1 / (Math.Sqrt(0.25 + 0.01) + 1e-10);
        Assert.Equal(p2, p[0], 15);
        // The first step is α·sign(g): AdaGrad's hallmark.
        var one = Steps(new TrainingOptions { Optimizer = OptimizerKind.AdaGrad, Alpha = 0.1 }, G1);
        Assert.Equal(-2.0 + 0.1, one[1], 9);
    }

    [Fact]
    public void Adam_FirstStep_ShowsBiasCorrection()
    {
        // t = 1: m = (1−β1)g, v = (1−β2)g²; m̂ = g, v̂ = g²; step = α·g/(|g| + ε) ≈ α·sign(g).
        // Without bias correction it would be α·(1−β1)/√(1−β2) ≈ 3.16α.
        var p = Steps(new TrainingOptions { Optimizer = OptimizerKind.Adam, Alpha = 0.01 }, G1);
        Assert.Equal(1.0 - 0.01 * 0.5 / (0.5 + 1e-8), p[0], 15);
        Assert.Equal(-2.0 + 0.01 * 0.25 / (0.25 + 1e-8), p[1], 15);
        Assert.InRange(Math.Abs(p[0] - 1.0), 0.0099, 0.0101);
    }

    [Fact]
    public void Adam_SecondStep_FollowsTheTextbook()
    {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, a = 0.01;
        double m1 = (1 - b1) * 0.5, v1 = (1 - b2) * 0.25;
        double p1 = 1.0 - a * (m1 / (1 - b1)) / (Math.Sqrt(v1 / (1 - b2)) + eps);
        double m2 = b1 * m1 + (1 - b1) * 0.1, v2 = b2 * v1 + (1 - b2) * 0.01;
        double p2 = p1 - a * (m2 / (1 - b1 * b1)) / (Math.Sqrt(v2 / (1 - b2 * b2)) + eps);
        Assert.Equal(p2, Steps(new TrainingOptions { Optimizer = OptimizerKind.Adam, Alpha = a }, G1, G2)[0], 15);
    }

    [Theory]
    [InlineData(OptimizerKind.GradientDescent)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.AdaGrad)]
    [InlineData(OptimizerKind.Adam)]
    public void EveryOptimizer_LearnsTheEvenTask_WithItsDefaultAlpha(OptimizerKind kind)
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Optimizer = kind });
        Assert.Equal(1.0, trained.History!.FinalAccuracy);
        Assert.Equal(kind.ToString(), trained.History.Optimizer);
        Assert.Equal(TrainingOptions.DefaultAlphaFor(kind), trained.History.Alpha);
        for (long n = 0; n < 256; n++) Assert.True(trained.Test(n).Correct, $"{kind}: {n} misclassified");
    }

    [Fact]
    public void Sgd_WithTheFullBatch_EqualsGradientDescent()
    {
        // Both take one step per epoch on the whole enumeration, so both run the same fused pass: held
        // to the reference trainer (scalar loops, its own order of additions) rather than to each other.
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 5 });
        var gd = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = 50 });
        var sgd = Trainer.Train(net, new TrainingOptions { Optimizer = OptimizerKind.Sgd, Alpha = 0.5, Epochs = 50, BatchSize = 32 });
        var reference = ReferenceTrainer.Train(net, 0.5, 50);
        for (int l = 0; l < gd.Weights.Count; l++)
        {
            var a = gd.Weights[l].AsSpan().ToArray();
            var b = sgd.Weights[l].AsSpan().ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.Equal(reference.Weights[l][i], a[i], 1e-12);
                Assert.Equal(reference.Weights[l][i], b[i], 1e-12);
            }
            for (int i = 0; i < gd.Biases[l].Length; i++) Assert.Equal(reference.Biases[l][i], sgd.Biases[l][i], 1e-12);
        }
        Assert.NotEqual(net.Weights[0][0, 0], sgd.Weights[0][0, 0]);
    }

    [Fact]
    public void MiniBatches_AreReshuffledFromTheSeed()
    {
        var net = ParityNetwork.Create(new NetworkSpec());
        TrainingOptions Options(long? seed) => new() { Optimizer = OptimizerKind.Adam, Epochs = 5, BatchSize = 16, Seed = seed };
        var a = Trainer.Train(net, Options(null));
        var b = Trainer.Train(net, Options(null));
        var c = Trainer.Train(net, Options(99));
        Assert.True(a.Weights[0].AsSpan().SequenceEqual(b.Weights[0].AsSpan()));
        Assert.False(a.Weights[0].AsSpan().SequenceEqual(c.Weights[0].AsSpan()));
        Assert.Equal(16, a.History!.BatchSize);
    }

    [Theory]
    [InlineData(OptimizerKind.GradientDescent, 8)]
    [InlineData(OptimizerKind.Sgd, 0)]
    [InlineData(OptimizerKind.Adam, 257)]
    public void BadBatchSizes_AreRejected(OptimizerKind kind, int batch) =>
        Assert.Equal(ErrorIds.InvalidBatchSize, Assert.Throws<ParityNetException>(() =>
            Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Optimizer = kind, BatchSize = batch })).ErrorId);

    [Theory]
    [InlineData(1.0, 0.9, 0.999)]
    [InlineData(-0.1, 0.9, 0.999)]
    [InlineData(0.9, 1.0, 0.999)]
    [InlineData(0.9, 0.9, double.NaN)]
    public void BadOptimizerSettings_AreRejected(double momentum, double beta1, double beta2) =>
        Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<ParityNetException>(() =>
            new TrainingOptions { Momentum = momentum, Beta1 = beta1, Beta2 = beta2 }.Validate()).ErrorId);
}
