namespace ParityNet;

/// <summary>
/// SplitMix64: a tiny generator of our own, so that the same seed gives bit-identical
/// numbers on every machine and every .NET version (System.Random promises neither).
/// </summary>
public sealed class SeededRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public SeededRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public long NextInt64(long maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        ulong bound = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do { x = NextUInt64(); } while (x >= limit);
        return (long)(x % bound);
    }
}
