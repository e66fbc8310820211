namespace ParityNet;

/// <summary>
/// Writes a network to ONNX and proves the file: it is written to a temporary name in the target
/// folder, reloaded in ONNX Runtime, run on every input (or a seeded sample for very large
/// networks) and compared with the engine; only then is it moved into place.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The difference |engine − ONNX Runtime| every input may have (float32 weights and arithmetic against
    /// float64). An input that differs by more is held to its own bound, <see cref="Float32Bound"/>: what float32
    /// arithmetic can honestly make of that number in that network (wide and deep networks differ by more).</summary>
    public const double ToleranceFloor = 1e-6;

    /// <summary>The most any answer may differ, whatever float32's bound: past it the float32 file does not compute
    /// the network (its weights cancel beyond float32's 24 bits), and the export fails rather than write it.</summary>
    public const double ToleranceCeiling = 1e-2;

    /// <summary>The sample size when enumerating every input would cost more than <see cref="MaxCrossCheckWork"/>.</summary>
    public const int SampleSize = 16_384;

    /// <summary>The most multiply-adds (inputs × weights) spent on enumerating every input in the cross-check.</summary>
    public const long MaxCrossCheckWork = 1L << 31;

    /// <summary>Exports <paramref name="network"/> to <paramref name="path"/> (a full file-system path).</summary>
    /// <exception cref="ParityNetException">the file exists and <paramref name="overwrite"/> is false, the folder
    /// is missing, or ONNX Runtime disagrees with the engine (then no file is left behind).</exception>
    /// <remarks><paramref name="progress"/>, if given, is told how many cross-check inputs are done, on the calling thread.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled during the cross-check; no file is left.</exception>
    public static OnnxExportResult Export(ParityNetwork network, string path, bool overwrite = false, int batchSize = OnnxPredictor.DefaultBatchSize,
        IProgress<CrossCheckProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        byte[] bytes = OnnxModelBuilder.Serialize(network);
        CrossCheckOutcome check = default;
        SafeFile.Write(path, overwrite, "model.onnx", temp =>
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            using (var predictor = OnnxPredictor.Open(temp))
                check = CrossCheck(network, predictor, batchSize, progress, cancel);
            if (!check.Passed)
                throw new ParityNetException(ErrorIds.CrossCheckFailed, ParityErrorKind.InvalidData,
                    $"ONNX Runtime's answer for {check.WorstInput} differs from the engine's by {check.WorstDiff:0.###e+0}, more than " +
                    (check.WorstTolerance >= ToleranceCeiling
                        ? $"the {ToleranceCeiling:0.##} any answer may be off: in float32, as ONNX holds it, this network computes something else (its weights and biases cancel beyond float32's 24 bits; train it with smaller weights, e.g. a smaller -Alpha)"
                        : $"float32 arithmetic allows there ({check.WorstTolerance:0.###e+0})") + $"; '{path}' was not written.",
                    check.WorstDiff);
        });
        return new OnnxExportResult(path, OnnxFormat.Opset, OnnxFormat.IrVersion, bytes.Length, check.Compared, check.MaxDiff, network) { Tolerance = check.Tolerance };
    }

    /// <summary>The inputs the cross-check runs: all 2^Bits, or a seeded sample (with 0 and the maximum) when that is too much work.</summary>
    internal static long[] CrossCheckInputs(ParityNetwork network)
    {
        long all = 1L << network.Bits;
        long weights = network.Weights.Sum(w => (long)w.Rows * w.Columns);
        if (all <= SampleSize || EngineLimits.Enumerable(network.Bits) && all * weights <= MaxCrossCheckWork)
        {
            var every = new long[all];
            for (long i = 0; i < all; i++) every[i] = i;
            return every;
        }
        var rng = new SeededRandom(network.Seed);
        var sample = new long[SampleSize];
        sample[0] = 0;
        sample[1] = all - 1;
        for (int i = 2; i < sample.Length; i++) sample[i] = rng.NextInt64(all);
        return sample;
    }

    /// <summary>Runs <paramref name="network"/> in the engine and <paramref name="predictor"/> in ONNX Runtime over
    /// <see cref="CrossCheckInputs"/> and holds every difference to <see cref="ToleranceFloor"/> or, above it, to that
    /// input's <see cref="Float32Bound"/>. NaN fails.</summary>
    internal static CrossCheckOutcome CrossCheck(ParityNetwork network, OnnxPredictor predictor, int batchSize, IProgress<CrossCheckProgress>? progress,
        CancellationToken cancel = default)
    {
        var inputs = CrossCheckInputs(network);
        long weights = network.Weights.Sum(w => (long)w.Rows * w.Columns);
        long work = inputs.Length * weights;
        var engine = new double[inputs.Length];
        var runtime = new double[inputs.Length];
        bool all = inputs.Length == (1L << network.Bits);
        // A chunk at a time, so that progress can be told and Ctrl+C heard: at most a batch, and at most
        // OnnxPredictor.MaxRunWork multiply-adds, so that a wide network's chunk takes tens of milliseconds.
        int chunk = (int)Math.Clamp(OnnxPredictor.MaxRunWork / Math.Max(weights, 1), 1, Math.Max(batchSize, 1));
        for (int start = 0; start < inputs.Length; start += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(chunk, inputs.Length - start);
            var numbers = inputs.AsSpan(start, count);
            network.Predict(numbers, engine.AsSpan(start, count));
            predictor.PredictRaw(numbers, runtime.AsSpan(start, count), batchSize, cancel);
            progress?.Report(new CrossCheckProgress(start + count, inputs.Length, all, work));
        }
        double max = 0, toleranceAtMax = ToleranceFloor;
        for (int i = 0; i < inputs.Length; i++)
        {
            double d = Math.Abs(engine[i] - runtime[i]);
            if (double.IsNaN(d)) return new CrossCheckOutcome(inputs.Length, double.NaN, ToleranceFloor, false, inputs[i], double.NaN, ToleranceFloor);
            double tolerance = ToleranceFloor;
            if (d > ToleranceFloor)
            {
                // Only inputs past the floor pay for their own bound: a forward pass with error terms.
                cancel.ThrowIfCancellationRequested();
                tolerance = Math.Min(ToleranceCeiling, Math.Max(ToleranceFloor, Float32Bound.For(network, inputs[i])));
                if (!(d <= tolerance)) return new CrossCheckOutcome(inputs.Length, Math.Max(max, d), tolerance, false, inputs[i], d, tolerance);
            }
            if (d > max) { max = d; toleranceAtMax = tolerance; }
        }
        return new CrossCheckOutcome(inputs.Length, max, toleranceAtMax, true, -1, 0, 0);
    }
}

/// <summary>What a cross-check found: inputs compared, the largest difference and the tolerance it was held to;
/// when it failed, the first input past its tolerance, its difference and that tolerance.</summary>
internal readonly record struct CrossCheckOutcome(long Compared, double MaxDiff, double Tolerance, bool Passed, long WorstInput, double WorstDiff, double WorstTolerance);

/// <summary>How far an export's cross-check has come: <see cref="Done"/> of <see cref="Total"/> inputs compared,
/// which are every input of the network when <see cref="Exhaustive"/>, else a seeded sample. <see cref="Work"/>
/// is the whole check's multiply-adds (inputs × weights), what a caller can judge "long" by without a clock.</summary>
public readonly record struct CrossCheckProgress(long Done, long Total, bool Exhaustive, long Work);
