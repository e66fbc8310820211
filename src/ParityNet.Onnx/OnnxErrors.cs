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
            $"for ±1 inputs ('{OnnxFormat.Keys.Inputs}' = '{OnnxFormat.SignedInputs}') Add({OnnxFormat.InputName}, {OnnxFormat.InputName}) then Add(·, −1); per layer MatMul, Add when there are biases, then Sigmoid, Tanh or Relu (Sigmoid for the output); output '{OnnxFormat.OutputName}' float[N, 1].",
            path);

    public static ParityNetException Runtime(string path, Exception inner) =>
        inner.Message.Contains("bad_alloc", StringComparison.Ordinal)
            ? OutOfMemory(path, "ONNX Runtime ran out of memory", inner)
            : new(ErrorIds.RuntimeFailed, ParityErrorKind.InvalidOperation, $"ONNX Runtime could not load or run '{path}': {inner.Message}", path, inner);

    /// <summary>A model too large for the memory at hand: the model holds the file several times over while it is
    /// checked and handed to ONNX Runtime, so a file of 1 GiB can need 4 GiB and more besides ONNX Runtime's own.</summary>
    public static ParityNetException OutOfMemory(string path, string where, Exception inner) =>
        new(ErrorIds.RuntimeFailed, ParityErrorKind.LimitsExceeded,
            $"There is not enough memory for the model '{path}'{SizeOf(path)}: {where}. Loading a model takes several times its size; " +
            "free memory, raise this process's memory limit, or give a smaller model.", path, inner);

    private static string SizeOf(string path)
    {
        try { return File.Exists(path) ? $" ({new FileInfo(path).Length / (1024.0 * 1024):0} MiB)" : ""; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ""; }
    }

    public static ParityNetException NotFound(string path) =>
        new(ErrorIds.FileNotFound, ParityErrorKind.NotFound, $"'{path}' does not exist.", path);
}
