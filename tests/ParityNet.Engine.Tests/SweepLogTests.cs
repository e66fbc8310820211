using System.Text;

namespace ParityNet.Engine.Tests;

/// <summary>Issue 21: the sweep's result file and summary, without PowerShell: one line a point, read back with
/// every line it cannot take named, and the summary as the parity table (docs/parity-table.md) counts it.</summary>
public class SweepLogTests
{
    private static SweepResult Result(long seed, int epochs, double accuracy, double loss = 0.01) =>
        new(new SweepPoint(1, new Dictionary<string, object> { ["Bits"] = 4, ["Seed"] = seed, ["Alpha"] = 0.5 }).Key,
            new Dictionary<string, string> { ["Bits"] = "4", ["Seed"] = seed.ToString(), ["Alpha"] = "0.5" },
            4, epochs, accuracy >= 1 ? StopReason.TargetReached : StopReason.EpochsDone, loss, accuracy,
            TimeSpan.FromMilliseconds(12.5), "local:1", 1, new DateTime(2026, 12, 4, 3, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void ALine_ReadsBackToTheSameResult_NaNIncluded()
    {
        var original = Result(7, 321, 0.75, double.NaN);
        var back = SweepLog.Parse(SweepLog.Format(original));
        Assert.Equal(original.Key, back.Key);
        Assert.Equal(original.Settings, back.Settings);
        Assert.Equal(original.EpochsRun, back.EpochsRun);
        Assert.Equal(original.StopReason, back.StopReason);
        Assert.True(double.IsNaN(back.FinalLoss));
        Assert.Equal(BitConverter.DoubleToInt64Bits(original.FinalAccuracy), BitConverter.DoubleToInt64Bits(back.FinalAccuracy));
        Assert.Equal(original.WallTime, back.WallTime);
        Assert.Equal(original.Finished, back.Finished);
        Assert.True(back.FromFile);
    }

    [Fact]
    public void TheKey_IsTheSameWhateverOrderTheSettingsCameIn()
    {
        var a = new SweepPoint(1, new Dictionary<string, object> { ["Seed"] = 3L, ["Bits"] = 8, ["Alpha"] = 0.1, ["HiddenSize"] = new[] { 16, 16 } });
        var b = new SweepPoint(2, new Dictionary<string, object> { ["HiddenSize"] = new[] { 16, 16 }, ["Alpha"] = 0.1, ["Bits"] = 8, ["Seed"] = 3L });
        Assert.Equal("Alpha=0.1;Bits=8;HiddenSize=16,16;Seed=3", a.Key);
        Assert.Equal(a.Key, b.Key);
    }

    [Fact]
    public void Reading_NamesATornLastLine_ACorruptLine_AndARepeat_AndKeepsOnlyCompleteLines()
    {
        string good1 = SweepLog.Format(Result(1, 10, 1)), good2 = SweepLog.Format(Result(2, 20, 1));
        string text = "\uFEFF" + good1 + "\n{\"key\": \"broken\n" + good1 + "\r\n" + good2 + "\n" + good2[..30];
        var read = SweepFileContents.Read(Encoding.UTF8.GetBytes(text));
        Assert.Equal(new[] { Result(1, 10, 1).Key, Result(2, 20, 1).Key }, read.Finished.Select(r => r.Key));
        Assert.Equal(new[] { 2, 3, 5 }, read.Problems.Select(p => p.Line));
        Assert.Contains("not a sweep result", read.Problems[0].Why);
        Assert.Contains("recorded before, on line 1", read.Problems[1].Why);
        Assert.Contains("no line end", read.Problems[2].Why);
        Assert.Equal(Encoding.UTF8.GetByteCount(text) - Encoding.UTF8.GetByteCount(good2[..30]), read.Keep);
        Assert.False(read.AddLineEnd);
    }

    [Fact]
    public void AWholeResultWithoutItsLineEnd_IsKept_AndAGiantLineIsNotDecodedWhole()
    {
        string good = SweepLog.Format(Result(1, 10, 1));
        var read = SweepFileContents.Read(Encoding.UTF8.GetBytes(good));
        Assert.Single(read.Finished);
        Assert.Contains("but it is a whole result", Assert.Single(read.Problems).Why);
        Assert.True(read.AddLineEnd, "the whole file is kept and a line end added");
        var giant = Encoding.UTF8.GetBytes(new string('x', SweepLog.MaxLineBytes * 4) + "\n" + good + "\n");
        var after = SweepFileContents.Read(giant);
        Assert.Single(after.Finished);
        Assert.Contains("far longer than a result", Assert.Single(after.Problems).Why);
        Assert.True(Assert.Single(after.Problems).Text.Length <= 201);
    }

    [Fact]
    public void ALineWhoseKeyDoesNotMatchItsSettings_IsNotTaken()
    {
        string line = SweepLog.Format(Result(1, 10, 1)).Replace("\"Seed\":\"1\"", "\"Seed\":\"2\"");
        Assert.Throws<FormatException>(() => SweepLog.Parse(line));
    }

    [Fact]
    public void TheSummary_CountsSolvedPoints_AndTheMedianAndRangeOfTheirEpochs()
    {
        var results = new[] { Result(1, 30, 1), Result(2, 10, 1), Result(3, 1000, 0.5), Result(4, 20, 1), Result(5, 40, 1) };
        var summary = Assert.Single(SweepSummary.Of(results));
        Assert.Equal(5, summary.Points);
        Assert.Equal(4, summary.Solved);
        Assert.Equal(0.8, summary.SolvedFraction);
        Assert.Equal(25, summary.MedianEpochs);
        Assert.Equal(10, summary.MinEpochs);
        Assert.Equal(40, summary.MaxEpochs);
        Assert.DoesNotContain("Seed", summary.Settings.Keys);
    }

    [Fact]
    public void TheSummary_OfRunsCheckedInSteps_GivesStepsToo_AndOnlyThen()
    {
        // With CheckEvery an epoch is that many steps: the summary says how many, and the median and range in steps.
        SweepResult Stepped(long seed, int epochs, double accuracy, string every) =>
            new(new SweepPoint(1, new Dictionary<string, object> { ["Bits"] = 50, ["Seed"] = seed, ["CheckEvery"] = every }).Key,
                new Dictionary<string, string> { ["Bits"] = "50", ["Seed"] = seed.ToString(), ["CheckEvery"] = every },
                50, epochs, accuracy >= 1 ? StopReason.TargetReached : StopReason.EpochsDone, 0.01, accuracy,
                TimeSpan.FromMilliseconds(12.5), "local:1", 1, new DateTime(2026, 12, 4, 3, 0, 0, DateTimeKind.Utc));
        var groups = SweepSummary.Of(new[]
        {
            Stepped(1, 24, 1, "100"), Stepped(2, 21, 1, "100"), Stepped(3, 2000, 0.5, "100"), Stepped(4, 29, 1, "100"),
            Stepped(1, 13, 1, "10"),
        });
        Assert.Equal(2, groups.Count);
        var hundred = groups[0];
        Assert.Equal(100, hundred.StepsPerEpoch);
        Assert.Equal(24, hundred.MedianEpochs);
        Assert.Equal(2400, hundred.MedianSteps);
        Assert.Equal(2100, hundred.MinSteps);
        Assert.Equal(2900, hundred.MaxSteps);
        Assert.Equal(130, groups[1].MedianSteps);

        var plain = Assert.Single(SweepSummary.Of(new[] { Result(1, 30, 1) }));
        Assert.Null(plain.StepsPerEpoch);
        Assert.Null(plain.MedianSteps);
        Assert.Null(plain.MinSteps);
        Assert.Null(plain.MaxSteps);
        var none = Assert.Single(SweepSummary.Of(new[] { Stepped(1, 2000, 0.5, "100") }));
        Assert.Equal(100, none.StepsPerEpoch);
        Assert.Null(none.MedianSteps); // none solved
    }
}
