namespace ParityNet;

/// <summary>How initial weights are drawn. All are uniform, symmetric around 0, from the network's seed.</summary>
public enum Initialization
{
    /// <summary>The lesson's: uniform in [−1, 1).</summary>
    Uniform,
    /// <summary>Glorot/Xavier uniform: ±√(6 / (fan_in + fan_out)); suits sigmoid and tanh.</summary>
    Xavier,
    /// <summary>He uniform: ±√(6 / fan_in); suits ReLU.</summary>
    He,
    /// <summary>PyTorch's default for nn.Linear: weights and biases uniform in ±1/√fan_in (kaiming_uniform with a = √5).
    /// The only one that draws the biases too.</summary>
    PyTorch,
}

/// <summary>The range of each initialization.</summary>
public static class Initializations
{
    /// <summary>The half-width of the uniform range for a layer of <paramref name="fanIn"/> inputs and <paramref name="fanOut"/> units.</summary>
    public static double Limit(Initialization initialization, int fanIn, int fanOut) => initialization switch
    {
        Initialization.Uniform => 1.0,
        Initialization.Xavier => Math.Sqrt(6.0 / (fanIn + fanOut)),
        Initialization.He => Math.Sqrt(6.0 / fanIn),
        Initialization.PyTorch => 1.0 / Math.Sqrt(fanIn),
        _ => throw new ArgumentOutOfRangeException(nameof(initialization), initialization, null),
    };
}
