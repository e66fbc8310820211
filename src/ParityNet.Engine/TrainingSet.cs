namespace ParityNet;

/// <summary>
/// The rows training sees. Up to <see cref="EngineLimits.MaxEnumerableBits"/> bits: every integer
/// 0 … 2^Bits − 1, measured on itself. Wider: a seeded held-out sample to measure on, and a fresh
/// seeded sample (never from the held-out numbers) to train on each epoch.
/// </summary>
internal sealed class TrainingSet
{
    private readonly int _bits;
    private readonly ParityTask _task;
    private readonly HashSet<long>? _heldOut;
    private readonly SeededRandom _sampler;

    public TrainingSet(int bits, ParityTask task, int sampleSize, long seed)
    {
        _bits = bits;
        _task = task;
        _sampler = new SeededRandom(unchecked(seed * 31 + 0x5A3F1E));
        Enumerated = bits <= EngineLimits.MaxEnumerableBits;
        if (Enumerated)
        {
            int n = 1 << bits;
            EvalInputs = new double[(long)n * bits];
            EvalLabels = new double[n];
            for (int i = 0; i < n; i++) Fill(EvalInputs, EvalLabels, i, i);
            TrainInputs = EvalInputs;
            TrainLabels = EvalLabels;
            return;
        }

        var heldOutRng = new SeededRandom(unchecked(seed * 31 + 0x7E1D));
        _heldOut = new HashSet<long>(sampleSize);
        EvalInputs = new double[(long)sampleSize * bits];
        EvalLabels = new double[sampleSize];
        while (_heldOut.Count < sampleSize)
        {
            long x = heldOutRng.NextInt64(1L << bits);
            if (_heldOut.Add(x)) Fill(EvalInputs, EvalLabels, _heldOut.Count - 1, x);
        }
        TrainInputs = new double[(long)sampleSize * bits];
        TrainLabels = new double[sampleSize];
    }

    /// <summary>Whether training sees every integer.</summary>
    public bool Enumerated { get; }

    public double[] EvalInputs { get; }
    public double[] EvalLabels { get; }
    public int EvalRows => EvalLabels.Length;

    public double[] TrainInputs { get; }
    public double[] TrainLabels { get; }
    public int TrainRows => TrainLabels.Length;

    /// <summary>Draws the next epoch's training sample (wide inputs only).</summary>
    public void NextEpoch()
    {
        if (Enumerated) return;
        for (int i = 0; i < TrainRows; i++)
        {
            long x;
            do { x = _sampler.NextInt64(1L << _bits); } while (_heldOut!.Contains(x));
            Fill(TrainInputs, TrainLabels, i, x);
        }
    }

    private void Fill(double[] inputs, double[] labels, int row, long number)
    {
        BitEncoding.Encode(number, _bits, inputs.AsSpan(row * _bits, _bits));
        labels[row] = TaskLabels.Label(_task, number);
    }
}
