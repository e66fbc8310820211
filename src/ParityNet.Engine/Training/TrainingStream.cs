namespace ParityNet;

/// <summary>The integers a sampled run trains and checks on, with their labels: what <see cref="Trainer.Train"/> draws
/// for <paramref name="HeldOut"/> and for its first epochs, in order (step s takes Training[s·BatchSize …]).
/// Past 62 bits each row is <paramref name="Chunks"/> longs (<see cref="WideNumbers"/>).</summary>
public sealed record TrainingStreamSample(long[] HeldOut, int[] HeldOutLabels, long[] Training, int[] TrainingLabels, int BatchSize, int StepsPerEpoch, int Chunks = 1)
{
    /// <summary>The number of held-out rows.</summary>
    public int HeldOutRows => HeldOut.Length / Chunks;

    /// <summary>Held-out row <paramref name="i"/> as hexadecimal (all of its bits).</summary>
    public string HeldOutHex(int i) => WideNumbers.ToHex(HeldOut.AsSpan(i * Chunks, Chunks));

    /// <summary>The number of training rows.</summary>
    public int TrainingRows => Training.Length / Chunks;

    /// <summary>Training row <paramref name="i"/> as hexadecimal.</summary>
    public string TrainingHex(int i) => WideNumbers.ToHex(Training.AsSpan(i * Chunks, Chunks));
}

/// <summary>
/// The training stream of a run, for handing to another implementation of the same loop (the Bench's PyTorch
/// comparison): the same seeded draws as the trainer, from the same code.
/// </summary>
public static class TrainingStream
{
    /// <summary>The held-out integers and the training integers of the first <paramref name="epochs"/> epochs (checks)
    /// of training <paramref name="network"/> with <paramref name="options"/>. Sampled inputs only.</summary>
    /// <exception cref="ParityNetException">the network trains on every integer, or a setting is invalid.</exception>
    public static TrainingStreamSample Take(ParityNetwork network, TrainingOptions options, int epochs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (EngineLimits.Enumerable(network.Bits))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"A {network.Bits}-bit network trains on every integer, not on a stream. Give a network wider than {EngineLimits.MaxEnumerableBits} bits.", network.Bits);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        int batch = Trainer.BatchSizeFor(network, options);
        int trainRows = options.CheckEvery is int every ? every * batch : options.SampleSize;
        long seed = options.Seed ?? network.Seed;
        var set = new TrainingSet(network.Bits, trainRows, options.EffectiveHeldOutSize, seed);
        long labelSeed = TaskLabels.RandomLabelSeed(seed);
        int chunks = set.Chunks;
        var training = new long[checked((long)trainRows * epochs * chunks)];
        for (int e = 0; e < epochs; e++)
        {
            set.NextEpoch();
            set.TrainNumbers!.CopyTo(training, (long)e * trainRows * chunks);
        }
        var heldOut = (long[])set.EvalNumbers!.Clone();
        var masks = WideNumbers.Masks(network.Support, network.Bits);
        int[] Labels(long[] rows, bool random) => Enumerable.Range(0, rows.Length / chunks).Select(i =>
        {
            var row = rows.AsSpan(i * chunks, chunks);
            return random ? WideNumbers.RandomLabel(labelSeed, row) : WideNumbers.Label(network.Task, row, masks);
        }).ToArray();
        return new TrainingStreamSample(heldOut, Labels(heldOut, false), training, Labels(training, options.RandomLabels),
            batch, (trainRows + batch - 1) / batch, chunks);
    }
}
