namespace ParityNet;

/// <summary>Integers as bit vectors, most significant bit first.</summary>
public static class BitEncoding
{
    /// <summary>Writes the <paramref name="bits"/> low bits of <paramref name="value"/> into
    /// <paramref name="destination"/> as 0.0/1.0, most significant first.</summary>
    /// <exception cref="ArgumentException">destination is shorter than <paramref name="bits"/>.</exception>
    public static void Encode(long value, int bits, Span<double> destination)
    {
        if (bits < 0 || bits > EngineLimits.MaxBits) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"bits must be 0 to {EngineLimits.MaxBits}.");
        if (destination.Length < bits) throw new ArgumentException("destination is shorter than bits.", nameof(destination));
        for (int i = 0; i < bits; i++)
            destination[i] = bits - 1 - i > 62 ? 0 : (value >> (bits - 1 - i)) & 1; // past bit 62 a non-negative long is 0
    }

    /// <summary>The bits of <paramref name="value"/> as text, e.g. 5 at 4 bits is "0101".</summary>
    public static string ToText(long value, int bits)
    {
        return string.Create(bits, value, static (chars, v) =>
        {
            for (int i = 0; i < chars.Length; i++)
                chars[i] = chars.Length - 1 - i <= 62 && ((v >> (chars.Length - 1 - i)) & 1) == 1 ? '1' : '0';
        });
    }

    /// <summary>The <paramref name="bits"/> low bits of a non-negative <paramref name="value"/> of any size as text, most
    /// significant first: the same text as <see cref="ToText(long, int)"/> for a value a long holds.</summary>
    public static string ToText(System.Numerics.BigInteger value, int bits)
    {
        if (value.Sign >= 0 && value <= long.MaxValue) return ToText((long)value, bits);
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "a number is not negative.");
        var row = new long[WideNumbers.Chunks(Math.Max(bits, 1)) + 1];
        WideNumbers.FromBigInteger(value & ((System.Numerics.BigInteger.One << (WideNumbers.ChunkBits * row.Length)) - 1), row);
        return string.Create(bits, row, static (chars, r) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = WideNumbers.Bit(r, chars.Length - 1 - i) == 1 ? '1' : '0';
        });
    }
}
