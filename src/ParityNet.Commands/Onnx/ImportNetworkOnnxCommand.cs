using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Import-NetworkOnnx: reads a ParityNet ONNX file back into a network. A file that is not ONNX,
/// is truncated, or holds another graph gets a named error saying which.
/// </summary>
[Cmdlet(VerbsData.Import, "NetworkOnnx")]
[OutputType(typeof(ParityNetwork))]
public sealed class ImportNetworkOnnxCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The file to read; also binds FullName (Get-ChildItem) and Path (Export-NetworkOnnx's result) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>For a model without ParityNet metadata: the task it was trained for. Default Even.</summary>
    [Parameter]
    public ParityTask? Task { get; set; }

    /// <summary>For a model without ParityNet metadata: the order of the bits along its input. Default MsbFirst.</summary>
    [Parameter]
    public BitOrder? BitOrder { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            var options = new ForeignOptions { Task = Task ?? ParityTask.Even, BitOrder = BitOrder ?? ParityNet.BitOrder.MsbFirst };
            string path = FilePaths.Resolve(this, Path);
            var progress = new CrossCheckProgressBridge(this, $"Import-NetworkOnnx: checking '{path}' in ONNX Runtime");
            var result = OnnxImporter.ImportChecked(path, options, progress, _stop.Token);
            progress.Complete();
            WriteVerbose($"Read '{result.Path}': {result.Description}.");
            if (result.Foreign && Task is null && BitOrder is null)
                WriteVerbose($"It has no ParityNet metadata: task {options.Task} and bits most significant first are the defaults; -Task and -BitOrder change them.");
            if (!result.Foreign && (Task is { } t && t != result.Network.Task || BitOrder is ParityNet.BitOrder.LsbFirst))
                WriteWarning($"'{result.Path}' is a ParityNet file: its own task ({result.Network.Task}) and bit order (most significant first) are used, not -Task or -BitOrder.");
            WriteVerbose($"Cross-check: ONNX Runtime ran the file and the engine the network on {result.InputsCompared} inputs; they agree within {result.MaxAbsDifference:0.###e+0} (tolerance {result.Tolerance:0.###e+0}: 1e-6, or what float32 arithmetic allows for that input).");
            SessionNetwork.Current = result.Network;
            WriteVerbose("The imported network is now the session's current one: Test-Parity, Trace-ParityNetwork and the exports use it when given no -Network.");
            WriteObject(result.Network);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, ErrorIds.ReadFailed, ErrorCategory.ReadError, Path));
        }
    }

    /// <summary>Ctrl+C ends the cross-check within one chunk (tens of milliseconds); networks already written stay written.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc/>
    public void Dispose() => _stop.Dispose();
}
