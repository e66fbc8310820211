using System.Diagnostics;

namespace ParityNet.Tests;

public class ProgressThrottleTests
{
    private static readonly long Quarter = Stopwatch.Frequency / 4; // the default report interval, 250 ms

    [Fact]
    public void FastEpochs_ReadTheClockRarely()
    {
        var throttle = new ProgressThrottle(Quarter);
        for (int i = 0; i < 1_000_000; i++) throttle.Due();
        Assert.InRange(throttle.Reads, 1, 1000);
    }

    [Fact]
    public void SlowEpochs_ReadTheClockAfterEachOne()
    {
        // Epochs 2 ms apart, beyond the 1 ms gap: the stride stays at one epoch.
        var throttle = new ProgressThrottle(Quarter);
        for (int i = 0; i < 20; i++)
        {
            Thread.Sleep(2);
            throttle.Due();
        }
        Assert.Equal(20, throttle.Reads);
    }

    [Fact]
    public void NoInterval_NeverReportsNorReads()
    {
        var throttle = new ProgressThrottle(0);
        for (int i = 0; i < 1000; i++) Assert.False(throttle.Due());
        Assert.Equal(0, throttle.Reads);
    }

    [Fact]
    public void FastEpochs_StillReportAboutOncePerInterval()
    {
        // 300 ms of calls a few nanoseconds apart with a 20 ms interval: about 15 reports, none early.
        long interval = Stopwatch.Frequency / 50;
        long last = Stopwatch.GetTimestamp(); // taken before the throttle's own reading, so never after it
        var throttle = new ProgressThrottle(interval);
        var clock = Stopwatch.StartNew();
        int reports = 0;
        while (clock.ElapsedMilliseconds < 300)
        {
            if (!throttle.Due()) continue;
            long now = Stopwatch.GetTimestamp();
            Assert.True(now - last >= interval, "a report came before its interval");
            reports++;
            last = Stopwatch.GetTimestamp();
            throttle.Reported();
        }
        Assert.InRange(reports, 5, 15);
    }

    [Fact]
    public void Progress_LeavesTheWeightsBitIdentical()
    {
        // The lesson's case a with and without a progress sink: the same weights to the bit.
        var spec = new NetworkSpec { Bits = 4, HiddenSizes = new[] { 4 }, HasBias = false, Seed = 1 };
        var options = new TrainingOptions { Alpha = 1, Epochs = 20_000, ReportInterval = TimeSpan.FromMilliseconds(1) };
        int reports = 0;
        var watched = Trainer.Train(ParityNetwork.Create(spec), options, new SyncProgress(_ => reports++));
        var plain = Trainer.Train(ParityNetwork.Create(spec), options);
        for (int l = 0; l < plain.Weights.Count; l++)
            Assert.True(plain.Weights[l].AsSpan().SequenceEqual(watched.Weights[l].AsSpan()));
        Assert.Equal(plain.History!.FinalLoss, watched.History!.FinalLoss);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
