using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ParityNet;

/// <summary>
/// Arrays of doubles whose first value starts a 64-byte cache line, for the buffers the kernels stream through.
/// </summary>
/// <remarks>
/// .NET places a double[]'s values 8-byte aligned and no more: of eight arrays allocated in turn, about one starts a cache line.
/// A 512-bit load from any other start spans two lines, and the first layer's sums, whose rows of weights start where the array
/// does (m a multiple of 8), then run at about two thirds of their speed: a forward pass of 50-1000 rows measured 62 µs
/// from an array 16 bytes off a line and 42 µs from one on it. Which a run got was luck, and a source of the spread between
/// runs. An array here is allocated on the pinned heap (it never moves, so its start stays aligned) until one starts a line;
/// the alignment is speed only, never the values, and past <see cref="Tries"/> allocations the last one is used as it is.
/// </remarks>
internal static class AlignedArrays
{
    /// <summary>The cache line: 64 bytes.</summary>
    public const int LineBytes = 64;

    /// <summary>Allocations tried at most for an aligned start, and the bytes of misses held meanwhile past which fewer are tried
    /// (at least 8): a 400 KB array gets 64 tries, a 4 MB one 8.</summary>
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
        return array;
    }

    /// <summary>A buffer a thread keeps between calls (a [ThreadStatic] <paramref name="slot"/>): the one there if it holds
    /// <paramref name="length"/> values, else a new <see cref="Pinned"/> one, kept. Its values are whatever the last call left.</summary>
    public static T[] Kept<T>(ref T[]? slot, int length) where T : unmanaged =>
        slot is { } kept && kept.Length >= length ? kept : slot = Pinned<T>(length);

    /// <summary>A copy of <paramref name="values"/> in an array from <see cref="Doubles"/>.</summary>
    public static double[] Copy(ReadOnlySpan<double> values)
    {
        var array = Doubles(values.Length);
        values.CopyTo(array);
        return array;
    }

    /// <summary>Whether the array's first value starts a cache line (an empty array: yes). Meaningful for pinned arrays only.</summary>
    public static bool StartsALine<T>(T[] array) where T : unmanaged =>
        array.Length == 0 || (nint)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0) % LineBytes == 0;
}
