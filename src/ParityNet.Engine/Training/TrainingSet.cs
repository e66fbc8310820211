namespace ParityNet;

/// <summary>
/// The integers training sees. Up to <see cref="EngineLimits.MaxEnumerableBits"/> bits: every integer
/// 0 … 2^Bits − 1, measured on itself (no list is kept: the passes enumerate them). Wider: a seeded
/// held-out sample to measure on, and a fresh seeded sample (never one of the held-out numbers) to
/// train on each epoch. Inputs are encoded tile by tile, so no input matrix is ever held. Past 62 bits
/// each row is <see cref="Chunks"/> longs (<see cref="WideNumbers"/>), drawn chunk by chunk.
/// </summary>
internal sealed class TrainingSet
{
    private readonly int _bits;
    private readonly HashSet<long>? _heldOut;
    private readonly HashSet<UInt128>? _heldOutWide; // wide rows by a 128-bit hash: a collision only turns away a row that was not held out
    private readonly SeededRandom _sampler;

    public TrainingSet(int bits, int sampleSize, long seed) : this(bits, sampleSize, sampleSize, seed) { }

    /// <summary>For wide inputs, <paramref name="trainRows"/> fresh integers per epoch and <paramref name="heldOutRows"/> held out.</summary>
    public TrainingSet(int bits, int trainRows, int heldOutRows, long seed)
    {
        _bits = bits;
        Chunks = WideNumbers.Chunks(bits);
        _sampler = new SeededRandom(unchecked(seed * 31 + 0x5A3F1E));
        Enumerated = EngineLimits.Enumerable(bits);
        if (Enumerated)
        {
            EvalRows = TrainRows = 1 << bits;
            return;
        }
        var heldOutRng = new SeededRandom(unchecked(seed * 31 + 0x7E1D));
        if (bits < 63 && heldOutRows > 1L << (bits - 1))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"HeldOutSize {heldOutRows} would hold out more than half of the {1L << bits} {bits}-bit integers. Give a smaller ⟦HeldOutSize⟧.", heldOutRows);
        EvalNumbers = new long[(long)heldOutRows * Chunks];
        if (Chunks == 1)
        {
            _heldOut = new HashSet<long>(heldOutRows);
            while (_heldOut.Count < heldOutRows)
            {
                long x = heldOutRng.NextInt64(1L << bits);
                if (_heldOut.Add(x)) EvalNumbers[_heldOut.Count - 1] = x;
            }
        }
        else
        {
            _heldOutWide = new HashSet<UInt128>(heldOutRows);
            Span<long> row = stackalloc long[Chunks];
            while (_heldOutWide.Count < heldOutRows)
            {
                Draw(heldOutRng, row);
                if (_heldOutWide.Add(Hash(row))) row.CopyTo(EvalNumbers.AsSpan((_heldOutWide.Count - 1) * Chunks, Chunks));
            }
        }
        EvalRows = heldOutRows;
        TrainRows = trainRows;
        TrainNumbers = new long[(long)trainRows * Chunks];
    }

    /// <summary>Whether training sees every integer.</summary>
    public bool Enumerated { get; }

    /// <summary>Longs per row: 1 up to 62 bits (the integer itself), more for wider inputs (<see cref="WideNumbers"/>).</summary>
    public int Chunks { get; }

    /// <summary>The numbers measured on (<see cref="Chunks"/> longs a row); null when every integer is (0 … EvalRows − 1).</summary>
    public long[]? EvalNumbers { get; }
    public int EvalRows { get; }

    /// <summary>The numbers of the current epoch's sample (<see cref="Chunks"/> longs a row); null when every integer is trained on.</summary>
    public long[]? TrainNumbers { get; }
    public int TrainRows { get; }

    /// <summary>Draws the next epoch's training sample (wide inputs only).</summary>
    public void NextEpoch()
    {
        if (Enumerated) return;
        if (Chunks == 1)
        {
            for (int i = 0; i < TrainRows; i++)
            {
                long x;
                do { x = _sampler.NextInt64(1L << _bits); } while (_heldOut!.Contains(x));
                TrainNumbers![i] = x;
            }
            return;
        }
        for (int i = 0; i < TrainRows; i++)
        {
            var row = TrainNumbers.AsSpan(i * Chunks, Chunks);
            do Draw(_sampler, row); while (_heldOutWide!.Contains(Hash(row)));
        }
    }

    // A row drawn chunk by chunk, the least significant first, each uniform over its width.
    private void Draw(SeededRandom rng, Span<long> row)
    {
        for (int c = 0; c < row.Length; c++) row[c] = rng.NextInt64(1L << WideNumbers.ChunkWidth(_bits, c));
    }

    private static UInt128 Hash(ReadOnlySpan<long> row)
    {
        ulong a = 0x9E3779B97F4A7C15UL, b = 0xC2B2AE3D27D4EB4FUL;
        foreach (long chunk in row)
        {
            a = Mix(a ^ (ulong)chunk);
            b = Mix(b + (ulong)chunk * 0xFF51AFD7ED558CCDUL);
        }
        return new UInt128(a, b);

        static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
