namespace ParityNet;

/// <summary>
/// Predictions one number at a time without allocating: keeps one row of buffers for a network.
/// Not thread-safe: use one per thread (a cmdlet's pipeline makes one).
/// </summary>
public sealed class Predictor
{
    private readonly ParityNetwork _network;
    private readonly ForwardPass _forward;

    /// <summary>Prepares buffers for <paramref name="network"/>.</summary>
    public Predictor(ParityNetwork network)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _forward = new ForwardPass(network, 1);
    }

    /// <summary>The network predicted with.</summary>
    public ParityNetwork Network => _network;

    /// <summary>The probability of label 1 for <paramref name="number"/>; the same bits as <see cref="ParityNetwork.Predict(long)"/>.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InputOutOfRange"/> when the number does not fit.</exception>
    public double Predict(long number)
    {
        _network.CheckNumber(number);
        return _forward.Run(new ReadOnlySpan<long>(in number), _network.PassWeights, _network.PassBiases, _network.Factors)[0];
    }

    /// <summary>The probability of label 1 for a <paramref name="number"/> of any size up to 2^Bits − 1: the same bits as
    /// <see cref="ParityNetwork.Predict(System.Numerics.BigInteger)"/>, without allocating a pass.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InputOutOfRange"/> when the number does not fit.</exception>
    public double Predict(System.Numerics.BigInteger number)
    {
        _network.CheckNumber(number);
        if (number <= long.MaxValue) return Predict((long)number);
        _row ??= new long[WideNumbers.Chunks(_network.Bits)];
        WideNumbers.FromBigInteger(number, _row);
        return _forward.RunRows(_row, _network.PassWeights, _network.PassBiases, _network.Factors)[0];
    }

    private long[]? _row;

    /// <summary>A prediction of a <paramref name="number"/> of any size (a network wider than 62 bits answers past a long).</summary>
    public ParityPrediction Test(System.Numerics.BigInteger number) =>
        number.Sign >= 0 && number <= long.MaxValue ? Test((long)number)
            : new(number, _network.Bits, _network.Task, Predict(number), PredictionEngine.Managed, support: _network.Spec.Support);

    /// <summary>A prediction of <paramref name="number"/> with its expected label.</summary>
    public ParityPrediction Test(long number) =>
        new(number, _network.Bits, _network.Task, Predict(number), PredictionEngine.Managed, support: _network.Spec.Support);
}
