using System.Text;

namespace ParityNet.Engine.Tests;

/// <summary>Issue 26: the result file has one owner under an OS lock, appends where the file ends, hears Stop while it
/// is read, refuses an oversized file by its size, takes no result out of range, and says its problems escaped, a
/// few in full and the rest counted. The cross-process half is in tests/pester/SweepFile.Tests.ps1.</summary>
public sealed class SweepFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sweepfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static SweepResult Result(long seed, int epochs = 10, double accuracy = 1) =>
        new(new SweepPoint(1, new Dictionary<string, object> { ["Bits"] = 4, ["Seed"] = seed }).Key,
            new Dictionary<string, string> { ["Bits"] = "4", ["Seed"] = seed.ToString() },
            4, epochs, StopReason.EpochsDone, 0.01, accuracy, TimeSpan.FromMilliseconds(5), "local:1", 1, new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc));

    private static string Line(long seed) => SweepLog.Format(Result(seed));

    private static string ErrorId(Action action) => Assert.Throws<ParityNetException>(action).ErrorId;

    [Fact]
    public void ASecondOwner_IsRefusedByName_WhileReadersStillRead_AndTheFileIsNotTouched()
    {
        string file = PathOf("held.jsonl");
        File.WriteAllText(file, Line(1) + "\n");
        using (var log = SweepLog.Open(file))
        {
            // Another process's half-written line: a second sweep must neither cut it off nor take the file.
            File.AppendAllText(file, Line(2)[..40]);
            byte[] before = File.ReadAllBytes(file);
            var refused = Assert.Throws<ParityNetException>(() => SweepLog.Open(file));
            Assert.Equal(ErrorIds.SweepResultFileInUse, refused.ErrorId);
            Assert.Contains("in use by another sweep", refused.Message);
            Assert.Contains("Wait for that sweep to finish", refused.Message);
            Assert.Contains("another ResultPath", refused.Message);
            Assert.Equal(before, File.ReadAllBytes(file));
            // Reading and closing other handles in this process keeps the lock (a classic POSIX lock would be gone now).
            Assert.Single(SweepLog.ReadFile(file).Finished);
            Assert.Equal(ErrorIds.SweepResultFileInUse, ErrorId(() => SweepLog.Open(file)));
            Assert.Single(log.Finished);
        }
        using var again = SweepLog.Open(file);
        Assert.Single(again.Finished);
        Assert.Equal((Line(1) + "\n").Length, new FileInfo(file).Length); // the torn tail is repaired, by the owner
    }

    [Fact]
    public void Appends_LandWhereTheFileEndsNow_NeverOverAnotherWritersBytes()
    {
        string file = PathOf("append.jsonl");
        using (var log = SweepLog.Open(file))
        {
            log.Append(Result(1));
            File.AppendAllText(file, Line(2) + "\n"); // a writer that ignores the advisory lock
            log.Append(Result(3));
        }
        var lines = File.ReadAllLines(file);
        Assert.Equal(new[] { Line(1), Line(2), Line(3) }, lines);
    }

    [Fact]
    public void Reading_StopsWhenCancelled_WithinAFewThousandLines_NotAtTheEnd()
    {
        var bytes = Encoding.UTF8.GetBytes(Line(1) + "\n" + string.Concat(Enumerable.Repeat("xx\n", 2_000_000)));
        using var cancel = new CancellationTokenSource();
        var stream = new CancelAfter(bytes, 1 << 20, cancel);
        Assert.Throws<OperationCanceledException>(() => SweepFileContents.Read(stream, "big.jsonl", "Path", cancel.Token));
        Assert.True(stream.Position < 3 << 20, $"read {stream.Position} of {bytes.Length} bytes after the cancel");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        File.WriteAllBytes(PathOf("big.jsonl"), bytes);
        Assert.Throws<OperationCanceledException>(() => SweepLog.ReadFile(PathOf("big.jsonl"), cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => SweepLog.Open(PathOf("big.jsonl"), cancelled.Token));
        using var log = SweepLog.Open(PathOf("big.jsonl")); // Stop released the lock
        Assert.Equal(2_000_000, log.Contents.ProblemCount);
    }

    [Fact]
    public void AFileLargerThanAnySweepWrites_IsRefusedByItsSize_Unread_WithTheSweepsOwnError()
    {
        string file = PathOf("huge.jsonl");
        using (var s = new FileStream(file, FileMode.Create)) s.SetLength(SweepLog.MaxFileBytes + 1); // sparse: no disk used
        var read = Assert.Throws<ParityNetException>(() => SweepLog.ReadFile(file));
        Assert.Equal(ErrorIds.SweepResultFileTooLarge, read.ErrorId);
        Assert.Contains("-Path", read.Worded(s => "-" + s));
        var open = Assert.Throws<ParityNetException>(() => SweepLog.Open(file));
        Assert.Equal(ErrorIds.SweepResultFileTooLarge, open.ErrorId);
        Assert.Contains("ResultPath", open.Message);
        Assert.Equal(SweepLog.MaxFileBytes + 1, new FileInfo(file).Length);
        var unreadable = new CancelAfter(Array.Empty<byte>(), 0, null) { ClaimedLength = SweepLog.MaxFileBytes + 1 };
        Assert.Equal(ErrorIds.SweepResultFileTooLarge, Assert.Throws<ParityNetException>(() => SweepFileContents.Read(unreadable, "x", "Path", default)).ErrorId);
        Assert.Equal(0, unreadable.Reads);
    }

    [Theory]
    [InlineData("\"finalAccuracy\":1", "\"finalAccuracy\":7", "FinalAccuracy 7 is outside 0 to 1")]
    [InlineData("\"finalAccuracy\":1", "\"finalAccuracy\":\"Infinity\"", "FinalAccuracy Infinity is outside 0 to 1")]
    [InlineData("\"finalAccuracy\":1", "\"finalAccuracy\":\"NaN\"", "FinalAccuracy NaN is outside 0 to 1")]
    [InlineData("\"epochsRun\":10", "\"epochsRun\":-5", "EpochsRun -5 is negative")]
    [InlineData("\"epochsRun\":10", "\"epochsRun\":4.5", "EpochsRun 4.5 is not a whole number")]
    [InlineData("\"epochsRun\":10", "\"epochsRun\":1e300", "EpochsRun 1E+300 is not a whole number")]
    [InlineData("\"stopReason\":\"EpochsDone\"", "\"stopReason\":\"Exploded\"", "StopReason 'Exploded' is not one of")]
    [InlineData("\"stopReason\":\"EpochsDone\"", "\"stopReason\":\"7\"", "StopReason '7' is not one of")]
    [InlineData("\"finalLoss\":0.01", "\"finalLoss\":-1", "FinalLoss -1 is negative")]
    [InlineData("\"wallTimeMs\":5", "\"wallTimeMs\":1e300", "WallTime 1E+300 ms is outside 0 to ten years")]
    [InlineData("\"wallTimeMs\":5", "\"wallTimeMs\":-1", "WallTime -1 ms is outside")]
    [InlineData("\"attempts\":1", "\"attempts\":0", "Attempts 0 is less than 1")]
    [InlineData("\"bits\":4", "\"bits\":5", "Bits 5 is not the point's own Bits, 4")]
    [InlineData("\"worker\":\"local:1\"", "\"worker\":\"local\\u001B[2J\"", "Worker holds a control character")]
    public void AResultOutOfRange_IsNamed_NotTaken_AndItsPointIsKnown(string field, string replacement, string why)
    {
        string line = Line(1);
        Assert.Contains(field, line);
        var read = SweepFileContents.Read(Encoding.UTF8.GetBytes(line.Replace(field, replacement) + "\n" + Line(2) + "\n"));
        Assert.Equal(Result(2).Key, Assert.Single(read.Finished).Key);
        var problem = Assert.Single(read.Problems);
        Assert.Equal(SweepLogProblemKind.OutOfRange, problem.Kind);
        Assert.Contains(why, problem.Why);
        Assert.Equal(Result(1).Key, problem.Key);
        Assert.Throws<FormatException>(() => SweepLog.Parse(line.Replace(field, replacement)));
    }

    [Fact]
    public void AFailedPoint_AsASweepRecordsIt_IsInRange_AndNotSolved()
    {
        var failed = new SweepResult(Result(1).Key, Result(1).Settings, 4, 0, StopReason.Cancelled, double.NaN, 0, TimeSpan.Zero, "local:1", 3, DateTime.UtcNow);
        var back = Assert.Single(SweepFileContents.Read(Encoding.UTF8.GetBytes(SweepLog.Format(failed) + "\n")).Finished);
        Assert.False(back.Solved);
        Assert.Throws<ArgumentException>(() => new SweepResult(Result(1).Key, Result(1).Settings, 4, 10, StopReason.EpochsDone, 0, 1e308, TimeSpan.Zero, "", 1, DateTime.UtcNow));
    }

    [Fact]
    public void APointRecordedFailed_ThenRetried_IsTheRetrysResult_AndAFailureAfterASuccessDoesNotReplaceIt()
    {
        var point = new SweepPoint(1, new Dictionary<string, object> { ["Bits"] = 4, ["Seed"] = 1L });
        var failed = SweepResult.Failed(point, 4, "ssh:frozen", 3, "ParityNet.SweepPointAbandoned: lost 3 workers");
        Assert.True(failed.IsFailed);
        var failedBack = SweepLog.Parse(SweepLog.Format(failed));
        Assert.Equal(failed.Failure, failedBack.Failure);
        // failed, then the -RetryFailed run's result: the result counts, and no line is reported.
        var retried = SweepFileContents.Read(Encoding.UTF8.GetBytes(SweepLog.Format(failed) + "\n" + Line(1) + "\n"));
        var kept = Assert.Single(retried.Finished);
        Assert.False(kept.IsFailed);
        Assert.Empty(retried.Problems);
        // a result, then a failure of the same point: the earlier result counts, the failure is a repeat.
        var repeat = SweepFileContents.Read(Encoding.UTF8.GetBytes(Line(1) + "\n" + SweepLog.Format(failed) + "\n"));
        Assert.False(Assert.Single(repeat.Finished).IsFailed);
        Assert.Equal(SweepLogProblemKind.Repeated, Assert.Single(repeat.Problems).Kind);
    }

    [Fact]
    public void ARetryAbandonedAgain_ReplacesTheEarlierFailure_Silently_AndAFailureIsPrintable()
    {
        var point = new SweepPoint(1, new Dictionary<string, object> { ["Bits"] = 4, ["Seed"] = 1L });
        var first = SweepResult.Failed(point, 4, "ssh:a", 3, "ParityNet.SweepPointAbandoned: first");
        var second = SweepResult.Failed(point, 4, "ssh:b", 3, "ParityNet.SweepPointAbandoned: second\r\u001b[31m");
        Assert.DoesNotContain('\u001b', second.Failure!);
        Assert.DoesNotContain('\r', second.Failure!);
        var read = SweepFileContents.Read(Encoding.UTF8.GetBytes(SweepLog.Format(first) + "\n" + SweepLog.Format(second) + "\n"));
        Assert.StartsWith("ParityNet.SweepPointAbandoned: second", Assert.Single(read.Finished).Failure);
        Assert.Empty(read.Problems);
    }

    [Fact]
    public void AFileWhoseFirstResultWasTornByACrash_IsRepaired_NotRefusedAsAnotherKindOfFile()
    {
        string file = PathOf("torn-first.jsonl");
        File.WriteAllText(file, Line(1)[..50]); // the crash came while the very first result was written
        using (var log = SweepLog.Open(file))
        {
            Assert.Empty(log.Finished);
            log.Append(Result(2));
        }
        Assert.Equal(Result(2).Key, SweepLog.Parse(Assert.Single(File.ReadAllLines(file))).Key);
        // A one-line file of something else without a line end is still refused, and left as it was.
        string csv = PathOf("points.csv");
        File.WriteAllText(csv, "Bits,Seed");
        Assert.Equal(ErrorIds.SweepResultLine, ErrorId(() => SweepLog.Open(csv)));
        Assert.Equal("Bits,Seed", File.ReadAllText(csv));
    }

    [Fact]
    public void TheSummary_SurvivesEpochsNear2To31_AndWallTimesWhoseSumOverflows()
    {
        var settings = new Dictionary<string, string> { ["Bits"] = "4" };
        SweepResult R(int seed, int epochs, TimeSpan wall) =>
            new($"Bits=4;Seed={seed}", new Dictionary<string, string>(settings) { ["Seed"] = seed.ToString() }, 4, epochs, StopReason.TargetReached, 0, 1, wall, "", 1, DateTime.UtcNow);
        var summary = Assert.Single(SweepSummary.Of(new[] { R(1, int.MaxValue - 1, TimeSpan.Zero), R(2, int.MaxValue, TimeSpan.Zero) }));
        Assert.Equal(int.MaxValue - 0.5, summary.MedianEpochs);
        var long_ = Assert.Single(SweepSummary.Of(Enumerable.Range(1, 5000).Select(i => R(i, 1, SweepResult.MaxWallTime))));
        Assert.Equal(TimeSpan.MaxValue, long_.WallTime);
    }

    [Fact]
    public void Warnings_AreEscaped_AFewInFull_ThenACount_AndSayRunAgainOnlyForAPointThatRuns()
    {
        string hostile = "{\"key\": \"\u001B[2J\u0007\u202Eevil\"}";
        string outOfRange = Line(5).Replace("\"finalAccuracy\":1", "\"finalAccuracy\":7");
        string heldElsewhere = Line(6).Replace("\"epochsRun\":10", "\"epochsRun\":-1");
        string text = Line(1) + "\n" + hostile + "\n" + outOfRange + "\n" + heldElsewhere + "\n" + Line(6) + "\n" + string.Concat(Enumerable.Repeat("xx\n", 10_000));
        var read = SweepFileContents.Read(Encoding.UTF8.GetBytes(text));
        Assert.Equal(10_003, read.ProblemCount);
        Assert.Equal(SweepFileContents.ProblemsKept, read.Problems.Count);

        var measured = read.Warnings("r.jsonl").ToList();
        Assert.Equal(SweepFileContents.ProblemsKept + 1, measured.Count);
        Assert.All(measured, w => Assert.DoesNotContain(w, c => char.IsControl(c) || c == '\u202E'));
        Assert.Contains("\\u001B[2J\\u0007\\u202Eevil", measured[0]);
        Assert.All(measured, w => Assert.DoesNotContain("run again", w));
        Assert.Contains("'r.jsonl': 9993 more lines could not be taken (9993 not sweep results)", measured[^1]);

        var swept = read.Warnings("r.jsonl", key => key != Result(6).Key).ToList();
        Assert.Contains("FinalAccuracy 7 is outside 0 to 1: no sweep gives that. It stays in the file and is skipped, and its point is run again", swept[1]);
        Assert.Contains("EpochsRun -1 is negative: no sweep gives that. It stays in the file and is skipped; its point is held on line 5", swept[2]);
        Assert.DoesNotContain("run again", swept[2]);
        Assert.DoesNotContain("run again", swept[0]);
    }

    [Fact]
    public void Printable_EscapesControlAndInvisibleFormatCharacters_AndLeavesOtherTextAlone()
    {
        Assert.Equal("a\\u001Bb\\u0007c\\u202Ed\\u200Be\\u2028f", ParityNetException.Printable("a\u001Bb\u0007c\u202Ed\u200Be\u2028f"));
        const string plain = "Bits 5 … ⟦Alpha⟧ – ∞ é 中";
        Assert.Same(plain, ParityNetException.Printable(plain));
    }

    /// <summary>A stream over bytes that cancels a token once <c>after</c> bytes are read, and can claim a length.</summary>
    private sealed class CancelAfter(byte[] bytes, int after, CancellationTokenSource? cancel) : MemoryStream(bytes, writable: false)
    {
        public long? ClaimedLength { get; init; }
        public int Reads { get; private set; }
        public override long Length => ClaimedLength ?? base.Length;

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            int read = base.Read(buffer, offset, count);
            if (Position >= after) cancel?.Cancel();
            return read;
        }
    }
}
