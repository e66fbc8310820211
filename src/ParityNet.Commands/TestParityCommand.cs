using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Test-Parity: integers in, predictions out. Uses -Network, else the session's current network,
/// else the built-in default. A bad number is a non-terminating error; the others are still answered.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "Parity")]
[OutputType(typeof(ParityPrediction))]
public sealed class TestParityCommand : PSCmdlet
{
    private ParityNetwork? _network;

    /// <summary>The integers to classify.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull, AllowEmptyCollection]
    public object?[] Number { get; set; } = Array.Empty<object?>();

    /// <summary>The network to ask; by default the session's current network, else the built-in one.</summary>
    [Parameter]
    public ParityNetwork? Network { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        _network = Network ?? SessionNetwork.Current;
        if (_network is null)
        {
            WriteVerbose(SessionNetwork.DefaultIsReady
                ? "No -Network and no current network in this session: using the built-in default network."
                : "No -Network and no current network in this session: training the built-in default network (New-ParityNetwork | Invoke-NetworkTraining with their defaults) once for this process.");
            _network = SessionNetwork.Default;
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (var item in Number ?? new object?[] { null })
        {
            try
            {
                long n = NumberInput.Convert(item);
                _network!.CheckNumber(n);
                WriteObject(_network.Test(n));
            }
            catch (ParityNetException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
