namespace ParityNet.Commands.Tests;

/// <summary>The sweep's scheduler on its own, with no cmdlet around it (issue 27: the sweep as a service): real local
/// runspaces that import this test's own copy of the module's assembly, points given as the cmdlet would give them,
/// and the events it yields read as the cmdlet reads them.</summary>
public sealed class SweepRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sweeprunner-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The module a runspace imports: the cmdlet assembly this test already loaded (Import-Module takes a .dll).
    private static readonly string s_module = typeof(SweepRunner).Assembly.Location;

    private static List<SweepPoint> Points(int count, int epochs) => Enumerable.Range(1, count)
        .Select(i => SweepSettings.Point(i, new Dictionary<string, object?> { ["Bits"] = 4, ["HiddenSize"] = 6, ["Seed"] = i, ["Epochs"] = epochs }, s => "-" + s))
        .ToList();

    private static SweepRunner Runner(int workers, bool keepNetwork = true) =>
        new(Enumerable.Range(1, workers).Select(n => (SweepWorker)new LocalSweepWorker(n, s_module)).ToList(), new SweepRunOptions(3, keepNetwork));

    private static double[] AllWeights(ParityNetwork network) =>
        network.Weights.SelectMany(w => w.AsSpan().ToArray()).Concat(network.Biases.SelectMany(b => b)).ToArray();

    [Fact]
    public void EveryPoint_IsReportedOnce_AfterItIsOnDisk_AndWhereItRanDoesNotChangeItsNetwork()
    {
        var points = Points(6, 300);
        string file = Path.Combine(_folder, "sweep.jsonl");
        var onTwo = new List<SweepResult>();
        using (var log = SweepLog.Open(file))
        using (var runner = Runner(2))
        {
            foreach (var e in runner.Run(points, points.Count, log, CancellationToken.None))
            {
                Assert.IsNotType<SweepEvent.Error>(e);
                if (e is not SweepEvent.Result r) continue;
                // Recorded before it is reported: the file, read as another reader would, already holds it.
                Assert.Contains(r.Value.Key, SweepLog.ReadFile(file).Finished.Select(f => f.Key));
                onTwo.Add(r.Value);
            }
        }
        Assert.Equal(points.Select(p => p.Key).Order(), onTwo.Select(r => r.Key).Order());
        Assert.Equal(6, SweepLog.ReadFile(file).Finished.Count);

        // The same points on one worker, with no file: the same networks, bit for bit.
        using var alone = Runner(1);
        var onOne = alone.Run(points, points.Count, null, CancellationToken.None).OfType<SweepEvent.Result>().Select(r => r.Value).ToDictionary(r => r.Key);
        Assert.Equal(6, onOne.Count);
        foreach (var result in onTwo)
        {
            Assert.Equal("local:1", onOne[result.Key].Worker);
            Assert.Equal(AllWeights(onOne[result.Key].Network!), AllWeights(result.Network!));
            Assert.Equal(onOne[result.Key].EpochsRun, result.EpochsRun);
        }
    }

    [Fact]
    public void ACancelledRun_Throws_AndTheFileHoldsEveryReportedPoint_AndNotTheRest()
    {
        var points = Points(40, 3000);
        string file = Path.Combine(_folder, "stopped.jsonl");
        var reported = new List<string>();
        using var cancel = new CancellationTokenSource();
        using (var log = SweepLog.Open(file))
        using (var runner = Runner(2, keepNetwork: false))
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var e in runner.Run(points, points.Count, log, cancel.Token))
                    if (e is SweepEvent.Result r && reported.Count < 2)
                    {
                        reported.Add(r.Value.Key);
                        if (reported.Count == 2) cancel.Cancel();
                    }
            });
        }
        var recorded = SweepLog.ReadFile(file).Finished.Select(f => f.Key).ToList();
        Assert.Equal(2, reported.Count);
        Assert.Subset(recorded.ToHashSet(), reported.ToHashSet());
        Assert.True(recorded.Count < points.Count, $"the run stopped early, yet the file holds {recorded.Count} of {points.Count} points");
        Assert.Equal(recorded.Count, recorded.Distinct().Count());
    }

    [Fact]
    public async Task APointGivenTwice_RunsOnce_AndTheRunEnds()
    {
        var points = Points(3, 100);
        var twice = points.Concat(points).ToList();
        using var runner = Runner(2, keepNetwork: false);
        var run = Task.Run(() => runner.Run(twice, twice.Count, null, CancellationToken.None).OfType<SweepEvent.Result>().Select(r => r.Value.Key).ToList());
        // A hang fails the test (a repeated point waited for forever) instead of stalling the run.
        var keys = await run.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(points.Select(p => p.Key).Order(), keys.Order());
    }
}
