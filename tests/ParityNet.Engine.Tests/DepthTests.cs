namespace ParityNet.Tests;

public class DepthTests
{
    [Theory]
    [InlineData(Initialization.Uniform, 1.0)]
    [InlineData(Initialization.Xavier, 0.4082482904638631)]   // √(6 / (16 + 20))
    [InlineData(Initialization.He, 0.6123724356957945)]       // √(6 / 16)
    public void Initializations_DrawWithinTheirLimits(Initialization init, double limit)
    {
        var w = ParityNetwork.Create(new NetworkSpec { Bits = 16, HiddenSizes = new[] { 20 }, Initialization = init }).Weights[0].AsSpan().ToArray();
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.True(w.Max(Math.Abs) > 0.95 * limit, "the range should be used, not a narrower one");
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.ReLU)]
    public void OtherActivations_LearnTheEvenTask(Activation activation)
    {
        var spec = new NetworkSpec { Activation = activation, Initialization = activation == Activation.ReLU ? Initialization.He : Initialization.Xavier };
        var trained = Trainer.Train(ParityNetwork.Create(spec), new TrainingOptions { Optimizer = OptimizerKind.Adam });
        Assert.Equal(1.0, trained.History!.FinalAccuracy);
    }

    [Fact]
    public void TwoHiddenLayers_LearnThreeBitParity()
    {
        var spec = new NetworkSpec { Bits = 3, HiddenSizes = new[] { 8, 4 }, Task = ParityTask.BitParity, Activation = Activation.Tanh, Initialization = Initialization.Xavier };
        var trained = Trainer.Train(ParityNetwork.Create(spec), new TrainingOptions { Optimizer = OptimizerKind.Adam, Alpha = 0.05, Loss = LossFunction.CrossEntropy, Epochs = 3000, TargetAccuracy = 1 });
        Assert.Equal(StopReason.TargetReached, trained.History!.StopReason);
        for (long n = 0; n < 8; n++) Assert.Equal(TaskLabels.Label(ParityTask.BitParity, n), trained.Test(n).Label);
    }

    [Fact]
    public void WideInputs_TrainOnSeededSamples_AndMeasureOnHeldOutNumbers()
    {
        var spec = new NetworkSpec { Bits = 40, HiddenSizes = new[] { 4 } };
        var options = new TrainingOptions { Optimizer = OptimizerKind.Adam, Alpha = 0.05, Epochs = 30, SampleSize = 1024 };
        var trained = Trainer.Train(ParityNetwork.Create(spec), options);
        Assert.True(trained.History!.Sampled);
        Assert.Equal(1.0, trained.History.FinalAccuracy);
        var rng = new SeededRandom(123);
        for (int i = 0; i < 1000; i++)
        {
            long n = rng.NextInt64(1L << 40);
            Assert.True(trained.Test(n).Correct, $"{n} misclassified");
        }
        Assert.True(trained.Test((1L << 40) - 1).Correct);
        Assert.Throws<ParityNetException>(() => trained.Test(1L << 40));

        var again = Trainer.Train(ParityNetwork.Create(spec), options);
        Assert.True(again.Weights[0].AsSpan().SequenceEqual(trained.Weights[0].AsSpan()), "sampling must be reproducible");
    }

    [Fact]
    public void SixtyTwoBits_IsTheWidest()
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 62 });
        Assert.Equal((1L << 62) - 1, net.MaxNumber);
        Assert.InRange(net.Predict(net.MaxNumber), 0, 1);
    }

    [Fact]
    public void Divergence_StopsWithTheLastFiniteWeights()
    {
        // The built-in losses have bounded gradients and sigmoid/tanh units saturate, so only a step
        // that itself overflows makes the loss non-finite (measured: alphas 1e6, 1e100 and 1e300 never
        // did for any activation and loss in 200 epochs; 1e307 with tanh and cross-entropy does).
        var spec = new NetworkSpec { Bits = 4, HiddenSizes = new[] { 4 }, Activation = Activation.Tanh, Task = ParityTask.BitParity };
        var net = ParityNetwork.Create(spec);
        var options = new TrainingOptions { Alpha = 1e307, Epochs = 200, Loss = LossFunction.CrossEntropy };
        var trained = Trainer.Train(net, options);

        Assert.Equal(StopReason.Diverged, trained.History!.StopReason);
        Assert.True(trained.History.EpochsRun < 200);
        Assert.All(trained.Weights, w => Assert.All(w.AsSpan().ToArray(), v => Assert.True(double.IsFinite(v))));
        Assert.True(double.IsFinite(trained.History.FinalLoss));

        // The weights returned are those of the last epoch whose loss was finite.
        var replay = trained.History.EpochsRun == 0 ? net : Trainer.Train(net, options with { Epochs = trained.History.EpochsRun });
        for (int l = 0; l < replay.Weights.Count; l++)
            Assert.True(replay.Weights[l].AsSpan().SequenceEqual(trained.Weights[l].AsSpan()));
    }
}
