namespace ParityNet;

/// <summary>
/// The integers training sees. Up to <see cref="EngineLimits.MaxEnumerableBits"/> bits: every integer
/// 0 … 2^Bits − 1, measured on itself (no list is kept: the passes enumerate them). Wider: a seeded
/// held-out sample to measure on, and a fresh seeded sample (never one of the held-out numbers) to
/// train on each epoch. Inputs are encoded tile by tile, so no input matrix is ever held.
/// </summary>
internal sealed class TrainingSet
{
    private readonly int _bits;
    private readonly HashSet<long>? _heldOut;
    private readonly SeededRandom _sampler;

    public TrainingSet(int bits, int sampleSize, long seed) : this(bits, sampleSize, sampleSize, seed) { }

    /// <summary>For wide inputs, <paramref name="trainRows"/> fresh integers per epoch and <paramref name="heldOutRows"/> held out.</summary>
    public TrainingSet(int bits, int trainRows, int heldOutRows, long seed)
    {
        _bits = bits;
        _sampler = new SeededRandom(unchecked(seed * 31 + 0x5A3F1E));
        Enumerated = EngineLimits.Enumerable(bits);
        if (Enumerated)
        {
            EvalRows = TrainRows = 1 << bits;
            return;
        }
        var heldOutRng = new SeededRandom(unchecked(seed * 31 + 0x7E1D));
        if (heldOutRows > 1L << (bits - 1))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"HeldOutSize {heldOutRows} would hold out more than half of the {1L << bits} {bits}-bit integers. Give a smaller ⟦HeldOutSize⟧.", heldOutRows);
        _heldOut = new HashSet<long>(heldOutRows);
        EvalNumbers = new long[heldOutRows];
        while (_heldOut.Count < heldOutRows)
        {
            long x = heldOutRng.NextInt64(1L << bits);
            if (_heldOut.Add(x)) EvalNumbers[_heldOut.Count - 1] = x;
        }
        EvalRows = heldOutRows;
        TrainRows = trainRows;
        TrainNumbers = new long[trainRows];
    }

    /// <summary>Whether training sees every integer.</summary>
    public bool Enumerated { get; }

    /// <summary>The numbers measured on; null when every integer is (0 … EvalRows − 1).</summary>
    public long[]? EvalNumbers { get; }
    public int EvalRows { get; }

    /// <summary>The numbers of the current epoch's sample; null when every integer is trained on.</summary>
    public long[]? TrainNumbers { get; }
    public int TrainRows { get; }

    /// <summary>Draws the next epoch's training sample (wide inputs only).</summary>
    public void NextEpoch()
    {
        if (Enumerated) return;
        for (int i = 0; i < TrainRows; i++)
        {
            long x;
            do { x = _sampler.NextInt64(1L << _bits); } while (_heldOut!.Contains(x));
            TrainNumbers![i] = x;
        }
    }
}
