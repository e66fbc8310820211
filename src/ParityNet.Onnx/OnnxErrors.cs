namespace ParityNet;

/// <summary>The stable ids of ONNX and file errors. Scripts may depend on these strings.</summary>
public static class OnnxErrorIds
{
    /// <summary>The file is not an ONNX model at all (empty, random bytes, another format).</summary>
    public const string NotOnnx = "ParityNet.OnnxNotOnnx";
    /// <summary>The file starts as an ONNX model but ends early.</summary>
    public const string Truncated = "ParityNet.OnnxTruncated";
    /// <summary>The file is ONNX, but not a graph ParityNet can map to a network.</summary>
    public const string UnsupportedGraph = "ParityNet.OnnxUnsupportedGraph";
    /// <summary>ONNX Runtime's answers differ from the engine's by more than the tolerance.</summary>
    public const string CrossCheckFailed = "ParityNet.OnnxCrossCheckFailed";
    /// <summary>A model without ParityNet metadata whose last node is not Sigmoid or Softmax: whether its output
    /// holds probabilities or logits must be given.</summary>
    public const string OutputKindUnknown = "ParityNet.OnnxOutputKindUnknown";
    /// <summary>ONNX Runtime failed to load or run a model.</summary>
    public const string RuntimeFailed = "ParityNet.OnnxRuntimeFailed";
}

internal static class OnnxErrors
{
    public static ParityNetException NotOnnx(string path, string why, Exception? inner = null) =>
        new(OnnxErrorIds.NotOnnx, ParityErrorKind.InvalidData,
            $"'{path}' is not an ONNX model: {why}. Give a file written by Export-NetworkOnnx.", path, inner);

    public static ParityNetException Truncated(string path, string why, Exception? inner = null) =>
        new(OnnxErrorIds.Truncated, ParityErrorKind.InvalidData,
            $"'{path}' starts as an ONNX model but is truncated: {why}. Export the network again.", path, inner);

    public static ParityNetException Unsupported(string path, string why) =>
        new(OnnxErrorIds.UnsupportedGraph, ParityErrorKind.InvalidData,
            $"'{path}' is ONNX with ParityNet metadata, but not the graph Export-NetworkOnnx writes: {why}. That graph is input '{OnnxFormat.InputName}' float[N, Bits]; " +
            $"per layer MatMul, Add when there are biases, then Sigmoid, Tanh or Relu (Sigmoid for the output); output '{OnnxFormat.OutputName}' float[N, 1].",
            path);

    public static ParityNetException Runtime(string path, Exception inner) =>
        new(OnnxErrorIds.RuntimeFailed, ParityErrorKind.InvalidOperation,
            $"ONNX Runtime could not load or run '{path}': {inner.Message}", path, inner);

    public static ParityNetException NotFound(string path) =>
        new(ErrorIds.FileNotFound, ParityErrorKind.NotFound, $"'{path}' does not exist.", path);
}
