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

    /// <summary>The inputs the cross-check runs: all 2^Bits, or a seeded sample (with 0 and the maximum) when that is too much
    /// work. Past 62 bits the sample's rows draw every bit (<see cref="WideNumbers"/> chunks), the first all 0 and the second all 1.</summary>
    internal static CrossCheckRows CrossCheckInputs(ParityNetwork network)
    {
        int bits = network.Bits, chunks = WideNumbers.Chunks(bits);
        var rng = new SeededRandom(network.Seed);
        if (chunks > 1)
        {
            var rows = new long[SampleSize * chunks];
            for (int i = 1; i < SampleSize; i++)
                for (int c = 0; c < chunks; c++)
                {
                    long top = 1L << WideNumbers.ChunkWidth(bits, c);
                    rows[i * chunks + c] = i == 1 ? top - 1 : rng.NextInt64(top);
                }
            return new CrossCheckRows(rows, chunks, bits);
        }
        long all = 1L << bits;
        long weights = network.Weights.Sum(w => (long)w.Rows * w.Columns);
        if (all <= SampleSize || EngineLimits.Enumerable(bits) && all * weights <= MaxCrossCheckWork)
        {
            var every = new long[all];
            for (long i = 0; i < all; i++) every[i] = i;
            return CrossCheckRows.Of(every, bits);
        }
        var sample = new long[SampleSize];
        sample[0] = 0;
        sample[1] = all - 1;
        for (int i = 2; i < sample.Length; i++) sample[i] = rng.NextInt64(all);
        return CrossCheckRows.Of(sample, bits);
    }

    /// <summary>How long one ONNX Runtime run of the cross-check is meant to take. Runs are sized by the time the last
    /// one took, not by a count of multiply-adds: a fixed cap small enough for the slowest machine (2^26, tens of
    /// milliseconds) ran a 16-4000-4000-1 network 4 rows at a time, streaming its 64 MB of weights from memory for
    /// every 4 rows. Stop is heard within a run: ONNX Runtime ends it at its next node once
    /// <see cref="Microsoft.ML.OnnxRuntime.RunOptions.Terminate"/> is set, and a quarter of a second measured on the
    /// wall clock stays a quarter of a second on a loaded machine.</summary>
    internal static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(250);

    /// <summary>The multiply-adds of one piece of the engine's side, between which Stop is heard: 2^30, about a
    /// tenth of a second on one core here; a piece is the engine's own group of 256 rows unless the network is wider.</summary>
    private const long PieceWork = 1L << 30;

    /// <summary>Candidates whose float32 bounds are computed at a time, so that Stop is heard between them.</summary>
    private const int BoundSlice = 256;

    /// <summary>Runs <paramref name="network"/> in the engine and <paramref name="predictor"/> in ONNX Runtime over
    /// <see cref="CrossCheckInputs"/> and holds every difference to <see cref="ToleranceFloor"/> or, above it, to that
    /// input's <see cref="Float32Bound"/>. NaN fails.</summary>
    internal static CrossCheckOutcome CrossCheck(ParityNetwork network, OnnxPredictor predictor, int batchSize, IProgress<CrossCheckProgress>? progress,
        CancellationToken cancel = default)
    {
        var inputs = CrossCheckInputs(network);
        int count0 = inputs.Count;
        long weights = Math.Max(1, network.Weights.Sum(w => (long)w.Rows * w.Columns));
        long work = count0 * weights;
        var engine = new double[count0];
        var runtime = new double[count0];
        bool all = network.Bits < 63 && count0 == (1L << network.Bits);
        int cores = Math.Max(1, Environment.ProcessorCount);
        int piece = (int)Math.Clamp(PieceWork / weights, 1, 256);
        // A chunk (what progress is told of) gives every core a few pieces, and is at most a sixteenth of the check so
        // that progress is told at every tenth; its ONNX Runtime runs are sized by time.
        int chunk = Math.Clamp(Math.Min(piece * cores * 4, Math.Max(piece, count0 / 16)), 1, Math.Max(batchSize, 1));
        int run = (int)Math.Clamp(OnnxPredictor.MaxRunWork / weights, 1, chunk); // the first run's time sizes the next
        var clock = new System.Diagnostics.Stopwatch();
        for (int start = 0; start < count0; start += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(chunk, count0 - start);
            EnginePredict(network, inputs, start, count, piece, engine, cancel);
            for (int first = start, rows; first < start + count; first += rows)
            {
                rows = Math.Min(run, start + count - first);
                clock.Restart();
                predictor.PredictRawRows(inputs, first, rows, runtime.AsSpan(first, rows), cancel);
                if (rows == run) run = NextRun(run, clock.Elapsed, Math.Max(batchSize, 1));
            }
            progress?.Report(new CrossCheckProgress(start + count, count0, all, work));
        }
        return Compare(network, inputs, engine, runtime, cancel);
    }

    /// <summary>The rows of the next run: as many as <see cref="RunTime"/> allows at the last run's pace, growing at
    /// most fourfold (a first run may be slowed by one-time work) and shrinking as far as the pace says.</summary>
    internal static int NextRun(int rows, TimeSpan took, int most)
    {
        double perRow = Math.Max(took.TotalSeconds, 1e-4) / rows;
        return (int)Math.Clamp(Math.Min(RunTime.TotalSeconds / perRow, 4.0 * rows), 1, most);
    }

    /// <summary>The engine's answers for inputs[start..start+count], in pieces of <paramref name="piece"/> rows over the
    /// cores (each piece's rows computed as one Predict call groups them); Stop is heard between pieces.</summary>
    private static void EnginePredict(ParityNetwork network, CrossCheckRows inputs, int start, int count, int piece, double[] engine, CancellationToken cancel)
    {
        int pieces = (count + piece - 1) / piece;
        try
        {
            Parallel.For(0, pieces, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
            {
                int first = start + p * piece, rows = Math.Min(piece, start + count - first);
                network.PredictRows(inputs.Slice(first, rows), engine.AsSpan(first, rows));
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
    }

    /// <summary>The differences in input order: the first NaN, or the first past its tolerance, fails the check. Only
    /// inputs past the floor pay for their own bound (a forward pass with error terms), a slice at a time, in parallel.</summary>
    private static CrossCheckOutcome Compare(ParityNetwork network, CrossCheckRows inputs, double[] engine, double[] runtime, CancellationToken cancel)
    {
        var candidates = new List<int>();
        for (int i = 0; i < inputs.Count; i++)
        {
            double d = Math.Abs(engine[i] - runtime[i]);
            if (double.IsNaN(d)) break;
            if (d > ToleranceFloor) candidates.Add(i);
        }
        var bounds = new double[candidates.Count];
        var numbers = inputs.Pick(candidates);
        for (int first = 0; first < candidates.Count; first += BoundSlice)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(BoundSlice, candidates.Count - first);
            Float32Bound.For(network, numbers, first, count, bounds.AsSpan(first, count), cancel);
            bool failed = false;
            for (int c = first; c < first + count && !failed; c++)
                failed = !(Math.Abs(engine[candidates[c]] - runtime[candidates[c]]) <= Tolerance(bounds[c]));
            if (failed) break; // the walk below stops at or before this slice
        }
        double max = 0, toleranceAtMax = ToleranceFloor;
        int next = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            double d = Math.Abs(engine[i] - runtime[i]);
            if (double.IsNaN(d)) return new CrossCheckOutcome(inputs.Count, double.NaN, ToleranceFloor, false, inputs.Describe(i), double.NaN, ToleranceFloor);
            double tolerance = ToleranceFloor;
            if (d > ToleranceFloor)
            {
                tolerance = Tolerance(bounds[next++]);
                if (!(d <= tolerance)) return new CrossCheckOutcome(inputs.Count, Math.Max(max, d), tolerance, false, inputs.Describe(i), d, tolerance);
            }
            if (d > max) { max = d; toleranceAtMax = tolerance; }
        }
        return new CrossCheckOutcome(inputs.Count, max, toleranceAtMax, true, "", 0, 0);
    }

    private static double Tolerance(double bound) => Math.Min(ToleranceCeiling, Math.Max(ToleranceFloor, bound));
}

/// <summary>What a cross-check found: inputs compared, the largest difference and the tolerance it was held to;
/// when it failed, the first input past its tolerance, its difference and that tolerance.</summary>
internal readonly record struct CrossCheckOutcome(long Compared, double MaxDiff, double Tolerance, bool Passed, string WorstInput, double WorstDiff, double WorstTolerance);

/// <summary>How far an export's cross-check has come: <see cref="Done"/> of <see cref="Total"/> inputs compared,
/// which are every input of the network when <see cref="Exhaustive"/>, else a seeded sample. <see cref="Work"/>
/// is the whole check's multiply-adds (inputs × weights), what a caller can judge "long" by without a clock.</summary>
public readonly record struct CrossCheckProgress(long Done, long Total, bool Exhaustive, long Work);
