namespace ParityNet;

/// <summary>
/// The lesson's algorithm written plainly: scalar loops, Math.Exp, one number at a time. It is the
/// specification: every fast path of the engine (the bit kernels, the product sigmoid, the fused
/// lesson shape, the blocked dense products, the parallel tiles) is held to it by the tests, so it
/// must stay simple enough to check by eye. Plain steps only (gradient descent and SGD: p −= α·g).
/// </summary>
public static class ReferenceTrainer
{
    /// <summary>Weights (inputs × units, row-major) and biases per layer, and the loss measured at the last epoch.</summary>
    public sealed record Result(double[][] Weights, double[][] Biases, double Loss);

    /// <summary>Trains a copy of <paramref name="start"/>'s parameters for <paramref name="epochs"/> epochs, as the engine's
    /// trainer does with <see cref="OptimizerKind.GradientDescent"/> (<paramref name="batchSize"/> null: one step per epoch
    /// on every integer) or <see cref="OptimizerKind.Sgd"/> (batches of the integers, reshuffled each epoch from
    /// <paramref name="seed"/>, the network's by default). Wide inputs (over 16 bits) train on the engine's seeded samples
    /// of <paramref name="sampleSize"/> and are measured on its held-out one. Each epoch measures the loss first, as the trainer does.</summary>
    public static Result Train(ParityNetwork start, double alpha, int epochs, LossFunction loss = LossFunction.MeanSquaredError,
        int? batchSize = null, long? seed = null, int sampleSize = TrainingOptions.DefaultSampleSize)
    {
        ArgumentNullException.ThrowIfNull(start);
        var w = start.Weights.Select(m => m.AsSpan().ToArray()).ToArray();
        var b = start.Biases.Select(v => (double[])v.Clone()).ToArray();
        long runSeed = seed ?? start.Seed;
        var set = new TrainingSet(start.Bits, sampleSize, runSeed);
        long[] all = set.Enumerated ? Enumerable.Range(0, set.TrainRows).Select(i => (long)i).ToArray() : set.EvalNumbers!;
        long[] order = (long[])all.Clone();
        var shuffle = MiniBatchOrder.Random(runSeed);

        double measured = 0;
        for (int epoch = 0; ; epoch++)
        {
            var (lossSum, _, _) = Gradients(start, w, b, loss, all);
            measured = lossSum / all.Length;
            if (epoch == epochs) break;

            set.NextEpoch();
            long[] numbers = set.Enumerated ? order : set.TrainNumbers!;
            int batch = batchSize ?? numbers.Length;
            if (set.Enumerated && batch < numbers.Length) MiniBatchOrder.Shuffle(order, shuffle);
            for (int first = 0; first < numbers.Length; first += batch)
            {
                var (_, gw, gb) = Gradients(start, w, b, loss, numbers.AsSpan(first, Math.Min(batch, numbers.Length - first)).ToArray());
                for (int l = 0; l < w.Length; l++)
                {
                    for (int i = 0; i < w[l].Length; i++) w[l][i] -= alpha * gw[l][i];
                    for (int i = 0; i < b[l].Length; i++) b[l][i] -= alpha * gb[l][i];
                }
            }
        }
        return new Result(w, b, measured);
    }

    /// <summary>The loss summed over <paramref name="numbers"/>, and the gradient of the mean objective (½·mean squared
    /// error, or mean cross-entropy) with respect to every weight and bias.</summary>
    public static (double LossSum, double[][] WeightGradients, double[][] BiasGradients) Gradients(
        ParityNetwork shape, double[][] weights, double[][] biases, LossFunction loss, long[] numbers)
    {
        int[] sizes = shape.LayerSizes.ToArray();
        int layers = sizes.Length - 1, n = numbers.Length;
        var gw = weights.Select(m => new double[m.Length]).ToArray();
        var gb = biases.Select(v => new double[v.Length]).ToArray();
        double lossSum = 0;
        foreach (long number in numbers)
        {
            // Forward: layer 0 is the input, the integer's bits; each layer is activation(input · W + bias).
            var a = new double[layers + 1][];
            a[0] = new double[sizes[0]];
            BitEncoding.Encode(number, shape.Bits, a[0]);
            double logit = 0;
            for (int l = 0; l < layers; l++)
            {
                a[l + 1] = new double[sizes[l + 1]];
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    double z = biases[l].Length > 0 ? biases[l][j] : 0;
                    for (int i = 0; i < sizes[l]; i++) z += a[l][i] * weights[l][i * sizes[l + 1] + j];
                    bool output = l == layers - 1;
                    if (output) logit = z;
                    a[l + 1][j] = output ? 1.0 / (1.0 + Math.Exp(-z)) : Activate(shape.Activation, z);
                }
            }

            // The output's error and its delta (the lesson's weighted error, sign turned: we descend).
            double prediction = a[layers][0], label = TaskLabels.Label(shape.Task, number);
            lossSum += Losses.Value(loss, logit, prediction, label);
            var delta = new[] { Losses.OutputGradient(loss, prediction, label) / n };

            // Backward: each synapse's share is input · delta; the error passes down through W.
            for (int l = layers - 1; l >= 0; l--)
            {
                for (int i = 0; i < sizes[l]; i++)
                    for (int j = 0; j < sizes[l + 1]; j++) gw[l][i * sizes[l + 1] + j] += a[l][i] * delta[j];
                for (int j = 0; j < gb[l].Length; j++) gb[l][j] += delta[j];
                if (l == 0) break;
                var below = new double[sizes[l]];
                for (int i = 0; i < sizes[l]; i++)
                {
                    double error = 0;
                    for (int j = 0; j < sizes[l + 1]; j++) error += delta[j] * weights[l][i * sizes[l + 1] + j];
                    below[i] = error * Derivative(shape.Activation, a[l][i]);
                }
                delta = below;
            }
        }
        return (lossSum, gw, gb);
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
