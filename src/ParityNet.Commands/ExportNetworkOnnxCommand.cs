using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Export-NetworkOnnx: writes a network (from the pipeline, -Network, or the session's current one)
/// to an ONNX file, after ONNX Runtime has reloaded it and agreed with the engine on every input.
/// </summary>
[Cmdlet(VerbsData.Export, "NetworkOnnx", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OnnxExportResult))]
public sealed class ExportNetworkOnnxCommand : PSCmdlet
{
    /// <summary>The file to write; relative paths are taken from the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The network to export; by default the session's current network.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ParityNetwork? Network { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var network = Network ?? SessionNetwork.Current;
        if (network is null)
        {
            WriteError(ErrorRecords.NoCurrentNetwork("Export-NetworkOnnx"));
            return;
        }
        try
        {
            string path = FilePaths.Resolve(this, Path);
            if (!Force.IsPresent && File.Exists(path))
                throw new ParityNetException(OnnxErrorIds.FileExists, ParityErrorKind.InvalidOperation,
                    $"'{path}' already exists. Add -Force to overwrite it, or choose another -Path.", path);
            if (!ShouldProcess(path, $"Export {network} to ONNX"))
                return;
            WriteObject(OnnxExporter.Export(network, path, overwrite: Force.IsPresent));
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }
}
