namespace ParityNet;

internal static class OnnxErrors
{
    public static ParityNetException NotOnnx(string path, string why, Exception? inner = null) =>
        new(ErrorIds.NotOnnx, ParityErrorKind.InvalidData,
            $"'{path}' is not an ONNX model: {why}. Give a file written by ParityNet's ONNX export (⟦ExportCommand⟧).", path, inner);

    public static ParityNetException Truncated(string path, string why, Exception? inner = null) =>
        new(ErrorIds.Truncated, ParityErrorKind.InvalidData,
            $"'{path}' starts as an ONNX model but is truncated: {why}. Export the network again.", path, inner);

    public static ParityNetException Unsupported(string path, string why) =>
        new(ErrorIds.UnsupportedGraph, ParityErrorKind.InvalidData,
            $"'{path}' is ONNX with ParityNet metadata, but not the graph ParityNet's export (⟦ExportCommand⟧) writes: {why}. That graph is input '{OnnxFormat.InputName}' float[N, Bits]; " +
            $"per layer MatMul, Add when there are biases, then Sigmoid, Tanh or Relu (Sigmoid for the output); output '{OnnxFormat.OutputName}' float[N, 1].",
            path);

    public static ParityNetException Runtime(string path, Exception inner) =>
        new(ErrorIds.RuntimeFailed, ParityErrorKind.InvalidOperation,
            $"ONNX Runtime could not load or run '{path}': {inner.Message}", path, inner);

    public static ParityNetException NotFound(string path) =>
        new(ErrorIds.FileNotFound, ParityErrorKind.NotFound, $"'{path}' does not exist.", path);
}
