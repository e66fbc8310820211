using System.Globalization;

namespace ParityNet;

/// <summary>
/// The inputs a cross-check runs, as rows of <see cref="WideNumbers"/> chunks: one long a row up to 62 bits (the integer
/// itself), <see cref="WideNumbers.Chunks"/> past it, so that a wide network is checked with every input bit drawn, not
/// only the 62 a long can hold. Each side reads the same rows: the engine by <see cref="ParityNetwork.PredictRows"/>,
/// ONNX Runtime and the float32 bound by <see cref="Encode"/>.
/// </summary>
internal sealed class CrossCheckRows
{
    private readonly long[] _data;

    public CrossCheckRows(long[] data, int chunks, int bits)
    {
        if (chunks != WideNumbers.Chunks(bits) || data.Length % chunks != 0)
            throw new ArgumentException($"the rows are not whole rows of {WideNumbers.Chunks(bits)} chunks.", nameof(data));
        _data = data;
        Chunks = chunks;
        Bits = bits;
    }

    /// <summary>Narrow integers (up to 62 bits), one a row.</summary>
    public static CrossCheckRows Of(long[] numbers, int bits) => new(numbers, 1, bits);

    /// <summary>Integers as rows of a <paramref name="bits"/>-bit input (a copy): one a row up to 62 bits, widened to
    /// <see cref="WideNumbers.Chunks"/> longs a row past it.</summary>
    public static CrossCheckRows FromNumbers(ReadOnlySpan<long> numbers, int bits)
    {
        int chunks = WideNumbers.Chunks(bits);
        var rows = chunks == 1 ? numbers.ToArray() : new long[numbers.Length * chunks];
        for (int i = 0; i < numbers.Length && chunks > 1; i++) WideNumbers.FromLong(numbers[i], rows.AsSpan(i * chunks, chunks));
        return new CrossCheckRows(rows, chunks, bits);
    }

    public int Chunks { get; }
    public int Bits { get; }
    public int Count => _data.Length / Chunks;

    /// <summary>The longs of rows first … first + count − 1.</summary>
    public ReadOnlySpan<long> Slice(int first, int count) => _data.AsSpan(first * Chunks, count * Chunks);

    /// <summary>Row i's bits as 0.0/1.0, most significant first, as the engine and the ONNX graph read them.</summary>
    public void Encode(int i, Span<double> destination)
    {
        if (Chunks == 1) BitEncoding.Encode(_data[i], Bits, destination);
        else WideNumbers.Encode(_data.AsSpan(i * Chunks, Chunks), Bits, destination);
    }

    /// <summary>Row i for a message: the integer, or past 62 bits its hexadecimal.</summary>
    public string Describe(int i) =>
        Chunks == 1 ? _data[i].ToString(CultureInfo.InvariantCulture) : "0x" + WideNumbers.ToHex(_data.AsSpan(i * Chunks, Chunks));

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public CrossCheckRows Pick(IReadOnlyList<int> indices)
    {
        var picked = new long[indices.Count * Chunks];
        for (int k = 0; k < indices.Count; k++) Slice(indices[k], 1).CopyTo(picked.AsSpan(k * Chunks, Chunks));
        return new CrossCheckRows(picked, Chunks, Bits);
    }

    /// <summary>The narrow rows as integers (a copy).</summary>
    public long[] Numbers() => Chunks == 1 ? (long[])_data.Clone() : throw new InvalidOperationException("wide rows are not integers.");
}
