using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Get-ParityNetwork: the session's current network, or the built-in default.</summary>
[Cmdlet(VerbsCommon.Get, "ParityNetwork")]
[OutputType(typeof(ParityNetwork))]
public sealed class GetParityNetworkCommand : PSCmdlet
{
    /// <summary>Return the built-in default network instead of the session's current one.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (Default.IsPresent)
        {
            WriteObject(SessionNetwork.Default);
            return;
        }
        if (SessionNetwork.Current is { } current)
            WriteObject(current);
        else
            WriteError(ErrorRecords.From(new ParityNetException(ErrorIds.NoCurrentNetwork, ParityErrorKind.NotFound,
                "This session has no current network yet. Train one (New-ParityNetwork | Invoke-NetworkTraining) or read one (Import-NetworkOnnx model.onnx); either becomes the current network. Get-ParityNetwork -Default returns the built-in one.")));
    }
}
