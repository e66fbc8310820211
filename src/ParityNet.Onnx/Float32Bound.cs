using System.Numerics;

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
        Span<double> bound = stackalloc double[1];
        For(network, new[] { number }, bound);
        return bound[0];
    }

    /// <summary>Rows whose bounds are carried through a layer together: each weight row is read once for all of
    /// them while it sits in L1, since a wide layer's weights (32 MB at 2000 × 2000) come from memory otherwise.</summary>
    private const int Block = 8;

    /// <summary>The bound for each number, as <see cref="For(ParityNetwork, long)"/> gives it, bit for bit: each
    /// unit's sums run over its inputs in the same order, a vector lane per unit, with no fused multiply-add.
    /// Blocks of rows go to both cores; <paramref name="cancel"/> is heard between blocks.</summary>
    public static void For(ParityNetwork network, ReadOnlySpan<long> numbers, Span<double> bounds, CancellationToken cancel = default)
    {
        if (bounds.Length < numbers.Length) throw new ArgumentException("bounds is shorter than numbers.", nameof(bounds));
        For(network, CrossCheckRows.FromNumbers(numbers, network.Bits), 0, numbers.Length, bounds, cancel);
    }

    /// <summary>The bound for rows first … first + count − 1 of <paramref name="rows"/> (any width: every input bit read).</summary>
    internal static void For(ParityNetwork network, CrossCheckRows rows, int first, int count, Span<double> bounds, CancellationToken cancel = default)
    {
        if (bounds.Length < count) throw new ArgumentException("bounds is shorter than the rows.", nameof(bounds));
        var output = new double[count];
        int blocks = (count + Block - 1) / Block;
        var weights = network.Weights;
        var biases = network.Biases;
        var options = new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount };
        try
        {
            Parallel.For(0, blocks, options, b =>
            {
                int at = b * Block, n = Math.Min(Block, count - at);
                BlockBounds(network, weights, biases, rows, first + at, n, output.AsSpan(at, n));
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        output.CopyTo(bounds);
    }

    private static void BlockBounds(ParityNetwork network, IReadOnlyList<WeightMatrix> weights, IReadOnlyList<double[]> biases,
        CrossCheckRows input, int first, int rows, Span<double> bounds)
    {
        var sizes = network.LayerSizes;
        int layers = sizes.Count - 1;
        var a = new double[rows][];
        var sigma = new double[rows][]; // the bits are exact in float32, and so is the prelude's 2b − 1 of ±1 inputs
        for (int r = 0; r < rows; r++)
        {
            a[r] = new double[sizes[0]];
            sigma[r] = new double[sizes[0]];
            input.Encode(first + r, a[r]);
            // ONNX Runtime sums the ±1 values times the weights as they are; the engine's fold (b·2W + bias − ΣW) is float64
            // and differs from that sum by far less than float32's rounding.
            if (network.SignedInputs) for (int p = 0; p < a[r].Length; p++) a[r][p] = 2 * a[r][p] - 1;
        }
        for (int l = 0; l < layers; l++)
        {
            var w = weights[l].AsSpan();
            var bias = biases[l];
            int n = sizes[l], units = sizes[l + 1];
            var activation = l == layers - 1 ? Activation.Sigmoid : network.Activation;
            var z = new double[rows][];
            var terms = new double[rows][];
            var partials = new double[rows][];
            var carried = new double[rows][];
            for (int r = 0; r < rows; r++)
            {
                z[r] = new double[units];
                if (bias.Length > 0) bias.AsSpan(0, units).CopyTo(z[r]);
                terms[r] = new double[units];
                partials[r] = new double[units];
                carried[r] = new double[units];
            }
            for (int j = 0; j < n; j++)
            {
                var wj = w.Slice(j * units, units);
                for (int r = 0; r < rows; r++)
                    Accumulate(wj, a[r][j], sigma[r][j], z[r], terms[r], partials[r], carried[r]);
            }
            for (int r = 0; r < rows; r++)
            {
                var next = new double[units];
                var nextSigma = new double[units];
                for (int k = 0; k < units; k++)
                {
                    double own = U * Math.Sqrt(terms[r][k] + partials[r][k]);
                    double sz = Math.Sqrt(carried[r][k] + own * own);
                    next[k] = Apply(activation, z[r][k]);
                    nextSigma[k] = Slope(activation, z[r][k]) * sz + (activation == Activation.ReLU ? 0 : ActivationError);
                }
                a[r] = next;
                sigma[r] = nextSigma;
            }
        }
        for (int r = 0; r < rows; r++)
            bounds[r] = Math.Max(OnnxExporter.ToleranceFloor, Lambda * sigma[r][0]);
    }

    /// <summary>One input j of every unit k: term = W_jk·a_j; z += term; terms += term²; partials += z²; carried += (W_jk·σ_j)².</summary>
    private static void Accumulate(ReadOnlySpan<double> w, double aj, double sj, Span<double> z, Span<double> terms, Span<double> partials, Span<double> carried)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(aj);
            var vs = new Vector<double>(sj);
            for (; k <= w.Length - Vector<double>.Count; k += Vector<double>.Count)
            {
                var wk = new Vector<double>(w.Slice(k));
                var term = wk * va;
                var zk = new Vector<double>(z.Slice(k)) + term;
                zk.CopyTo(z.Slice(k));
                (new Vector<double>(terms.Slice(k)) + term * term).CopyTo(terms.Slice(k));
                (new Vector<double>(partials.Slice(k)) + zk * zk).CopyTo(partials.Slice(k));
                var passed = wk * vs;
                (new Vector<double>(carried.Slice(k)) + passed * passed).CopyTo(carried.Slice(k));
            }
        }
        for (; k < w.Length; k++)
        {
            double term = w[k] * aj, passed = w[k] * sj;
            z[k] += term;
            terms[k] += term * term;
            partials[k] += z[k] * z[k];
            carried[k] += passed * passed;
        }
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
