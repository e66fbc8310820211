using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParityNet;

/// <summary>
/// Arrays of doubles whose first value starts a 64-byte cache line, for the buffers the kernels stream through.
/// </summary>
/// <remarks>
/// .NET places a double[]'s values 8-byte aligned and no more: of eight arrays allocated in turn, about one starts a cache line.
/// A 512-bit load from any other start spans two lines, and the first layer's sums, whose rows of weights start where the array
/// does (m a multiple of 8), then run at about two thirds of their speed: a forward pass of 50-1000 rows measured 56-62 µs
/// from an array off a line and 38-43 µs from one on it. Which a run got was luck, and a source of the spread between runs.
/// There is no managed way to ask for an aligned array, so an array here is allocated on the pinned heap (it never moves, so
/// its start stays aligned) until one starts a line, each miss held until then so that the next try lands elsewhere. Misses
/// are garbage that leaves holes in the pinned heap, and holes make more misses: so a run's own buffers are rented from a pool
/// (<see cref="Rent"/>) and given back when the run ends (<see cref="Return"/>), and the next run of that shape allocates
/// nothing. The alignment is speed only, never the values: after the tries the last array is used as it is.
/// </remarks>
internal static class AlignedArrays
{
    /// <summary>The cache line: 64 bytes.</summary>
    public const int LineBytes = 64;

    /// <summary>Allocations tried at most for an aligned start, and the bytes of misses held meanwhile past which fewer are tried
    /// (at least 8): a 400 KB array gets 64 tries, a 4 MB one 8. Seen: most arrays start a line by the eighth.</summary>
    internal const int Tries = 64;
    internal const long HeldBytes = 32L << 20;

    /// <summary>Below this many doubles (4 KiB) an array is a plain one: a small network's run should not pay for pinned allocations.</summary>
    internal const int MinLength = 512;

    /// <summary>A zeroed array of <paramref name="length"/> doubles whose first value starts a cache line, where one was found
    /// (from <see cref="MinLength"/> doubles on).</summary>
    public static double[] Doubles(int length) => length < MinLength ? new double[length] : Pinned<double>(length);

    /// <summary>A zeroed pinned array whose first value starts a cache line, where one was found in the tries.</summary>
    public static T[] Pinned<T>(int length) where T : unmanaged
    {
        T[] array = GC.AllocateArray<T>(length, pinned: true);
        List<T[]>? held = null; // the misses, kept until a hit, so that the next try does not land in the same hole
        int tries = (int)Math.Clamp(HeldBytes / Math.Max(1L, (long)Unsafe.SizeOf<T>() * length), 8, Tries);
        for (int i = 1; i < tries && !StartsALine(array); i++)
        {
            (held ??= new()).Add(array);
            array = GC.AllocateArray<T>(length, pinned: true);
        }
        GC.KeepAlive(held);
        t_lastTries = (held?.Count ?? 0) + 1;
        t_lastMostTries = tries;
        return array;
    }

    [ThreadStatic] private static int t_lastTries, t_lastMostTries;

    /// <summary>The allocations this thread's last <see cref="Pinned"/> made, and the most it could have made (for tests).</summary>
    internal static (int Made, int Most) LastTries => (t_lastTries, t_lastMostTries);

    /// <summary>A buffer a thread keeps between calls (a [ThreadStatic] <paramref name="slot"/>): the one there if it holds
    /// <paramref name="length"/> values, else a new <see cref="Pinned"/> one, kept. Its values are whatever the last call left.</summary>
    public static T[] Kept<T>(ref T[]? slot, int length) where T : unmanaged =>
        slot is { } kept && kept.Length >= length ? kept : slot = Pinned<T>(length);

    private static readonly ConcurrentDictionary<int, ConcurrentBag<double[]>> s_pool = new();
    private static long s_pooledBytes;

    /// <summary>The most the pool holds between runs: 64 MiB.</summary>
    internal const long PoolBytes = 64L << 20;

    /// <summary>A zeroed array of <paramref name="length"/> doubles from the pool, or new from <see cref="Doubles"/>; give it back
    /// with <see cref="Return"/> once nothing reads it any more.</summary>
    public static double[] Rent(int length)
    {
        if (length >= MinLength && s_pool.TryGetValue(length, out var bag) && bag.TryTake(out var array))
        {
            Interlocked.Add(ref s_pooledBytes, -8L * length);
            Array.Clear(array);
            return array;
        }
        return Doubles(length);
    }

    /// <summary>Gives back arrays from <see cref="Rent"/> that nothing reads any more (plain ones, those off a line, and those past
    /// <see cref="PoolBytes"/> are left to the collector).</summary>
    public static void Return(IEnumerable<double[]> arrays)
    {
        foreach (var array in arrays)
        {
            if (array.Length < MinLength || !StartsALine(array)) continue;
            if (Interlocked.Add(ref s_pooledBytes, 8L * array.Length) > PoolBytes) { Interlocked.Add(ref s_pooledBytes, -8L * array.Length); continue; }
            s_pool.GetOrAdd(array.Length, _ => new ConcurrentBag<double[]>()).Add(array);
        }
    }

    /// <summary>Whether the array's first value starts a cache line (an empty array: yes). Meaningful for pinned arrays only.</summary>
    public static bool StartsALine<T>(T[] array) where T : unmanaged =>
        array.Length == 0 || (nint)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0) % LineBytes == 0;
}
