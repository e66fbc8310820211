using Microsoft.ML.OnnxRuntime;

namespace ParityNet;

/// <summary>
/// A ParityNet ONNX model loaded once into ONNX Runtime, answering numbers in batches. The file is
/// read once: the importer checks it is a ParityNet graph (and gives its bits and task), then one
/// InferenceSession is made from the same bytes. Dispose it to free the session.
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    /// <summary>Rows per Run call unless told otherwise.</summary>
    public const int DefaultBatchSize = 4096;

    private readonly InferenceSession _session;
    private readonly string _source;
    private readonly string[] _inputNames = { OnnxFormat.InputName };
    private readonly string[] _outputNames = { OnnxFormat.OutputName };

    private OnnxPredictor(InferenceSession session, ParityNetwork network, string source)
    {
        _session = session;
        Network = network;
        _source = source;
    }

    /// <summary>The network as the file holds it (float32 weights), read by <see cref="OnnxImporter"/>.</summary>
    public ParityNetwork Network { get; }

    /// <summary>The input width.</summary>
    public int Bits => Network.Bits;

    /// <summary>The task of the network.</summary>
    public ParityTask Task => Network.Task;

    /// <summary>Loads <paramref name="path"/> into ONNX Runtime after checking it is a ParityNet model.</summary>
    /// <exception cref="ParityNetException">the file is missing, not a ParityNet model, or ONNX Runtime rejects it.</exception>
    public static OnnxPredictor Open(string path)
    {
        byte[] bytes = OnnxImporter.ReadFile(path);
        var network = OnnxImporter.Import(bytes, path);
        return new OnnxPredictor(CreateSession(bytes, path), network, path);
    }

    private static InferenceSession CreateSession(byte[] model, string source)
    {
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OnnxErrors.Runtime(source, ex);
        }
    }

    /// <summary>Throws <see cref="ErrorIds.InputOutOfRange"/> unless 0 ≤ number &lt; 2^Bits.</summary>
    public void CheckNumber(long number) => Network.CheckNumber(number);

    /// <summary>The probability of label 1 for each number, from ONNX Runtime, <paramref name="batchSize"/> rows per Run.</summary>
    public void Predict(ReadOnlySpan<long> numbers, Span<double> probabilities, int batchSize = DefaultBatchSize)
    {
        if (probabilities.Length < numbers.Length)
            throw new ArgumentException("probabilities is shorter than numbers.", nameof(probabilities));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach (long n in numbers) CheckNumber(n);
        if (numbers.IsEmpty) return;

        int bits = Bits;
        int capacity = Math.Min(batchSize, numbers.Length);
        var input = new float[(long)capacity * bits];
        Span<double> row = stackalloc double[bits];
        using var runOptions = new RunOptions();
        for (int start = 0; start < numbers.Length; start += capacity)
        {
            int rows = Math.Min(capacity, numbers.Length - start);
            for (int i = 0; i < rows; i++)
            {
                BitEncoding.Encode(numbers[start + i], bits, row);
                for (int j = 0; j < bits; j++) input[i * bits + j] = (float)row[j];
            }
            try
            {
                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    input.AsMemory(0, rows * bits), new long[] { rows, bits });
                using var results = _session.Run(runOptions, _inputNames, new[] { value }, _outputNames);
                var shape = results[0].GetTensorTypeAndShape().Shape;
                if (shape.Length != 2 || shape[0] != rows || shape[1] != 1)
                    throw new InvalidOperationException($"the output has shape [{string.Join(", ", shape)}], expected [{rows}, 1]");
                var output = results[0].GetTensorDataAsSpan<float>();
                for (int i = 0; i < rows; i++) probabilities[start + i] = output[i];
            }
            catch (OnnxRuntimeException ex)
            {
                throw OnnxErrors.Runtime(_source, ex);
            }
        }
    }

    /// <summary>Predictions of <paramref name="numbers"/> by ONNX Runtime, in batches.</summary>
    public ParityPrediction[] Test(ReadOnlySpan<long> numbers, int batchSize = DefaultBatchSize)
    {
        var p = new double[numbers.Length];
        Predict(numbers, p, batchSize);
        var result = new ParityPrediction[numbers.Length];
        for (int i = 0; i < numbers.Length; i++)
            result[i] = new ParityPrediction(numbers[i], Bits, Task, p[i], PredictionEngine.OnnxRuntime);
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
