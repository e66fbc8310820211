using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Import-NetworkOnnx: reads a ParityNet ONNX file back into a network. A file that is not ONNX,
/// is truncated, or holds another graph gets a named error saying which.
/// </summary>
[Cmdlet(VerbsData.Import, "NetworkOnnx")]
[OutputType(typeof(ParityNetwork))]
public sealed class ImportNetworkOnnxCommand : PSCmdlet
{
    /// <summary>The file to read; also binds FullName (Get-ChildItem) and Path (Export-NetworkOnnx's result) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(OnnxImporter.Import(FilePaths.Resolve(this, Path)));
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
}
