namespace ParityNet;

/// <summary>
/// The lesson's algorithm written plainly: scalar loops, Math.Exp, one number at a time. It is the
/// specification: every fast path of the engine (the bit kernels, the product sigmoid, the lesson
/// shape's four-row kernels, the blocked dense products, the parallel tiles) is held to it by the
/// tests, so it must stay simple enough to check by eye. Plain steps only (gradient descent and SGD:
/// p −= α·g). <see cref="Trace"/> shows one number's pass with the lesson's variables.
/// </summary>
public static class ReferenceTrainer
{
    /// <summary>Weights (inputs × units, row-major) and biases per layer, and the loss measured at the last epoch.</summary>
    public sealed record Result(double[][] Weights, double[][] Biases, double Loss);

    /// <summary>Trains a copy of <paramref name="start"/>'s parameters for <paramref name="epochs"/> epochs, as the engine's
    /// trainer does with <see cref="OptimizerKind.GradientDescent"/> (<paramref name="batchSize"/> null: one step per epoch
    /// on every integer) or <see cref="OptimizerKind.Sgd"/> (batches of the integers, reshuffled each epoch from
    /// <paramref name="seed"/>, the network's by default). Wide inputs (over 16 bits) train on the engine's seeded samples
    /// of <paramref name="sampleSize"/> and are measured on its held-out one (of <paramref name="heldOutSize"/> when given; with
    /// <paramref name="checkEvery"/>, an epoch is that many fresh batches). Each epoch measures the loss first, as the trainer does.
    /// <paramref name="weightDecay"/> adds λ·p to each gradient (PyTorch's weight_decay); <paramref name="randomLabels"/> trains on
    /// the control run's random labels. Signed networks multiply ±1 inputs directly.</summary>
    public static Result Train(ParityNetwork start, double alpha, int epochs, LossFunction loss = LossFunction.MeanSquaredError,
        int? batchSize = null, long? seed = null, int sampleSize = TrainingOptions.DefaultSampleSize,
        double weightDecay = 0, int? heldOutSize = null, int? checkEvery = null, bool randomLabels = false)
    {
        ArgumentNullException.ThrowIfNull(start);
        var w = start.Weights.Select(m => m.AsSpan().ToArray()).ToArray();
        var b = start.Biases.Select(v => (double[])v.Clone()).ToArray();
        long runSeed = seed ?? start.Seed;
        int trainRows = checkEvery is int every ? every * (batchSize ?? TrainingOptions.DefaultBatchSize) : sampleSize;
        var set = new TrainingSet(start.Bits, trainRows, heldOutSize ?? sampleSize, runSeed);
        long? labelSeed = randomLabels ? TaskLabels.RandomLabelSeed(runSeed) : null;
        long[] all = set.Enumerated ? Enumerable.Range(0, set.TrainRows).Select(i => (long)i).ToArray() : set.EvalNumbers!;
        long[] order = (long[])all.Clone();
        var shuffle = MiniBatchOrder.Random(runSeed);

        double measured = 0;
        for (int epoch = 0; ; epoch++)
        {
            var (lossSum, _, _) = Gradients(start, w, b, loss, all);
            measured = lossSum / (all.Length / set.Chunks);
            if (epoch == epochs) break;

            set.NextEpoch();
            long[] numbers = set.Enumerated ? order : set.TrainNumbers!;
            int chunks = set.Chunks, rows = numbers.Length / chunks; // a row is one integer, or its chunks past 62 bits
            int batch = batchSize ?? rows;
            if (set.Enumerated && batch < rows) MiniBatchOrder.Shuffle(order, shuffle);
            for (int first = 0; first < rows; first += batch)
            {
                var (_, gw, gb) = Gradients(start, w, b, loss, numbers.AsSpan(first * chunks, Math.Min(batch, rows - first) * chunks).ToArray(), labelSeed);
                for (int l = 0; l < w.Length; l++)
                {
                    for (int i = 0; i < w[l].Length; i++) w[l][i] -= alpha * (gw[l][i] + weightDecay * w[l][i]);
                    for (int i = 0; i < b[l].Length; i++) b[l][i] -= alpha * (gb[l][i] + weightDecay * b[l][i]);
                }
            }
        }
        return new Result(w, b, measured);
    }

    /// <summary>The loss summed over <paramref name="numbers"/>, and the gradient of the mean objective (½·mean squared
    /// error, mean cross-entropy or mean hinge) with respect to every weight and bias; with <paramref name="randomLabelSeed"/>,
    /// against the control run's random labels (<see cref="TaskLabels.RandomLabel"/>) instead of the task's. Past 62 bits
    /// each row of <paramref name="numbers"/> is <see cref="WideNumbers.Chunks"/> longs.</summary>
    public static (double LossSum, double[][] WeightGradients, double[][] BiasGradients) Gradients(
        ParityNetwork shape, double[][] weights, double[][] biases, LossFunction loss, long[] numbers, long? randomLabelSeed = null)
    {
        int[] sizes = shape.LayerSizes.ToArray();
        var gw = weights.Select(m => new double[m.Length]).ToArray();
        var gb = biases.Select(v => new double[v.Length]).ToArray();
        double lossSum = 0;
        int chunks = WideNumbers.Chunks(shape.Bits), rows = numbers.Length / chunks;
        for (int r = 0; r < rows; r++)
        {
            var pass = Pass(shape, weights, biases, loss, numbers.AsSpan(r * chunks, chunks), rows, randomLabelSeed);
            lossSum += pass.Loss;
            // Each synapse's share is its input times the delta of the layer it feeds.
            for (int l = 0; l < weights.Length; l++)
            {
                for (int i = 0; i < sizes[l]; i++)
                    for (int j = 0; j < sizes[l + 1]; j++) gw[l][i * sizes[l + 1] + j] += pass.Outputs[l][i] * pass.Deltas[l + 1][j];
                for (int j = 0; j < gb[l].Length; j++) gb[l][j] += pass.Deltas[l + 1][j];
            }
        }
        return (lossSum, gw, gb);
    }

    /// <summary>One number's pass with the lesson's variables: the bits, each layer's pre-activations and outputs, the
    /// prediction, the error and the deltas, and each synapse matrix's contribution to the update (its input layerᵀ ·
    /// the delta), in the lesson's sign (the way the weights move: W += α · contribution). Contributions summed over
    /// every integer and divided by their count are minus the gradient of one full-batch step.</summary>
    /// <remarks>A wide network's trace is large work (each synapse's contribution and step, for every weight):
    /// <paramref name="cancel"/> is checked for every row of every synapse.</remarks>
    public static NumberTrace Trace(ParityNetwork network, long number, LossFunction loss = LossFunction.MeanSquaredError, double alpha = TrainingOptions.DefaultAlpha,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.CheckNumber(number);
        var w = network.Weights.Select(m => m.AsSpan().ToArray()).ToArray();
        var b = network.Biases.Select(v => (double[])v.Clone()).ToArray();
        cancel.ThrowIfCancellationRequested();
        var row = new long[WideNumbers.Chunks(network.Bits)];
        WideNumbers.FromLong(number, row);
        var pass = Pass(network, w, b, loss, row, 1);
        cancel.ThrowIfCancellationRequested();
        int[] sizes = network.LayerSizes.ToArray();
        int layers = sizes.Length - 1;
        double rows = EngineLimits.TrainingRows(network.Bits, TrainingOptions.DefaultSampleSize);
        // The lesson's sign: its deltas point the way the weights move (error = y − p). Negation is exact.
        var deltas = pass.Deltas.Select(d => d.Select(v => -v).ToArray()).ToArray();
        var errors = pass.Errors.Select(e => e.Select(v => -v).ToArray()).ToArray();
        var synapses = new SynapseTrace[layers];
        for (int l = 0; l < layers; l++)
        {
            var contribution = new double[sizes[l]][];
            var step = new double[sizes[l]][];
            for (int i = 0; i < sizes[l]; i++)
            {
                cancel.ThrowIfCancellationRequested();
                contribution[i] = new double[sizes[l + 1]];
                step[i] = new double[sizes[l + 1]];
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    contribution[i][j] = -(pass.Outputs[l][i] * pass.Deltas[l + 1][j]);
                    step[i][j] = alpha * contribution[i][j] / rows;
                }
            }
            synapses[l] = new SynapseTrace(l, contribution, step, b[l].Length > 0 ? deltas[l + 1] : Array.Empty<double>());
        }
        var layerTraces = new LayerTrace[layers];
        for (int l = 1; l <= layers; l++)
            layerTraces[l - 1] = new LayerTrace(l, l == layers ? Activation.Sigmoid : network.Activation, pass.PreActivations[l], pass.Outputs[l], errors[l], deltas[l]);
        double prediction = pass.Outputs[layers][0];
        return new NumberTrace(network, number, loss, alpha, rows, pass.Outputs[0], layerTraces, prediction, pass.Label, pass.Loss, synapses);
    }

    /// <summary>A number's forward and backward pass. Deltas are ∂objective/∂z of the mean over n rows
    /// (the gradient's sign); errors are what each layer receives from the one above before its derivative.</summary>
    private sealed record PassValues(double[][] PreActivations, double[][] Outputs, double[][] Errors, double[][] Deltas, double Label, double Loss);

    private static PassValues Pass(ParityNetwork shape, double[][] weights, double[][] biases, LossFunction loss, ReadOnlySpan<long> number, int n,
        long? randomLabelSeed = null)
    {
        int[] sizes = shape.LayerSizes.ToArray();
        int layers = sizes.Length - 1;

        // Forward: layer 0 is the input, the integer's bits; each layer is activation(input · W + bias).
        var z = new double[layers + 1][];
        var a = new double[layers + 1][];
        z[0] = Array.Empty<double>();
        a[0] = new double[sizes[0]];
        WideNumbers.Encode(number, shape.Bits, a[0]); // one integer, or past 62 bits its chunks
        if (shape.SignedInputs) for (int i = 0; i < a[0].Length; i++) a[0][i] = 2 * a[0][i] - 1; // ±1 inputs: bit b enters as 2b − 1
        for (int l = 0; l < layers; l++)
        {
            z[l + 1] = new double[sizes[l + 1]];
            a[l + 1] = new double[sizes[l + 1]];
            bool output = l == layers - 1;
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                double sum = biases[l].Length > 0 ? biases[l][j] : 0;
                for (int i = 0; i < sizes[l]; i++) sum += a[l][i] * weights[l][i * sizes[l + 1] + j];
                z[l + 1][j] = sum;
                a[l + 1][j] = output ? 1.0 / (1.0 + Math.Exp(-sum)) : Activate(shape.Activation, sum);
            }
        }

        // The output's error and its delta (the lesson's weighted error, sign turned: we descend).
        double prediction = a[layers][0];
        double label = randomLabelSeed is long labelSeed ? WideNumbers.RandomLabel(labelSeed, number)
            : WideNumbers.Label(shape.Task, number, WideNumbers.Masks(shape.Support, shape.Bits));
        double lossValue = Losses.Value(loss, z[layers][0], prediction, label);
        var errors = new double[layers + 1][];
        var deltas = new double[layers + 1][];
        errors[layers] = new[] { prediction - label };
        deltas[layers] = new[] { Losses.OutputGradient(loss, z[layers][0], prediction, label) / n };

        // Backward: the error passes down through W; each layer's delta is its error times the derivative.
        for (int l = layers - 1; l >= 1; l--)
        {
            errors[l] = new double[sizes[l]];
            deltas[l] = new double[sizes[l]];
            for (int i = 0; i < sizes[l]; i++)
            {
                double error = 0;
                for (int j = 0; j < sizes[l + 1]; j++) error += deltas[l + 1][j] * weights[l][i * sizes[l + 1] + j];
                errors[l][i] = error;
                deltas[l][i] = error * Derivative(shape.Activation, a[l][i]);
            }
        }
        errors[0] = deltas[0] = Array.Empty<double>();
        return new PassValues(z, a, errors, deltas, label, lossValue);
    }

    private static double Activate(Activation activation, double z) => activation switch
    {
        Activation.Sigmoid => 1.0 / (1.0 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        _ => z > 0 ? z : 0,
    };

    // The derivative from the unit's output a, as the lesson takes it: s(1 − s), 1 − a², or a > 0.
    private static double Derivative(Activation activation, double a) => activation switch
    {
        Activation.Sigmoid => a * (1 - a),
        Activation.Tanh => 1 - a * a,
        _ => a > 0 ? 1 : 0,
    };
}
