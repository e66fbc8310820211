using System.Runtime.CompilerServices;

namespace ParityNet;

/// <summary>
/// The one layer loop, shared by prediction (<see cref="ForwardPass"/>) and training (<see cref="GradientPass"/>):
/// the first layer by its chosen path (<see cref="FirstLayer.Choose"/>), then each dense layer, then the output's
/// sigmoid; and backward in the reverse order. Rows are either a block of consecutive integers from
/// <see cref="Rows.Start"/> or any <see cref="Rows.Numbers"/>; buffers hold a tile of each layer's activations
/// (index 0, the input, stays empty: the bits are read from the integers).
/// </summary>
internal static class LayerStack
{
    /// <summary>The rows of one tile: <see cref="Count"/> consecutive integers from <see cref="Start"/> when
    /// <see cref="Consecutive"/>, else the integers in <see cref="Numbers"/>.</summary>
    public readonly ref struct Rows
    {
        public Rows(long start, int count) { Start = start; Count = count; Consecutive = true; Numbers = default; Chunks = 1; }
        public Rows(ReadOnlySpan<long> numbers) { Start = 0; Count = numbers.Length; Consecutive = false; Numbers = numbers; Chunks = 1; }
        /// <summary>Rows of an input wider than 62 bits: <paramref name="chunks"/> longs a row (<see cref="WideNumbers"/>).</summary>
        public Rows(ReadOnlySpan<long> numbers, int chunks) { Start = 0; Count = numbers.Length / chunks; Consecutive = false; Numbers = numbers; Chunks = chunks; }
        public long Start { get; }
        public int Count { get; }
        public bool Consecutive { get; }
        public ReadOnlySpan<long> Numbers { get; }
        /// <summary>Longs a row: 1 up to 62 bits, more past it (<see cref="WideBitsLayer"/>, and the fused ReLU path over any numbers).</summary>
        public int Chunks { get; }
    }

    /// <summary>Layer sizes, hidden activation, first-layer path and factors: what the loop reads of a network and a pass.</summary>
    public readonly record struct Plan(int[] Sizes, Activation Activation, FirstLayerKind FirstLayer, double[] NegExpW, double[] NegExpBias)
    {
        public int Layers => Sizes.Length - 1;
    }

    /// <summary>Whether a pass with this plan goes through <see cref="ReLUBlockLayer"/> — bits → ReLU hidden → one output, on
    /// hardware and shapes it fits — which keeps the hidden layer in blocks of eight units. Passes over consecutive integers
    /// take it for tiles of a power of two from eight rows, the others for any rows.
    /// The same bits as the general path either way.</summary>
    internal static bool FusedReLU(in Plan plan, in Rows rows) =>
        WritesGradientsOverAny(plan) && (!rows.Consecutive || ReLUBlockLayer.Fits(rows.Count, plan.Sizes[1]));

    /// <summary>Whether <see cref="Backward"/> over any numbers (not consecutive) goes through <see cref="ReLUBlockLayer.BackwardAny"/>,
    /// which can write every gradient buffer instead of adding to it.</summary>
    internal static bool WritesGradientsOverAny(in Plan plan) =>
        plan.Layers == 2 && plan.Activation == Activation.ReLU && plan.Sizes[2] == 1 && ReLUBlockLayer.FitsAny(plan.Sizes[1]);

    /// <summary>Whether a backward pass with this plan over these rows makes the first layer's gradient from counts of signs when the
    /// output's deltas allow it (<see cref="SignCounts"/>): bits → ReLU hidden → one output, over any numbers (not consecutive), on any
    /// machine; the fused path (<see cref="ReLUBlockLayer.BackwardAny"/>) and the general one make the same values.</summary>
    internal static bool CountsSigns(in Plan plan, in Rows rows) => !rows.Consecutive && SumsInGroups(plan);

    /// <summary>Whether a measuring pass (forward only) over any numbers goes through <see cref="GroupedSumsLayer"/>, whose sums are
    /// grouped: bits → ReLU hidden → one output, on any machine (the pass then never keeps the hidden layer).</summary>
    internal static bool SumsInGroups(in Plan plan) =>
        plan.Layers == 2 && plan.Activation == Activation.ReLU && plan.Sizes[2] == 1 && plan.FirstLayer == FirstLayerKind.SummedBits;

    /// <summary>Rows × inputs × units from which a pass over any numbers shares its units with a second thread: below it, a part
    /// takes about as long as handing it over. A batch of 32 rows of 50 bits into 1,000 units is 1.6 million.</summary>
    internal const long ShareWork = 1 << 17;

    private static SecondThread? ShareWith(SecondThread? helper, int rows, int bits, int m) =>
        helper is not null && (long)rows * bits * m >= ShareWork && ReLUBlockLayer.Parts(m) > 1 ? helper : null;

    /// <summary>The output unit from z, its pre-activation before the bias (as <see cref="GroupedSumsLayer.ForwardDots"/> and the
    /// fused ReLU path make it): z += bias, logits = z, and z becomes σ(z) — activations[L] for the rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputFromDots(Span<double> z, double[] outputBias, double[] logits)
    {
        Kernels.AddBias(z, outputBias, z.Length, 1);
        z.CopyTo(logits);
        DenseLayer.Activate(z, Activation.Sigmoid);
    }

    /// <summary>Fills activations[1 … L] for the rows and logits with the output's pre-activation.
    /// <paramref name="slots"/> is the slot walk's scratch for the product paths over blocks.</summary>
    /// <remarks>With <paramref name="helper"/>, a large enough pass on the fused path over any numbers shares its units with the
    /// second thread (<see cref="ShareWith"/>): the same bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in Plan plan, in Rows rows, double[][] weights, double[][] biases, double[][] activations, double[] logits, double[] slots,
        SecondThread? helper = null)
    {
        int[] sizes = plan.Sizes;
        int n = rows.Count, bits = sizes[0], m = sizes[1], last = plan.Layers - 1;
        var hidden = activations[1].AsSpan(0, n * m);
        switch (plan.FirstLayer)
        {
            case FirstLayerKind.LessonShape:
                LessonShapeLayer.ForwardBlock(rows.Start, n, bits, plan.NegExpW, plan.NegExpBias, weights[1], biases[1], m, hidden,
                    logits.AsSpan(0, n), activations[2].AsSpan(0, n), slots);
                return;
            case FirstLayerKind.ProductSigmoid:
                if (rows.Consecutive) ProductSigmoidLayer.ForwardBlock(rows.Start, n, bits, plan.NegExpW, plan.NegExpBias, m, hidden, slots);
                else ProductSigmoidLayer.ForwardAny(rows.Numbers, bits, plan.NegExpW, plan.NegExpBias, m, hidden);
                break;
            case FirstLayerKind.SummedBits when FusedReLU(plan, rows):
                var z = activations[2].AsSpan(0, n);
                if (rows.Consecutive) ReLUBlockLayer.Forward(rows.Start, n, bits, weights[0], biases[0], m, weights[1], hidden, z, slots);
                else
                {
                    if (ShareWith(helper, n, bits, m) is { } second)
                        ReLUBlockLayer.ForwardAnyShared(rows.Numbers, bits, weights[0], biases[0], m, activations[1], rows.Chunks, second);
                    else ReLUBlockLayer.ForwardAny(rows.Numbers, bits, weights[0], biases[0], m, hidden, rows.Chunks);
                    ReLUBlockLayer.Dots(hidden, weights[1], z, n, m);
                }
                OutputFromDots(z, biases[1], logits);
                return;
            case FirstLayerKind.SummedBits when rows.Consecutive && last > 0 && plan.Activation == Activation.ReLU:
                SummedBitsLayer.ForwardBlockReLU(rows.Start, n, bits, weights[0], biases[0], m, hidden, slots);
                break;
            default:
                if (rows.Consecutive) SummedBitsLayer.ForwardBlock(rows.Start, n, bits, weights[0], m, hidden);
                else if (rows.Chunks > 1) WideBitsLayer.ForwardAny(rows.Numbers, rows.Chunks, bits, weights[0], m, hidden);
                else SummedBitsLayer.ForwardAny(rows.Numbers, bits, weights[0], m, hidden);
                Kernels.AddBias(hidden, biases[0], n, m);
                if (last == 0) hidden.CopyTo(logits);
                DenseLayer.Activate(hidden, last == 0 ? Activation.Sigmoid : plan.Activation);
                break;
        }
        for (int l = 1; l <= last; l++)
        {
            var z = activations[l + 1].AsSpan(0, n * sizes[l + 1]);
            DenseLayer.PreActivations(activations[l].AsSpan(0, n * sizes[l]), weights[l], biases[l], z, n, sizes[l], sizes[l + 1]);
            if (l == last) z.CopyTo(logits);
            DenseLayer.Activate(z, l == last ? Activation.Sigmoid : plan.Activation);
        }
    }

    /// <summary>Adds the gradients of the objective to gradWeights and gradBiases, given deltas[L] = ∂objective/∂logit;
    /// deltas[1 … L − 1] receive the hidden layers' deltas (the lesson shape keeps its four-row sums in deltas[1]; where the first
    /// layer's gradient is made from counts of signs, <see cref="CountsSigns"/>, deltas[1] is scratch and holds no deltas).</summary>
    /// <remarks>With <paramref name="fresh"/> (only where <see cref="WritesGradientsOverAny"/>), the gradient buffers are
    /// written, not added to: the caller need not zero them. With <paramref name="step"/> as well, the fused path over any numbers
    /// steps and folds the signed first layer as it makes its gradient (<see cref="FoldedStep"/>; its Taken says whether it did).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(in Plan plan, in Rows rows, double[][] weights, double[][] activations, double[][] deltas,
        double[][] gradWeights, double[][] gradBiases, bool fresh = false, FoldedStep? step = null, SecondThread? helper = null)
    {
        int[] sizes = plan.Sizes;
        int n = rows.Count, bits = sizes[0], m = sizes[1];
        if (plan.FirstLayer == FirstLayerKind.LessonShape)
        {
            LessonShapeLayer.BackwardBlock(rows.Start, n, bits, activations[1].AsSpan(0, n * m), deltas[2].AsSpan(0, n), weights[1], m,
                gradWeights[1], gradBiases[1], gradWeights[0], gradBiases[0], deltas[1].AsSpan(0, n / 4 * m));
            return;
        }
        if (plan.FirstLayer == FirstLayerKind.SummedBits && FusedReLU(plan, rows))
        {
            if (rows.Consecutive)
                ReLUBlockLayer.Backward(rows.Start, n, bits, activations[1].AsSpan(0, n * m), deltas[2].AsSpan(0, n), weights[1],
                    gradWeights[1], gradBiases[1], gradWeights[0], gradBiases[0], m, deltas[1]);
            else if (ShareWith(helper, n, bits, m) is { } second)
                ReLUBlockLayer.BackwardAnyShared(rows.Numbers, bits, activations[1], deltas[2], weights[1], gradWeights[1], gradBiases[1],
                    gradWeights[0], gradBiases[0], m, deltas[1], fresh, rows.Chunks, step, second);
            else
                ReLUBlockLayer.BackwardAny(rows.Numbers, bits, activations[1].AsSpan(0, n * m), deltas[2].AsSpan(0, n), weights[1],
                    gradWeights[1], gradBiases[1], gradWeights[0], gradBiases[0], m, deltas[1], fresh, rows.Chunks, step);
            return;
        }
        if (CountsSigns(plan, rows) && SignCounts.Applies(deltas[2].AsSpan(0, n), out double size))
        {
            // The fused path's counts (SignCounts), without it: the output layer's gradients, then the first layer's as counts.
            DenseLayer.Backward(activations[1].AsSpan(0, n * m), deltas[2].AsSpan(0, n), weights[1], gradWeights[1], gradBiases[1],
                Span<double>.Empty, n, m, 1, plan.Activation);
            SignCounts.Gradient(rows.Numbers, rows.Chunks, bits, activations[1].AsSpan(0, n * m), deltas[2].AsSpan(0, n), size, weights[1], m,
                gradWeights[0], gradBiases[0]);
            return;
        }
        for (int l = plan.Layers - 1; l >= 1; l--)
            DenseLayer.Backward(activations[l].AsSpan(0, n * sizes[l]), deltas[l + 1].AsSpan(0, n * sizes[l + 1]), weights[l], gradWeights[l], gradBiases[l],
                deltas[l].AsSpan(0, n * sizes[l]), n, sizes[l], sizes[l + 1], plan.Activation);
        var first = deltas[1].AsSpan(0, n * m);
        if (plan.FirstLayer == FirstLayerKind.ProductSigmoid)
        {
            if (rows.Consecutive) ProductSigmoidLayer.BackwardBlock(rows.Start, n, bits, first, m, gradWeights[0], gradBiases[0]);
            else ProductSigmoidLayer.BackwardAny(rows.Numbers, bits, first, m, gradWeights[0], gradBiases[0]);
        }
        else if (rows.Consecutive) SummedBitsLayer.BackwardBlock(rows.Start, n, bits, first, m, gradWeights[0], gradBiases[0]);
        else if (rows.Chunks > 1) WideBitsLayer.BackwardAny(rows.Numbers, rows.Chunks, bits, first, m, gradWeights[0], gradBiases[0]);
        else SummedBitsLayer.BackwardAny(rows.Numbers, bits, first, m, gradWeights[0], gradBiases[0]);
    }
}
