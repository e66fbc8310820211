using System.Runtime.Intrinsics;

namespace ParityNet.Tests;

/// <summary>Runs alone: <see cref="SecondThread"/>'s switch and its count of runs are process-wide.</summary>
[CollectionDefinition(nameof(SecondThreadTests), DisableParallelization = true)]
public class SecondThreadCollection { }

/// <summary>
/// The second core: a training run's steps split between two threads by blocks of units (<see cref="SecondThread.Share"/>)
/// keep every bit, the helper really takes parts when the switch is on and none when it is off, every part runs once, and a
/// part's exception reaches the caller.
/// </summary>
[Collection(nameof(SecondThreadTests))]
public class SecondThreadTests
{
    [TwoCoresVector512Theory]
    [InlineData("barak-50-signed")]
    [InlineData("barak-100-wide-decay")]
    [InlineData("small-batch-50-1000")]
    public void SharedSteps_KeepThePinnedBits_AndTheSwitchSwitches(string name)
    {
        string pinned = PinnedBitsTests.Runs.Single(r => (string)r[0] == name)[1].ToString()!;
        try
        {
            // On: the run offers its steps to a helper, keeping the bits. Whether the helper then takes a part is the scheduler's
            // call (on a machine whose cores other work fills, a 40 ms run may end before the helper runs at all), so the same
            // run is repeated, bits checked each time, until it has, within a bound far past a busy machine's time slices.
            SecondThread.Enabled = true;
            long jobs = SecondThread.AllSharedJobs, parts = SecondThread.AllHelperParts;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int runs = 0;
            do
            {
                Assert.Equal(pinned, PinnedBitsTests.Hash(PinnedBitsTests.Train(name)));
                runs++;
                Assert.True(SecondThread.AllSharedJobs > jobs, $"{name}: with the switch on, the run offered no step to a helper.");
            } while (SecondThread.AllHelperParts == parts && runs < 200 && clock.Elapsed < TimeSpan.FromSeconds(60));
            Assert.True(SecondThread.AllHelperParts > parts,
                $"{name}: the helper took no part of any step in {runs} runs ({clock.Elapsed.TotalSeconds:F1} s) with the switch on.");

            // Off: no step is offered and the helper takes nothing; the bits are the same.
            SecondThread.Enabled = false;
            jobs = SecondThread.AllSharedJobs;
            parts = SecondThread.AllHelperParts;
            Assert.Equal(pinned, PinnedBitsTests.Hash(PinnedBitsTests.Train(name)));
            Assert.Equal(jobs, SecondThread.AllSharedJobs);
            Assert.Equal(parts, SecondThread.AllHelperParts);
        }
        finally
        {
            SecondThread.Enabled = true;
        }
    }

    [TwoCoresFact]
    public void Share_RunsEveryPartOnce_AndTheHelperTakesSome()
    {
        using var helper = SecondThread.ForRun()!;
        var counts = new int[16];
        // Parts that take a while, so that the helper (spinning between jobs) has time to take some; on a machine whose cores
        // other work fills, jobs go on until it has, for up to 30 s of the scheduler's time slices.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int round = 0; round < 200 || helper.HelperParts == 0 && clock.Elapsed < TimeSpan.FromSeconds(30); round++)
            helper.Share(counts.Length, i => { Interlocked.Increment(ref counts[i]); Thread.SpinWait(2000); });
        int rounds = counts[0];
        Assert.All(counts, c => Assert.Equal(rounds, c));
        Assert.True(helper.HelperParts > 0, $"the helper took no part in {rounds} jobs ({clock.Elapsed.TotalSeconds:F1} s).");
    }

    [TwoCoresFact]
    public void TheHelper_StillTakesParts_PastJob32768()
    {
        // The job's number sits in the top 16 bits of the ticket; from job 32,768 on, that word is negative.
        using var helper = SecondThread.ForRun()!;
        var counts = new int[8];
        for (int job = 1; job < 32_768; job++) helper.Share(counts.Length, i => counts[i]++);
        int before = helper.HelperParts;
        var clock = System.Diagnostics.Stopwatch.StartNew(); // as above: until the helper has taken a part, for up to 30 s
        while (helper.HelperParts == before && clock.Elapsed < TimeSpan.FromSeconds(30))
            helper.Share(counts.Length, i => { Interlocked.Increment(ref counts[i]); Thread.SpinWait(500); });
        Assert.True(helper.HelperParts > before, "the helper took no part of jobs 32,768 on in 30 s.");
    }

    [TwoCoresFact]
    public void StartAhead_RefusesASecondStart_BeforeTheFirstIsWaitedFor()
    {
        using var helper = SecondThread.ForRun()!;
        using var release = new ManualResetEventSlim();
        helper.StartAhead(() => { release.Wait(); return (0, 0); });
        Assert.Throws<InvalidOperationException>(() => helper.StartAhead(() => (1, 1)));
        release.Set();
        Assert.Equal((0.0, 0), helper.WaitAhead());
    }

    [TwoCoresFact]
    public void Share_ThrowsAPartsException_AfterEveryPartHasRun()
    {
        using var helper = SecondThread.ForRun()!;
        var counts = new int[8];
        var e = Assert.Throws<InvalidOperationException>(() => helper.Share(counts.Length, i =>
        {
            Interlocked.Increment(ref counts[i]);
            if (i == 3) throw new InvalidOperationException("part 3");
        }));
        Assert.Equal("part 3", e.Message);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [TwoCoresFact]
    public void TwoRunsInOneProcess_DoNotShare_ButStillRunEveryPart()
    {
        using var helper = SecondThread.ForRun()!;
        using (SecondThread.Running())
        {
            Assert.True(SecondThread.Sharing);
            var other = SecondThread.Running();
            Assert.False(SecondThread.Sharing);
            var counts = new int[8];
            int before = helper.HelperParts;
            for (int job = 0; job < 200; job++) helper.Share(counts.Length, i => { counts[i]++; Thread.SpinWait(500); });
            Assert.All(counts, c => Assert.Equal(200, c));
            Assert.Equal(before, helper.HelperParts);
            other.Dispose();
            other.Dispose(); // counted off once
            Assert.True(SecondThread.Sharing);
        }
    }

    [TwoCoresVector512Fact]
    public void ARunBesideAnotherTraining_TakesNoHelpForItsSteps_AndKeepsItsBits()
    {
        string pinned = PinnedBitsTests.Runs.Single(r => (string)r[0] == "barak-50-signed")[1].ToString()!;
        using var sibling = SecondThread.Running(); // as a sweep's other run would be
        long before = SecondThread.AllHelperParts;
        Assert.Equal(pinned, PinnedBitsTests.Hash(PinnedBitsTests.Train("barak-50-signed")));
        Assert.Equal(before, SecondThread.AllHelperParts);
    }

    [TwoCoresFact]
    public void AheadWork_ReturnsItsResult_OrItsException()
    {
        using var helper = SecondThread.ForRun()!;
        helper.StartAhead(() => (1.5, 7));
        Assert.Equal((1.5, 7), helper.WaitAhead());
        helper.StartAhead(() => throw new InvalidOperationException("check"));
        Assert.Equal("check", Assert.Throws<InvalidOperationException>(() => helper.WaitAhead()).Message);
    }
}

public sealed class TwoCoresFactAttribute : FactAttribute
{
    public TwoCoresFactAttribute() { if (Environment.ProcessorCount < 2) Skip = "one core: runs take no second thread"; }
}

public sealed class TwoCoresVector512FactAttribute : FactAttribute
{
    public TwoCoresVector512FactAttribute()
    {
        if (Environment.ProcessorCount < 2) Skip = "one core: runs take no second thread";
        else if (!Vector512.IsHardwareAccelerated) Skip = InstructionSets.NoVector512 + " (steps are shared on the fused path only)";
    }
}

public sealed class TwoCoresVector512TheoryAttribute : TheoryAttribute
{
    public TwoCoresVector512TheoryAttribute()
    {
        if (Environment.ProcessorCount < 2) Skip = "one core: runs take no second thread";
        else if (!Vector512.IsHardwareAccelerated) Skip = InstructionSets.NoVector512 + " (steps are shared on the fused path only)";
    }
}
