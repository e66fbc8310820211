namespace ParityNet;

/// <summary>What Export-NetworkOnnx wrote and how well ONNX Runtime agreed with the engine on it.</summary>
public sealed class OnnxExportResult
{
    /// <summary>Creates the result.</summary>
    public OnnxExportResult(string path, long opset, long irVersion, long bytes, long inputsCompared, double maxAbsDifference, ParityNetwork? network = null)
    {
        Network = network;
        Path = path;
        Opset = opset;
        IrVersion = irVersion;
        Bytes = bytes;
        InputsCompared = inputsCompared;
        MaxAbsDifference = maxAbsDifference;
    }

    /// <summary>The network that was written, so that a result piped on still finds it
    /// (<c>Export-NetworkOnnx m.onnx | Test-Parity -Number 5</c>).</summary>
    public ParityNetwork? Network { get; }

    /// <summary>The full path of the written file.</summary>
    public string Path { get; }

    /// <summary>The default-domain opset of the model.</summary>
    public long Opset { get; }

    /// <summary>The ONNX IR version of the model.</summary>
    public long IrVersion { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Bytes { get; }

    /// <summary>How many inputs ONNX Runtime and the engine were compared on.</summary>
    public long InputsCompared { get; }

    /// <summary>The largest |engine − ONNX Runtime| probability over those inputs.</summary>
    public double MaxAbsDifference { get; }

    /// <summary>The tolerance <see cref="MaxAbsDifference"/> was held to: <see cref="OnnxExporter.ToleranceFloor"/>, or, for
    /// a larger difference, what float32 arithmetic allows for that input in this network (<see cref="Float32Bound"/>).</summary>
    public double Tolerance { get; init; } = OnnxExporter.ToleranceFloor;

    /// <inheritdoc/>
    public override string ToString() => $"{Path} ({Bytes} bytes, opset {Opset}, {InputsCompared} inputs within {MaxAbsDifference:0.###e+0})";
}
