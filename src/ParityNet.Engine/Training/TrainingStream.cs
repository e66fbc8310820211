namespace ParityNet;

/// <summary>The integers a sampled run trains and checks on, with their labels: what <see cref="Trainer.Train"/> draws
/// for <paramref name="HeldOut"/> and for its first epochs, in order (step s takes Training[s·BatchSize …]).</summary>
public sealed record TrainingStreamSample(long[] HeldOut, int[] HeldOutLabels, long[] Training, int[] TrainingLabels, int BatchSize, int StepsPerEpoch);

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
        var training = new long[checked((long)trainRows * epochs)];
        for (int e = 0; e < epochs; e++)
        {
            set.NextEpoch();
            set.TrainNumbers!.CopyTo(training, (long)e * trainRows);
        }
        var heldOut = (long[])set.EvalNumbers!.Clone();
        int Label(long x) => TaskLabels.Label(network.Task, x, network.SupportMask);
        return new TrainingStreamSample(heldOut, heldOut.Select(Label).ToArray(), training,
            training.Select(x => options.RandomLabels ? TaskLabels.RandomLabel(labelSeed, x) : Label(x)).ToArray(),
            batch, (trainRows + batch - 1) / batch);
    }
}
