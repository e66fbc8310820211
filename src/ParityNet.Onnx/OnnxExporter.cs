namespace ParityNet;

/// <summary>
/// Writes a network to ONNX and proves the file: it is written to a temporary name in the target
/// folder, reloaded in ONNX Runtime, run on every input (or a seeded sample for very large
/// networks) and compared with the engine; only then is it moved into place.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The largest |engine − ONNX Runtime| difference accepted (float32 weights and arithmetic against double).</summary>
    public const double Tolerance = 1e-6;

    /// <summary>The sample size when enumerating every input would cost more than <see cref="MaxCrossCheckWork"/>.</summary>
    public const int SampleSize = 16_384;

    /// <summary>The most multiply-adds (inputs × weights) spent on enumerating every input in the cross-check.</summary>
    public const long MaxCrossCheckWork = 1L << 31;

    /// <summary>Exports <paramref name="network"/> to <paramref name="path"/> (a full file-system path).</summary>
    /// <exception cref="ParityNetException">the file exists and <paramref name="overwrite"/> is false, the folder
    /// is missing, or ONNX Runtime disagrees with the engine (then no file is left behind).</exception>
    /// <remarks><paramref name="progress"/>, if given, is told how many cross-check inputs are done, on the calling thread.</remarks>
    public static OnnxExportResult Export(ParityNetwork network, string path, bool overwrite = false, int batchSize = OnnxPredictor.DefaultBatchSize,
        IProgress<CrossCheckProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(path) ?? throw OnnxErrors.NotFound(path);
        if (!Directory.Exists(folder)) throw OnnxErrors.NotFound(folder);
        if (Directory.Exists(path))
            throw new ParityNetException(OnnxErrorIds.FileExists, ParityErrorKind.InvalidArgument, $"'{path}' is a folder; give a file name such as model.onnx.", path);
        if (!overwrite && File.Exists(path)) throw Exists(path);

        byte[] bytes = OnnxModelBuilder.Serialize(network);
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            var (compared, maxDiff) = CrossCheck(network, temp, batchSize, progress);
            if (!(maxDiff <= Tolerance))
                throw new ParityNetException(OnnxErrorIds.CrossCheckFailed, ParityErrorKind.InvalidData,
                    $"ONNX Runtime's answers differ from the engine's by up to {maxDiff:0.###e+0} over {compared} inputs, more than {Tolerance:0e+0}; '{path}' was not written.",
                    maxDiff);
            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                throw Exists(path);
            }
            return new OnnxExportResult(path, OnnxFormat.Opset, OnnxFormat.IrVersion, bytes.Length, compared, maxDiff, network);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityNetException(OnnxErrorIds.WriteFailed, ParityErrorKind.InvalidOperation,
                $"Could not write '{path}': {ex.Message}", path, ex);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The inputs the cross-check runs: all 2^Bits, or a seeded sample (with 0 and the maximum) when that is too much work.</summary>
    internal static long[] CrossCheckInputs(ParityNetwork network)
    {
        long all = 1L << network.Bits;
        long weights = network.Weights.Sum(w => (long)w.Rows * w.Columns);
        if (all <= SampleSize || network.Bits <= EngineLimits.MaxEnumerableBits && all * weights <= MaxCrossCheckWork)
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

    private static (long Compared, double MaxDiff) CrossCheck(ParityNetwork network, string file, int batchSize, IProgress<CrossCheckProgress>? progress)
    {
        var inputs = CrossCheckInputs(network);
        long work = inputs.Length * network.Weights.Sum(w => (long)w.Rows * w.Columns);
        var engine = new double[inputs.Length];
        var runtime = new double[inputs.Length];
        bool all = inputs.Length == (1L << network.Bits);
        using (var predictor = OnnxPredictor.Open(file))
        {
            // A batch at a time, so that progress can be told on long checks.
            int chunk = Math.Max(batchSize, 1);
            for (int start = 0; start < inputs.Length; start += chunk)
            {
                int count = Math.Min(chunk, inputs.Length - start);
                var numbers = inputs.AsSpan(start, count);
                network.Predict(numbers, engine.AsSpan(start, count));
                predictor.Predict(numbers, runtime.AsSpan(start, count), batchSize);
                progress?.Report(new CrossCheckProgress(start + count, inputs.Length, all, work));
            }
        }
        double max = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            double d = Math.Abs(engine[i] - runtime[i]);
            if (double.IsNaN(d)) return (inputs.Length, double.NaN); // fails the tolerance check
            if (d > max) max = d;
        }
        return (inputs.Length, max);
    }

    private static ParityNetException Exists(string path) =>
        new(OnnxErrorIds.FileExists, ParityErrorKind.InvalidOperation,
            $"'{path}' already exists. Add -Force to overwrite it, or choose another -Path.", path);
}

/// <summary>How far an export's cross-check has come: <see cref="Done"/> of <see cref="Total"/> inputs compared,
/// which are every input of the network when <see cref="Exhaustive"/>, else a seeded sample. <see cref="Work"/>
/// is the whole check's multiply-adds (inputs × weights), what a caller can judge "long" by without a clock.</summary>
public readonly record struct CrossCheckProgress(long Done, long Total, bool Exhaustive, long Work);
