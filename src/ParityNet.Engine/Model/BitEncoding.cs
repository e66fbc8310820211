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
}
