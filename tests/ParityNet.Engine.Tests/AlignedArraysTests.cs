namespace ParityNet.Tests;

/// <summary>
/// <see cref="AlignedArrays"/>: the buffers the kernels stream through start a cache line, even in a heap whose holes make
/// plain allocations start anywhere 8 bytes apart; small arrays stay plain; kept buffers are reused.
/// </summary>
public class AlignedArraysTests
{
    [Fact]
    public void Doubles_StartACacheLine_InAFragmentedHeap()
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
        int misses = 0, made = 0;
        var kept = new List<double[]>();
        for (int round = 0; round < 8; round++)
            foreach (int length in lengths)
            {
                var a = AlignedArrays.Doubles(length);
                Assert.Equal(length, a.Length);
                Assert.All(a, v => Assert.Equal(0.0, v));
                if (!AlignedArrays.StartsALine(a)) misses++;
                made++;
                kept.Add(a);
                live.Add(GC.AllocateArray<double>(rng.Next(600, 120_000), pinned: true)); // a new hole pattern for the next
                if (live.Count > 20) live.RemoveAt(rng.Next(live.Count));
            }
        // Plain allocations start a line one time in eight; the tries make a miss rare (none seen): at most one in 48.
        Assert.True(misses <= 1, $"{misses} of {made} arrays do not start a cache line.");
        GC.KeepAlive(live);
    }

    [Fact]
    public void SmallArrays_ArePlain_AndCopiesHoldTheValues()
    {
        var small = AlignedArrays.Doubles(AlignedArrays.MinLength - 1);
        Assert.Equal(AlignedArrays.MinLength - 1, small.Length);
        Assert.Empty(AlignedArrays.Doubles(0));
        var values = Enumerable.Range(0, 5000).Select(i => i * 0.5 - 7).ToArray();
        var copy = AlignedArrays.Copy(values);
        Assert.Equal(values, copy);
        Assert.NotSame(values, copy);
    }

    [Fact]
    public void Kept_ReusesItsBuffer_UntilALongerOneIsAsked()
    {
        sbyte[]? slot = null;
        var first = AlignedArrays.Kept(ref slot, 3216);
        Assert.Same(first, slot);
        Assert.True(AlignedArrays.StartsALine(first));
        Assert.Same(first, AlignedArrays.Kept(ref slot, 100));
        var longer = AlignedArrays.Kept(ref slot, 6416);
        Assert.NotSame(first, longer);
        Assert.Same(longer, slot);
        Assert.True(longer.Length >= 6416);
    }
}
