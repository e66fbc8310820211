namespace ParityNet;

/// <summary>
/// How far ONNX Runtime's float32 answer for one number may honestly lie from the engine's float64 one: a running
/// error estimate carried through the network's forward pass for that number, as standard deviations of rounding
/// errors treated as independent (the probabilistic model of Higham and Mary, 2019), and a bound of λ = 6 of them.
/// Per unit k of a layer with inputs a_j, each off by σ_j, and fan-in n:
/// <code>
///   P_i  = b_k + Σ_(j ≤ i) W_jk·a_j                            the sum's partial sums, in order
///   σz_k = √(Σ_j (W_jk·σ_j)² + u²·(Σ_j (W_jk·a_j)² + Σ_i P_i²))  errors carried in, and float32's own: each weight's
///                                                              rounding, and each addition's (u = 2^-24)
///   σ_k  = |f'(z_k)|·σz_k + ε                                 the activation passes it on, plus its own error
///   bound = max(1e-6, λ·σ_output), and never past 0.01 (OnnxExporter.ToleranceCeiling): a network that float32
///           cannot hold that closely is not the network the file holds
/// </code>
/// Each addition rounds its partial sum, so sums whose terms share a sign (partial sums growing with n) get the
/// larger error they really have, and sums of mixed signs the smaller. Using the slope where the unit sits (a
/// saturated sigmoid passes almost nothing on) and root-sum-square propagation keeps the bound within a small
/// factor of what ONNX Runtime does (measured on the networks the tests export: 3 to 30 times the largest
/// difference), so a wrong weight or bias still fails, while wide and deep networks, whose float32 sums honestly
/// differ by more than 1e-6, pass. ε is ONNX Runtime's own error in
/// evaluating σ and tanh in float32, taken as 2 ulps of 1.
/// </summary>
internal static class Float32Bound
{
    private const double U = 1.0 / (1 << 24);
    private const double Lambda = 6;
    private const double ActivationError = 2 * U;

    /// <summary>The bound on |float32 answer − float64 answer| for <paramref name="number"/>, of the probability.</summary>
    public static double For(ParityNetwork network, long number)
    {
        var sizes = network.LayerSizes;
        var a = new double[sizes[0]];
        BitEncoding.Encode(number, network.Bits, a);
        var sigma = new double[sizes[0]]; // the bits are exact in float32
        int layers = sizes.Count - 1;
        for (int l = 0; l < layers; l++)
        {
            var w = network.Weights[l];
            var bias = network.Biases[l];
            int n = sizes[l], units = sizes[l + 1];
            var next = new double[units];
            var nextSigma = new double[units];
            var activation = l == layers - 1 ? Activation.Sigmoid : network.Activation;
            for (int k = 0; k < units; k++)
            {
                double b = bias.Length > 0 ? bias[k] : 0;
                double z = b, terms = 0, partials = 0, carried = 0;
                for (int j = 0; j < n; j++)
                {
                    double wjk = w[j, k], term = wjk * a[j], passed = wjk * sigma[j];
                    z += term;
                    terms += term * term;
                    partials += z * z;
                    carried += passed * passed;
                }
                double own = U * Math.Sqrt(terms + partials);
                double sz = Math.Sqrt(carried + own * own);
                next[k] = Apply(activation, z);
                nextSigma[k] = Slope(activation, z) * sz + (activation == Activation.ReLU ? 0 : ActivationError);
            }
            a = next;
            sigma = nextSigma;
        }
        return Math.Max(OnnxExporter.ToleranceFloor, Lambda * sigma[0]);
    }

    private static double Apply(Activation f, double z) => f switch
    {
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => Math.Max(0, z),
    };

    /// <summary>|f'(z)|; for ReLU 1 above 0 (and at 0, where float32 may fall either side).</summary>
    private static double Slope(Activation f, double z) => f switch
    {
        Activation.Sigmoid => Apply(f, z) * (1 - Apply(f, z)),
        Activation.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        _ => z >= 0 ? 1 : 0,
    };
}
