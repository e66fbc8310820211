using System.Diagnostics;

namespace ParityNet;

/// <summary>
/// The lesson's training: full-batch gradient descent on every integer 0 … 2^Bits − 1.
/// error = y − prediction; delta = error · s(1−s); the delta goes back through each layer's
/// weights; W += alpha · (layer input)ᵀ · delta / n. This is gradient descent on ½·mean((y − p)²);
/// the lesson's sum is the same with alpha multiplied by n.
/// </summary>
public static class Trainer
{
    private const int MaxRecords = 10_000;

    /// <summary>Trains a copy of <paramref name="network"/> and returns it; the input is left as it was.
    /// Cancelling stops after the current epoch and returns the network as it was then.</summary>
    /// <exception cref="ParityNetException">a setting is invalid (thrown before any work).</exception>
    public static ParityNetwork Train(ParityNetwork network, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ParityNetwork.Validate(network.Spec);

        var clock = Stopwatch.StartNew();
        int[] sizes = network.LayerSizes.ToArray();
        int layers = sizes.Length - 1, n = 1 << network.Bits;
        bool bias = network.HasBias;

        var forward = new ForwardPass(network, n);
        var labels = new double[n];
        TrainingData.Enumerate(network.Bits, network.Task, forward.Input(n), labels);

        var weights = Enumerable.Range(0, layers).Select(l => network.LayerWeights(l).ToArray()).ToArray();
        var biases = Enumerable.Range(0, layers).Select(l => network.LayerBiases(l).ToArray()).ToArray();
        var nextWeights = weights.Select(w => new double[w.Length]).ToArray();
        var nextBiases = biases.Select(b => new double[b.Length]).ToArray();
        var weightSteps = weights.Select(w => new double[w.Length]).ToArray();
        var biasSteps = biases.Select(b => new double[b.Length]).ToArray();
        var deltas = sizes.Select((s, l) => l == 0 ? Array.Empty<double>() : new double[(long)n * s]).ToArray();

        int stride = (int)Math.Ceiling((options.Epochs + 1) / (double)MaxRecords);
        var recordedEpochs = new List<int>();
        var lossRecord = new List<double>();
        var accuracyRecord = new List<double>();
        long nextReport = options.ReportInterval.Ticks > 0 ? Stopwatch.GetTimestamp() + ToStopwatchTicks(options.ReportInterval) : long.MaxValue;

        int epoch = 0;
        double loss, accuracy;
        StopReason reason;
        while (true)
        {
            var output = forward.Run(n, weights, biases);
            (loss, accuracy) = Evaluate(output, labels);
            if (epoch % stride == 0) Record(epoch, loss, accuracy);

            if (!double.IsFinite(loss)) { reason = StopReason.Diverged; break; }
            if (options.TargetAccuracy is double ta && accuracy >= ta || options.TargetLoss is double tl && loss <= tl)
            { reason = StopReason.TargetReached; break; }
            if (epoch == options.Epochs) { reason = StopReason.EpochsDone; break; }
            if (cancellationToken.IsCancellationRequested) { reason = StopReason.Cancelled; break; }

            // Backward: the output delta, then each layer's step and the delta of the layer below.
            var delta = deltas[layers].AsSpan();
            // The mean over the batch rather than the lesson's sum: alpha then means the same at any
            // width (the sum multiplies the step by 2^Bits; measured, it saturates at 8 bits with biases).
            double scale = 1.0 / n;
            for (int i = 0; i < n; i++) delta[i] = scale * (labels[i] - output[i]) * Activations.SigmoidDerivativeFromOutput(output[i]);
            for (int l = layers - 1; l >= 0; l--)
            {
                var below = forward.Activations(l, n);
                Kernels.MatMulTransposeA(below, deltas[l + 1], weightSteps[l], n, sizes[l], sizes[l + 1]);
                if (bias) Kernels.ColumnSums(deltas[l + 1], biasSteps[l], n, sizes[l + 1]);
                if (l > 0)
                {
                    var back = deltas[l].AsSpan();
                    Kernels.MatMulTransposeB(deltas[l + 1], weights[l], back, n, sizes[l + 1], sizes[l]);
                    Kernels.SigmoidDelta(back, below, back);
                }
            }

            // Update into the spare buffers so that the last finite weights survive a divergence.
            bool finite = true;
            for (int l = 0; l < layers; l++)
            {
                finite &= Step(weights[l], weightSteps[l], options.Alpha, nextWeights[l]);
                finite &= Step(biases[l], biasSteps[l], options.Alpha, nextBiases[l]);
            }
            if (!finite) { reason = StopReason.Diverged; break; }
            (weights, nextWeights) = (nextWeights, weights);
            (biases, nextBiases) = (nextBiases, biases);
            epoch++;

            if (progress is not null && Stopwatch.GetTimestamp() >= nextReport)
            {
                progress.Report(new TrainingProgress(epoch, options.Epochs, loss, accuracy, clock.Elapsed));
                nextReport = Stopwatch.GetTimestamp() + ToStopwatchTicks(options.ReportInterval);
            }
        }
        if (recordedEpochs.Count == 0 || recordedEpochs[^1] != epoch) Record(epoch, loss, accuracy);

        var history = new TrainingHistory("GradientDescent", options, epoch, recordedEpochs, lossRecord, accuracyRecord,
            loss, accuracy, clock.Elapsed, reason);
        return network.With(weights, biases, history);

        void Record(int e, double lo, double ac)
        {
            recordedEpochs.Add(e);
            lossRecord.Add(lo);
            accuracyRecord.Add(ac);
        }
    }

    /// <summary>Mean squared error and accuracy (threshold 0.5) of outputs against labels.</summary>
    internal static (double Loss, double Accuracy) Evaluate(ReadOnlySpan<double> output, ReadOnlySpan<double> labels)
    {
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double e = labels[i] - output[i];
            sum += e * e;
            if ((output[i] >= 0.5 ? 1.0 : 0.0) == labels[i]) correct++;
        }
        return (sum / labels.Length, correct / (double)labels.Length);
    }

    private static bool Step(ReadOnlySpan<double> current, ReadOnlySpan<double> step, double alpha, Span<double> next)
    {
        bool finite = true;
        for (int i = 0; i < current.Length; i++)
        {
            double v = current[i] + alpha * step[i];
            next[i] = v;
            finite &= double.IsFinite(v);
        }
        return finite;
    }

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
