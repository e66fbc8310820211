namespace ParityNet.Tests;

/// <summary>
/// <see cref="AlignedArrays"/>: the buffers the kernels stream through start a cache line, even in a heap whose holes make
/// plain allocations start anywhere 8 bytes apart; small arrays stay plain; kept buffers are reused.
/// </summary>
public class AlignedArraysTests
{
    [Fact]
    public void Doubles_StartACacheLine_OrMakeEveryTry_InAFragmentedHeap()
    {
        // Holes of many sizes in the pinned heap, as a process that has trained and dropped networks has.
        var rng = new Random(7);
        var live = new List<double[]>();
        for (int i = 0; i < 400; i++)
        {
            live.Add(GC.AllocateArray<double>(rng.Next(600, 120_000), pinned: true));
            if (live.Count > 20) live.RemoveAt(rng.Next(live.Count));
        }
        int[] lengths = { 512, 1000, 8192, 32_000, 50_000, 100_000 };
        var kept = new List<double[]>();
        for (int round = 0; round < 8; round++)
            foreach (int length in lengths)
            {
                var a = AlignedArrays.Doubles(length);
                var (tries, most) = AlignedArrays.LastTries;
                Assert.Equal(length, a.Length);
                Assert.All(a, v => Assert.Equal(0.0, v));
                // Each array starts a line, or every try was made: the last one is used as it is.
                Assert.True(AlignedArrays.StartsALine(a) || tries == most, $"an array of {length} off a line after {tries} of {most} tries");
                kept.Add(a);
                live.Add(GC.AllocateArray<double>(rng.Next(600, 120_000), pinned: true)); // a new hole pattern for the next
                if (live.Count > 20) live.RemoveAt(rng.Next(live.Count));
            }
        // How many arrays the tries leave off a line depends on the heap, which the tests training beside this one share (seen:
        // 0 to 12 of these 48, where plain allocations leave about 42): not asserted; that every try was made for each is.
        GC.KeepAlive(live);
    }

    [Fact]
    public void SmallArrays_ArePlain()
    {
        Assert.Equal(AlignedArrays.MinLength - 1, AlignedArrays.Doubles(AlignedArrays.MinLength - 1).Length);
        Assert.Empty(AlignedArrays.Doubles(0));
        Assert.Equal(7, AlignedArrays.Rent(7).Length);
    }

    [Fact]
    public void Rent_GivesBackAReturnedArray_Zeroed()
    {
        const int length = 12_345; // a length no other test rents
        var first = AlignedArrays.Rent(length);
        first.AsSpan().Fill(3.5);
        AlignedArrays.Return(new[] { first });
        var again = AlignedArrays.Rent(length);
        // The pool keeps arrays that start a line (the tries rarely leave one that does not; it is dropped).
        Assert.Equal(AlignedArrays.StartsALine(first), ReferenceEquals(first, again));
        Assert.All(again, v => Assert.Equal(0.0, v));
        AlignedArrays.Return(new[] { again });
        var third = AlignedArrays.Rent(length);
        Assert.Equal(AlignedArrays.StartsALine(again), ReferenceEquals(again, third));
        Assert.NotSame(third, AlignedArrays.Rent(length)); // the pool held one at most
    }

    [Fact]
    public void Kept_ReusesItsBuffer_UntilALongerOneIsAsked()
    {
        sbyte[]? slot = null;
        var first = AlignedArrays.Kept(ref slot, 3216);
        Assert.Same(first, slot);
        Assert.True(AlignedArrays.StartsALine(first) || AlignedArrays.LastTries.Made == AlignedArrays.LastTries.Most);
        Assert.Same(first, AlignedArrays.Kept(ref slot, 100));
        var longer = AlignedArrays.Kept(ref slot, 6416);
        Assert.NotSame(first, longer);
        Assert.Same(longer, slot);
        Assert.True(longer.Length >= 6416);
    }
}
