using System.Numerics;
using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// Inputs wider than one integer. The engine reads an input as chunks of at most <see cref="ChunkBits"/> bits, each a
/// non-negative <c>long</c>: chunk c holds bits 62c … 62c + 61 of the input (chunk 0 the least significant), and a row
/// of a wide pass is <see cref="Chunks"/> longs in a row. Up to 62 bits a row is one chunk, the integer itself, so
/// every narrow path is unchanged. Input unit p of the first layer reads bit (Bits − 1 − p), the most significant
/// first, whatever the width: chunk c's bits are the first layer's rows <see cref="FirstRow"/> … + its width − 1.
/// </summary>
public static class WideNumbers
{
    /// <summary>The bits of one chunk: the bit kernels take 1 to 62 bits of a non-negative long.</summary>
    public const int ChunkBits = 62;

    /// <summary>How many chunks a row of a <paramref name="bits"/>-bit input takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Chunks(int bits) => (bits + ChunkBits - 1) / ChunkBits;

    /// <summary>The width of chunk <paramref name="chunk"/> of a <paramref name="bits"/>-bit input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ChunkWidth(int bits, int chunk) => Math.Min(ChunkBits, bits - chunk * ChunkBits);

    /// <summary>The first layer's row where chunk <paramref name="chunk"/>'s bits begin (its most significant bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FirstRow(int bits, int chunk) => bits - chunk * ChunkBits - ChunkWidth(bits, chunk);

    /// <summary>The row of a non-negative integer: its low 62 bits in chunk 0, its bit 62 in chunk 1, zeros above.</summary>
    public static void FromLong(long value, Span<long> row)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "a number is not negative.");
        row.Clear();
        row[0] = value & ((1L << ChunkBits) - 1);
        if (row.Length > 1) row[1] = value >> ChunkBits;
    }

    /// <summary>The row of a non-negative integer of up to 62 · row.Length bits: chunk c holds its bits 62c … 62c + 61.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or does not fit the row.</exception>
    public static void FromBigInteger(BigInteger value, Span<long> row)
    {
        if (value.Sign < 0 || value.GetBitLength() > (long)ChunkBits * row.Length)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"a number is from 0 to 2^{(long)ChunkBits * row.Length} - 1 for a row of {row.Length} chunks.");
        var mask = new BigInteger((1L << ChunkBits) - 1);
        for (int c = 0; c < row.Length; c++)
        {
            row[c] = (long)(value & mask);
            value >>= ChunkBits;
        }
    }

    /// <summary>The row of a non-negative integer of up to <paramref name="bits"/> bits, in a new array of <see cref="Chunks"/> longs.</summary>
    public static long[] RowOf(BigInteger value, int bits)
    {
        var row = new long[Chunks(bits)];
        FromBigInteger(value, row);
        return row;
    }

    /// <summary>An integer for a message: its digits, or past 256 bits its size and sign (the digits of a huge one would
    /// fill the screen, and take long to make).</summary>
    public static string Show(BigInteger value) =>
        value.GetBitLength() <= 256 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"{(value.Sign < 0 ? "a negative" : "an")} integer of {value.GetBitLength()} bits";

    /// <summary>Bit <paramref name="bit"/> (0 the least significant) of a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bit(ReadOnlySpan<long> row, int bit) => (int)((row[bit / ChunkBits] >> (bit % ChunkBits)) & 1);

    /// <summary>The masks of a support, one per chunk.</summary>
    public static long[] Masks(IReadOnlyList<int>? support, int bits)
    {
        var masks = new long[Chunks(bits)];
        if (support is not null) foreach (int bit in support) masks[bit / ChunkBits] |= 1L << (bit % ChunkBits);
        return masks;
    }

    /// <summary>The label of a row for <paramref name="task"/>; <paramref name="masks"/> (<see cref="Masks"/>) for SparseParity.
    /// For a one-chunk row, <see cref="TaskLabels.Label(ParityTask, long, long)"/> of the integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Label(ParityTask task, ReadOnlySpan<long> row, ReadOnlySpan<long> masks)
    {
        if (row.Length == 1) return TaskLabels.Label(task, row[0], masks.IsEmpty ? 0 : masks[0]);
        switch (task)
        {
            case ParityTask.Even:
                return (int)(~row[0] & 1);
            case ParityTask.BitParity:
            {
                int ones = 0;
                foreach (long chunk in row) ones += BitOperations.PopCount((ulong)chunk);
                return ones & 1;
            }
            case ParityTask.SparseParity:
            {
                int ones = 0;
                for (int c = 0; c < row.Length; c++) ones += BitOperations.PopCount((ulong)(row[c] & masks[c]));
                return ones & 1;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, null);
        }
    }

    /// <summary>A control run's label of a row (<see cref="TaskLabels.RandomLabel"/> of the integer for one chunk).</summary>
    public static int RandomLabel(long seed, ReadOnlySpan<long> row)
    {
        if (row.Length == 1) return TaskLabels.RandomLabel(seed, row[0]);
        long mixed = seed;
        for (int c = 0; c < row.Length; c++) mixed = unchecked(mixed * 0x2545F4914F6CDD1DL) ^ TaskLabels.RandomLabel(mixed, row[c]) ^ row[c];
        return TaskLabels.RandomLabel(mixed, row[0]);
    }

    /// <summary>The row's bits as 0.0/1.0, most significant first (input p is bit bits − 1 − p).</summary>
    public static void Encode(ReadOnlySpan<long> row, int bits, Span<double> destination)
    {
        if (destination.Length < bits) throw new ArgumentException("destination is shorter than bits.", nameof(destination));
        for (int p = 0; p < bits; p++) destination[p] = Bit(row, bits - 1 - p);
    }

    /// <summary>The row as one integer.</summary>
    public static BigInteger ToBigInteger(ReadOnlySpan<long> row)
    {
        BigInteger value = BigInteger.Zero;
        for (int c = row.Length - 1; c >= 0; c--) value = (value << ChunkBits) | row[c];
        return value;
    }

    /// <summary>The row as lower-case hexadecimal, without leading zeros ("0" for zero).</summary>
    public static string ToHex(ReadOnlySpan<long> row)
    {
        var value = ToBigInteger(row);
        if (value.IsZero) return "0";
        string hex = value.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        return hex.TrimStart('0') is { Length: > 0 } trimmed ? trimmed : "0";
    }
}
