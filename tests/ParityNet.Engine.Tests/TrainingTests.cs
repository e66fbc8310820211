namespace ParityNet.Tests;

public class TrainingTests
{
    private static readonly NetworkSpec Lesson2x2 = new() { Bits = 2, HiddenSizes = new[] { 2 }, HasBias = false, Seed = 0 };

    [Fact]
    public void OneStep_EqualsTheHandComputedLessonUpdate()
    {
        // 2 inputs → 2 hidden → 1, no bias, data 0..3 with the Even labels 1,0,1,0, alpha 0.5.
        // Expected values computed scalar by scalar (Python, double precision) from
        // delta = (y − p)·p(1−p)/n, hidden delta = delta·W1ᵀ·h(1−h), W += alpha·inputᵀ·delta.
        var net = ParityNetwork.FromWeights(Lesson2x2,
            new[] { new[] { 0.5, -0.25, 0.75, 0.125 }, new[] { 1.0, -0.5 } }, null);
        var trained = Trainer.Train(net, new TrainingOptions { Alpha = 0.5, Epochs = 1 });

        double[] w0 = trained.Weights[0].AsSpan().ToArray(), w1 = trained.Weights[1].AsSpan().ToArray();
        double[] expected0 = { 0.49964313944863875, -0.2491908341227371, 0.7428903864037797, 0.12953305400757043 };
        double[] expected1 = { 0.987686588184001, -0.5061951085749042 };
        for (int i = 0; i < 4; i++) Assert.Equal(expected0[i], w0[i], 14);
        for (int i = 0; i < 2; i++) Assert.Equal(expected1[i], w1[i], 14);
        Assert.Equal(0.2786089900923562, trained.History!.Loss[0], 14);
        Assert.Equal(1, trained.History.EpochsRun);
    }

    [Fact]
    public void SameSeed_GivesBitIdenticalWeights_DifferentSeed_DifferentOnes()
    {
        var a = ParityNetwork.Create(new NetworkSpec { Seed = 5 });
        var b = ParityNetwork.Create(new NetworkSpec { Seed = 5 });
        var c = ParityNetwork.Create(new NetworkSpec { Seed = 6 });
        Assert.True(a.Weights[0].AsSpan().SequenceEqual(b.Weights[0].AsSpan()));
        Assert.False(a.Weights[0].AsSpan().SequenceEqual(c.Weights[0].AsSpan()));

        var ta = Trainer.Train(a, new TrainingOptions { Epochs = 200 });
        var tb = Trainer.Train(b, new TrainingOptions { Epochs = 200 });
        for (int l = 0; l < ta.Weights.Count; l++)
        {
            Assert.True(ta.Weights[l].AsSpan().SequenceEqual(tb.Weights[l].AsSpan()), $"layer {l} weights differ");
            Assert.Equal(ta.Biases[l], tb.Biases[l]);
        }
    }

    [Fact]
    public void InitialWeights_AreUniformInMinusOneToOne_AndBiasesZero()
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 12, HiddenSizes = new[] { 64 } });
        var w = net.Weights[0].AsSpan().ToArray();
        Assert.All(w, v => Assert.InRange(v, -1.0, Math.BitDecrement(1.0)));
        Assert.InRange(w.Average(), -0.05, 0.05);
        Assert.All(net.Biases, b => Assert.All(b, v => Assert.Equal(0.0, v)));
        Assert.All(ParityNetwork.Create(new NetworkSpec { HasBias = false }).Biases, b => Assert.Empty(b));
    }

    [Fact]
    public void Training_LeavesTheInputNetworkUnchanged()
    {
        var net = ParityNetwork.Create(new NetworkSpec());
        var before = net.Weights.Select(w => w.AsSpan().ToArray()).ToArray();
        var trained = Trainer.Train(net, new TrainingOptions { Epochs = 50 });
        Assert.NotSame(net, trained);
        Assert.Null(net.History);
        for (int l = 0; l < before.Length; l++)
        {
            Assert.Equal(before[l], net.Weights[l].AsSpan().ToArray());
            Assert.NotEqual(before[l], trained.Weights[l].AsSpan().ToArray());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Defaults_LearnTheEvenTask(bool bias)
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec { HasBias = bias }), new TrainingOptions());
        Assert.Equal(1.0, trained.History!.FinalAccuracy);
        for (long n = 0; n <= trained.MaxNumber; n++) Assert.True(trained.Test(n).Correct, $"{n} misclassified");
        Assert.Equal(StopReason.EpochsDone, trained.History.StopReason);
        Assert.Equal(TrainingOptions.DefaultEpochs, trained.History.EpochsRun);
    }

    [Fact]
    public void History_RecordsLossFallingAndTheFinalWeightsScore()
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Epochs = 300 });
        var h = trained.History!;
        Assert.Equal(301, h.Loss.Count);
        Assert.Equal(Enumerable.Range(0, 301), h.RecordedEpochs);
        Assert.True(h.Loss[^1] < h.Loss[0] / 2, $"loss {h.Loss[0]} -> {h.Loss[^1]}");
        Assert.Equal(h.Loss[^1], h.FinalLoss);
        Assert.Equal("GradientDescent", h.Optimizer);
        Assert.Equal(0.5, h.Alpha);

        // The final loss is that of the returned weights.
        var p = new double[256];
        trained.Predict(Enumerable.Range(0, 256).Select(i => (long)i).ToArray(), p);
        double mse = Enumerable.Range(0, 256).Sum(i => Math.Pow(TaskLabels.Label(ParityTask.Even, i) - p[i], 2)) / 256;
        Assert.Equal(mse, h.FinalLoss, 12);
    }

    [Fact]
    public void LongRuns_RecordAtMostTenThousandPoints()
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 2, HiddenSizes = new[] { 2 } }), new TrainingOptions { Epochs = 25_000 });
        Assert.InRange(trained.History!.Loss.Count, 5_000, 10_001);
        Assert.Equal(25_000, trained.History.RecordedEpochs[^1]);
    }

    [Fact]
    public void TargetAccuracy_StopsEarly_WithWeightsThatReachIt()
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Epochs = 100_000, TargetAccuracy = 1.0 });
        Assert.Equal(StopReason.TargetReached, trained.History!.StopReason);
        Assert.True(trained.History.EpochsRun < 100_000);
        Assert.Equal(1.0, trained.History.FinalAccuracy);
        for (long n = 0; n <= trained.MaxNumber; n++) Assert.True(trained.Test(n).Correct);
    }

    [Fact]
    public void TargetLoss_StopsEarly()
    {
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Epochs = 100_000, TargetLoss = 0.01 });
        Assert.Equal(StopReason.TargetReached, trained.History!.StopReason);
        Assert.True(trained.History.FinalLoss <= 0.01);
    }

    [Fact]
    public void Cancelling_KeepsTheLastFinishedEpoch_Consistently()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Epoch >= 3) cts.Cancel(); });
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec()),
            new TrainingOptions { Epochs = 1_000_000, ReportInterval = TimeSpan.FromTicks(1) }, progress, cts.Token);
        var h = trained.History!;
        Assert.Equal(StopReason.Cancelled, h.StopReason);
        Assert.Equal(3, h.EpochsRun);

        // Its weights are those of 3 plain epochs, and its final loss is theirs.
        var again = Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Epochs = 3 });
        for (int l = 0; l < again.Weights.Count; l++)
            Assert.True(again.Weights[l].AsSpan().SequenceEqual(trained.Weights[l].AsSpan()));
        Assert.Equal(again.History!.FinalLoss, h.FinalLoss);
    }

    [Fact]
    public void Progress_IsThrottled()
    {
        // Reports at most one per interval, and some: a run of about 40 intervals (2 ms each) reports
        // at least once and never more often than the interval allows, far fewer than its epochs.
        int reports = 0;
        var interval = TimeSpan.FromMilliseconds(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trained = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 8 }), new TrainingOptions { Epochs = 20_000, ReportInterval = interval },
            new SyncProgress(_ => { reports++; Thread.Sleep(1); }));
        double intervals = clock.Elapsed / interval;
        Assert.True(intervals > 10, $"the run took {clock.Elapsed.TotalMilliseconds} ms, too short to judge the throttle");
        Assert.InRange(reports, 1, (int)intervals + 1);
        Assert.True(reports < trained.History!.EpochsRun / 10, $"{reports} reports for {trained.History!.EpochsRun} epochs");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadAlpha_IsRejectedBeforeAnyWork(double alpha)
    {
        var ex = Assert.Throws<ParityNetException>(() => Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Alpha = alpha }));
        Assert.Equal(ErrorIds.InvalidAlpha, ex.ErrorId);
        Assert.Contains(alpha.ToString(System.Globalization.CultureInfo.CurrentCulture), ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void BadEpochs_AreRejected(int epochs) =>
        Assert.Equal(ErrorIds.InvalidEpochs, Assert.Throws<ParityNetException>(() =>
            Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Epochs = epochs })).ErrorId);

    [Theory]
    [InlineData(0.0, null)]
    [InlineData(1.5, null)]
    [InlineData(null, -0.1)]
    [InlineData(null, double.NaN)]
    public void BadTargets_AreRejected(double? accuracy, double? loss) =>
        Assert.Equal(ErrorIds.InvalidTarget, Assert.Throws<ParityNetException>(() =>
            new TrainingOptions { TargetAccuracy = accuracy, TargetLoss = loss }.Validate()).ErrorId);

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
