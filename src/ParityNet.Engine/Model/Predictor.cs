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

    /// <summary>A prediction of <paramref name="number"/> with its expected label.</summary>
    public ParityPrediction Test(long number) =>
        new(number, _network.Bits, _network.Task, Predict(number), PredictionEngine.Managed, support: _network.Spec.Support);
}
