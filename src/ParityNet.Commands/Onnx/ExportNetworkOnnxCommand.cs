using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Export-NetworkOnnx: writes a network (from the pipeline, -Network, or the session's current one)
/// to an ONNX file, after ONNX Runtime has reloaded it and agreed with the engine on every input.
/// </summary>
[Cmdlet(VerbsData.Export, "NetworkOnnx", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OnnxExportResult))]
public sealed class ExportNetworkOnnxCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The file to write; relative paths are taken from the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The network to export (or a TrainingHistory or export result, for its network); by default the session's current network.</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public object? Network { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing() => NetworkInput.RefuseNothing(this, nameof(Network), "-Network", "the session's current network");

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var network = SessionNetwork.GivenOrCurrent(this, Network, "Export-NetworkOnnx", "exporting");
        if (network is null) return;
        try
        {
            string path = FilePaths.Resolve(this, Path);
            string target = SafeFile.CheckWritable(path, Force.IsPresent, "model.onnx");
            string shown = target == path ? path : $"{path} (a link to {target})";
            if (!ShouldProcess(shown, $"Export {network} to ONNX"))
                return;
            var progress = new CrossCheckProgressBridge(this, $"Export-NetworkOnnx: checking '{path}' in ONNX Runtime");
            var result = OnnxExporter.Export(network, path, overwrite: Force.IsPresent, progress: progress, cancel: _stop.Token);
            progress.Complete();
            WriteVerbose($"Cross-check: ONNX Runtime agreed with the engine on {(network.Bits < 63 && result.InputsCompared == 1L << network.Bits ? $"all {result.InputsCompared} inputs" : $"a seeded sample of {result.InputsCompared} of the 2^{network.Bits} inputs")} within {result.MaxAbsDifference:0.###e+0} (tolerance {result.Tolerance:0.###e+0}: 1e-6, or what float32 arithmetic allows for that input); wrote {result.Bytes} bytes.");
            WriteObject(result);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }

    /// <summary>Ctrl+C ends the cross-check within one chunk (tens of milliseconds); the temporary file is removed
    /// and the target is left as it was. Files already exported stay.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc/>
    public void Dispose() => _stop.Dispose();
}
