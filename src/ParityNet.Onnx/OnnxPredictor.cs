using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>
/// An ONNX model loaded once into ONNX Runtime, answering numbers in batches. A ParityNet file is read
/// as its metadata says; any other model with one float or double input [N, Bits] and one output [N, 1]
/// or [N, 2] is read as <see cref="ForeignOptions"/> say (task, bit order, and what the output holds when
/// its last node is not Sigmoid or Softmax). The file is read once; dispose the predictor to free the session.
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    /// <summary>Rows per Run call unless told otherwise.</summary>
    public const int DefaultBatchSize = 4096;

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OnnxSignature _signature;
    private readonly long _workPerRow;

    private OnnxPredictor(InferenceSession session, OnnxSignature signature, long workPerRow, ParityNetwork? network, ParityTask task,
        BitOrder bitOrder, OnnxOutputKind outputKind, string source, string reading)
    {
        _session = session;
        _signature = signature;
        _workPerRow = Math.Max(workPerRow, 1);
        _inputNames = new[] { signature.InputName };
        _outputNames = new[] { signature.OutputName };
        Network = network;
        Task = task;
        BitOrder = bitOrder;
        OutputKind = outputKind;
        Source = source;
        Reading = reading;
    }

    /// <summary>The network as a ParityNet file holds it (float32 weights); null for a model another tool wrote.</summary>
    public ParityNetwork? Network { get; }

    /// <summary>The input width.</summary>
    public int Bits => _signature.Bits;

    /// <summary>The task: from the file's ParityNet metadata, else as given.</summary>
    public ParityTask Task { get; }

    /// <summary>The order of the bits along the model's input.</summary>
    public BitOrder BitOrder { get; }

    /// <summary>What the output holds: a probability, or a logit that σ (softmax for two columns) turns into one.</summary>
    public OnnxOutputKind OutputKind { get; }

    /// <summary>Whether the file carries ParityNet metadata.</summary>
    public bool IsParityNet => Network is not null;

    /// <summary>The model's input and output.</summary>
    public OnnxSignature Signature => _signature;

    /// <summary>The file the predictions come from.</summary>
    public string Source { get; }

    /// <summary>How the model is read, in a sentence (for -Verbose).</summary>
    public string Reading { get; }

    /// <summary>The most multiply-adds one ONNX Runtime run of Test-Parity is given: about 20-60 ms here, so that answers
    /// stream and Ctrl+C, which ONNX Runtime sees between nodes (<see cref="RunOptions.Terminate"/>), is never far away
    /// even in a wide model. The cross-check starts at this size and then sizes its runs by time
    /// (<see cref="OnnxExporter.RunTime"/>): a few rows a run streams a wide model's weights from memory every run.</summary>
    public const long MaxRunWork = 1L << 26;

    /// <summary>The rows one run takes at most: <see cref="DefaultBatchSize"/>, fewer for wide models (<see cref="MaxRunWork"/>).
    /// Test-Parity answers this many numbers at a time, so that answers stream and Ctrl+C keeps those already given.</summary>
    public int RowsPerRun => (int)Math.Clamp(MaxRunWork / _workPerRow, 1, DefaultBatchSize);

    /// <summary>Loads <paramref name="path"/> into ONNX Runtime.</summary>
    /// <exception cref="ParityNetException">the file is missing or not ONNX; it is not a model ParityNet can run
    /// (<see cref="ErrorIds.UnsupportedGraph"/>); its output's meaning is unknown and not given
    /// (<see cref="ErrorIds.OutputKindUnknown"/>); or ONNX Runtime rejects it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled between the load's phases
    /// (reading, parsing and checking, ONNX Runtime's session), each at most a few seconds for a 1 GiB file.</exception>
    public static OnnxPredictor Open(string path, ForeignOptions? options = null, CancellationToken cancel = default)
    {
        try
        {
            byte[] bytes = OnnxImporter.ReadFile(path);
            cancel.ThrowIfCancellationRequested();
            var model = OnnxImporter.Parse(bytes, path);
            cancel.ThrowIfCancellationRequested();
            return FromModel(model, path, options, null, cancel);
        }
        catch (OutOfMemoryException ex)
        {
            throw OnnxErrors.OutOfMemory(path, "the file could not be read and checked", ex);
        }
    }

    internal static OnnxPredictor FromBytes(byte[] bytes, string source, ForeignOptions? options) =>
        FromModel(OnnxImporter.Parse(bytes, source), source, options, null);

    /// <summary>A predictor of a model already parsed (and, for a ParityNet file, already read into <paramref name="network"/>).</summary>
    internal static OnnxPredictor FromModel(ModelProto model, string source, ForeignOptions? options, ParityNetwork? network, CancellationToken cancel = default)
    {
        if (OnnxImporter.IsParityNet(model))
        {
            network ??= OnnxImporter.ToNetwork(model, source);
            var signature = new OnnxSignature(OnnxFormat.InputName, false, network.Bits, null, OnnxFormat.OutputName, false, 1, "Sigmoid");
            long work = network.Weights.Sum(w => (long)w.Rows * w.Columns);
            cancel.ThrowIfCancellationRequested();
            return new OnnxPredictor(CreateSession(model, signature.InputName, source), signature, work, network, network.Task, BitOrder.MsbFirst, OnnxOutputKind.Probability, source,
                $"a ParityNet file: task {network.Task}, bits most significant first{(network.SignedInputs ? " (fed as 0/1; the graph makes them ±1)" : "")}, output the probability of label 1");
        }
        options ??= new ForeignOptions();
        if (options.Task == ParityTask.SparseParity) throw ForeignMlp.NoSupport(source);
        var sig = ForeignMlp.Signature(model, source);
        long workPerRow = ForeignMlp.CheckRunnable(model, source, sig);
        OnnxOutputKind kind;
        string why;
        if (options.OutputKind is { } given)
        {
            kind = given;
            why = $"read as a {(given == OnnxOutputKind.Logit ? "logit" : "probability")}, as given";
        }
        else if (sig.LastOp is "Sigmoid" or "Softmax")
        {
            kind = OnnxOutputKind.Probability;
            why = $"read as a probability: its last node is {sig.LastOp}";
        }
        else
        {
            throw new ParityNetException(ErrorIds.OutputKindUnknown, ParityErrorKind.InvalidArgument,
                $"'{source}' has no ParityNet metadata and its output '{sig.OutputName}' comes from {(sig.LastOp is null ? "no node" : $"a {sig.LastOp} node")}, not Sigmoid or Softmax, so it may hold logits or probabilities. " +
                "Say which with ⟦OutputKind⟧ Logit (ParityNet applies σ) or ⟦OutputKind⟧ Probability.", source);
        }
        string columns = sig.OutputWidth == 2 ? "two classes, column 1 is label 1" : "one column";
        string reading = $"no ParityNet metadata: task {options.Task} and bits {(options.BitOrder == BitOrder.MsbFirst ? "most" : "least")} significant first " +
            $"(as given, or the defaults); input '{sig.InputName}' {(sig.InputIsDouble ? "double" : "float")}[{(sig.FixedBatch?.ToString() ?? "N")}, {sig.Bits}], " +
            $"output '{sig.OutputName}' ({columns}) {why}" +
            (sig.FixedBatch is long fixedBatch ? $"; its declared batch of {fixedBatch} is run as the rows at hand (each row of its layers is computed on its own)" : "");
        cancel.ThrowIfCancellationRequested();
        return new OnnxPredictor(CreateSession(model, sig.InputName, source), sig, workPerRow, null, options.Task, options.BitOrder, kind, source, reading);
    }

    /// <summary>ONNX Runtime's session of the checked model (<see cref="GraphCheck.RunnableBytes"/>). Running short of memory
    /// here, in the model's copy or in ONNX Runtime, is a named error that says so, not an unnamed exception.</summary>
    private static InferenceSession CreateSession(ModelProto checkedModel, string inputName, string source)
    {
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new InferenceSession(GraphCheck.RunnableBytes(checkedModel, inputName), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OnnxErrors.Runtime(source, ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw OnnxErrors.OutOfMemory(source, "the checked model could not be copied for ONNX Runtime", ex);
        }
    }

    /// <summary>Throws <see cref="ErrorIds.InputOutOfRange"/> unless 0 ≤ number &lt; 2^Bits.</summary>
    public void CheckNumber(long number)
    {
        if (Network is not null) { Network.CheckNumber(number); return; }
        long max = Bits >= 63 ? long.MaxValue : (1L << Bits) - 1;
        if (number < 0 || number > max)
            throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                $"{number} is outside the range of the {Bits}-bit model '{Source}'. Give an integer from 0 to {max}.", number);
    }

    /// <summary>Throws <see cref="ErrorIds.InputOutOfRange"/> unless 0 ≤ number &lt; 2^Bits, for a number of any size.</summary>
    public void CheckNumber(System.Numerics.BigInteger number)
    {
        if (Network is not null) { Network.CheckNumber(number); return; }
        if (Bits < 63 && number >= long.MinValue && number <= long.MaxValue) { CheckNumber((long)number); return; }
        if (number.Sign < 0 || number.GetBitLength() > Bits)
            throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                $"{WideNumbers.Show(number)} is outside the range of the {Bits}-bit model '{Source}'. Give an integer from 0 to 2^{Bits} - 1{(Bits <= 128 ? $" ({(System.Numerics.BigInteger.One << Bits) - 1})" : "")}.",
                number >= long.MinValue && number <= long.MaxValue ? (long)number : WideNumbers.Show(number));
    }

    /// <summary>The probability of label 1 for each number, from ONNX Runtime, at most <paramref name="batchSize"/> rows per
    /// Run (fewer for wide models, see <see cref="MaxRunWork"/>). Stops within one run of <paramref name="cancel"/>.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.OutputNotProbability"/> when the model answers NaN or, read as a
    /// probability, a number outside [0, 1]; <see cref="ErrorIds.InputOutOfRange"/>; <see cref="ErrorIds.RuntimeFailed"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public void Predict(ReadOnlySpan<long> numbers, Span<double> probabilities, int batchSize = DefaultBatchSize, CancellationToken cancel = default)
    {
        PredictRaw(numbers, probabilities, batchSize, cancel);
        for (int i = 0; i < numbers.Length; i++)
            if (NotAProbability(numbers[i], probabilities[i]) is { } error) throw error;
    }

    /// <summary>The model's answer for each number as it comes, NaN or out of range included: the cross-check compares
    /// these, so that a broken answer fails it rather than being refused as an answer.</summary>
    /// <remarks><paramref name="rowsPerRun"/>, when given, replaces <see cref="RowsPerRun"/>: the cross-check sizes its runs by time.</remarks>
    internal void PredictRaw(ReadOnlySpan<long> numbers, Span<double> probabilities, int batchSize, CancellationToken cancel, int rowsPerRun = 0)
    {
        if (probabilities.Length < numbers.Length)
            throw new ArgumentException("probabilities is shorter than numbers.", nameof(probabilities));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach (long n in numbers) CheckNumber(n);
        if (numbers.IsEmpty) return;
        Run(CrossCheckRows.FromNumbers(numbers, Bits), 0, numbers.Length, probabilities, batchSize, cancel, rowsPerRun);
    }

    /// <summary><see cref="PredictRaw"/> for rows first … first + count − 1 of <paramref name="rows"/>, every input bit drawn
    /// (wide rows included), in runs of <paramref name="count"/> rows: the cross-check's side.</summary>
    internal void PredictRawRows(CrossCheckRows rows, int first, int count, Span<double> probabilities, CancellationToken cancel)
    {
        if (rows.Bits != Bits) throw new ArgumentException($"the rows are {rows.Bits} bits wide, the model's input {Bits}.", nameof(rows));
        if (probabilities.Length < count) throw new ArgumentException("probabilities is shorter than the rows.", nameof(probabilities));
        if (count == 0) return;
        Run(rows, first, count, probabilities, count, cancel, count);
    }

    private void Run(CrossCheckRows numbers, int firstRow, int total, Span<double> probabilities, int batchSize, CancellationToken cancel, int rowsPerRun)
    {

        int bits = Bits, width = _signature.OutputWidth;
        // The graph was checked to compute each row on its own and given a symbolic batch (GraphCheck.RunnableBytes),
        // so the rows at hand are run, whatever batch the file declares.
        int capacity = Math.Min(rowsPerRun > 0 ? rowsPerRun : RowsPerRun, Math.Min(batchSize, total));
        long[] shape = { capacity, bits };
        var floats = _signature.InputIsDouble ? null : new float[(long)capacity * bits];
        var doubles = _signature.InputIsDouble ? new double[(long)capacity * bits] : null;
        Span<double> row = stackalloc double[bits];
        var output = new double[(long)capacity * width];
        using var runOptions = new RunOptions();
        // ONNX Runtime checks the flag between nodes and ends the run with an error, which is then a cancellation.
        using var stop = cancel.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        for (int start = 0; start < total; start += capacity)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(capacity, total - start);
            for (int i = 0; i < rows; i++)
            {
                numbers.Encode(firstRow + start + i, row);
                if (BitOrder == BitOrder.LsbFirst) row.Reverse();
                for (int j = 0; j < bits; j++)
                {
                    if (floats is not null) floats[i * bits + j] = (float)row[j];
                    else doubles![i * bits + j] = row[j];
                }
            }
            shape[0] = rows;
            try
            {
                using var value = floats is not null
                    ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, floats.AsMemory(0, rows * bits), shape)
                    : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, doubles.AsMemory(0, rows * bits), shape);
                using var results = _session.Run(runOptions, _inputNames, new[] { value }, _outputNames);
                var outShape = results[0].GetTensorTypeAndShape().Shape;
                if (outShape.Length != 2 || outShape[0] != rows || outShape[1] != width)
                    throw new ParityNetException(ErrorIds.RuntimeFailed, ParityErrorKind.InvalidOperation,
                        $"ONNX Runtime ran '{Source}' but its output has shape [{string.Join(", ", outShape)}], not [{rows}, {width}] as the file declares.", Source);
                if (results[0].GetTensorTypeAndShape().ElementDataType == TensorElementType.Double)
                    results[0].GetTensorDataAsSpan<double>()[..(rows * width)].CopyTo(output);
                else
                {
                    var single = results[0].GetTensorDataAsSpan<float>();
                    for (int i = 0; i < rows * width; i++) output[i] = single[i];
                }
                for (int i = 0; i < rows; i++)
                {
                    double a = output[i * width], b = width == 1 ? 0 : output[i * width + 1];
                    probabilities[start + i] = (width, OutputKind) switch
                    {
                        (1, OnnxOutputKind.Probability) => a,
                        (1, _) => 1 / (1 + Math.Exp(-a)),
                        (_, OnnxOutputKind.Probability) => b,
                        _ => 1 / (1 + Math.Exp(a - b)), // softmax's second column
                    };
                }
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            catch (OnnxRuntimeException ex)
            {
                throw OnnxErrors.Runtime(Source, ex);
            }
        }
    }

    /// <summary>Null when <paramref name="p"/> is a probability; else the error that says so, naming the number and the value.</summary>
    private ParityNetException? NotAProbability(System.Numerics.BigInteger number, double p)
    {
        if (p >= 0 && p <= 1) return null;
        string why = double.IsNaN(p)
            ? "NaN, not a number: its weights or its arithmetic are broken, and no answer can be read from it. Look for NaN or infinite weights in the model, train it again, and export it again"
            : OutputKind == OnnxOutputKind.Probability
                ? $"{p:R}, outside [0, 1], so it is not a probability. If the model outputs logits (any real number), say so with ⟦OutputKind⟧ Logit"
                : $"{p:R}, outside [0, 1]";
        return new ParityNetException(ErrorIds.OutputNotProbability, ParityErrorKind.InvalidData,
            $"'{Source}' answered {number} with {why}. No prediction was made for {number}.", number <= long.MaxValue ? (long)number : number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Predictions of <paramref name="numbers"/> by ONNX Runtime, in batches; each names this file as its <see cref="ParityPrediction.Source"/>.</summary>
    /// <exception cref="ParityNetException">as <see cref="Predict"/>: the first number whose answer is not a probability, among others.</exception>
    public ParityPrediction[] Test(ReadOnlySpan<long> numbers, int batchSize = DefaultBatchSize, CancellationToken cancel = default)
    {
        var answers = TestEach(numbers, batchSize, cancel);
        var result = new ParityPrediction[answers.Length];
        for (int i = 0; i < answers.Length; i++)
            result[i] = answers[i].Prediction ?? throw answers[i].Error!;
        return result;
    }

    /// <summary>For each number, its prediction, or the error saying why the model's answer is not one
    /// (<see cref="ErrorIds.OutputNotProbability"/>): a bad answer is reported for its number, never shown as a prediction.</summary>
    public OnnxAnswer[] TestEach(ReadOnlySpan<long> numbers, int batchSize = DefaultBatchSize, CancellationToken cancel = default)
    {
        var p = new double[numbers.Length];
        PredictRaw(numbers, p, batchSize, cancel);
        var result = new OnnxAnswer[numbers.Length];
        for (int i = 0; i < numbers.Length; i++) result[i] = Answer(numbers[i], p[i]);
        return result;
    }

    // A number's answer: its prediction, or why the model's output is not one.
    private OnnxAnswer Answer(System.Numerics.BigInteger number, double p) =>
        NotAProbability(number, p) is { } error
            ? new OnnxAnswer(null, error)
            : new OnnxAnswer(new ParityPrediction(number, Bits, Task, p, PredictionEngine.OnnxRuntime, Source, Network?.Support), null);

    /// <summary><see cref="TestEach(ReadOnlySpan{long}, int, CancellationToken)"/> for numbers of any size up to 2^Bits − 1 (a model
    /// wider than 62 bits is asked with every input bit drawn).</summary>
    public OnnxAnswer[] TestEach(IReadOnlyList<System.Numerics.BigInteger> numbers, int batchSize = DefaultBatchSize, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach (var n in numbers) CheckNumber(n);
        var result = new OnnxAnswer[numbers.Count];
        if (numbers.Count == 0) return result;
        int chunks = WideNumbers.Chunks(Bits);
        var data = new long[numbers.Count * chunks];
        for (int i = 0; i < numbers.Count; i++) WideNumbers.FromBigInteger(numbers[i], data.AsSpan(i * chunks, chunks));
        var p = new double[numbers.Count];
        Run(new CrossCheckRows(data, chunks, Bits), 0, numbers.Count, p, batchSize, cancel, 0);
        for (int i = 0; i < numbers.Count; i++) result[i] = Answer(numbers[i], p[i]);
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}

/// <summary>One number's answer from ONNX Runtime: a prediction, or the error that says why there is none.</summary>
/// <param name="Prediction">The prediction, when the model's answer is a probability.</param>
/// <param name="Error">Why there is no prediction (<see cref="ErrorIds.OutputNotProbability"/>).</param>
public readonly record struct OnnxAnswer(ParityPrediction? Prediction, ParityNetException? Error);
