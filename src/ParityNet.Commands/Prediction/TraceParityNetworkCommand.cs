using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Trace-ParityNetwork: for each number, the lesson's variables inside the network — the input layer (the
/// bits), each layer's pre-activations and outputs, the prediction, the error and the deltas, and each
/// synapse matrix's contribution to the update — from the reference trainer, the readable algorithm every
/// fast path of the engine is held to.
/// </summary>
[Cmdlet(VerbsDiagnostic.Trace, "ParityNetwork")]
[OutputType(typeof(NumberTrace))]
public sealed class TraceParityNetworkCommand : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Ctrl+C: the work in hand ends at its next check (a layer's row, a series), within a second or two.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    private ParityNetwork? _network;
    private object? _networkInput;

    /// <summary>The integers to trace; an object with a Number property gives that, as with Test-Parity.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyCollection]
    public object?[] Number { get; set; } = Array.Empty<object?>();

    /// <summary>The network to look inside (or its history, an export result, or a serialized copy); by default the
    /// session's current network, else the built-in one.</summary>
    [Parameter]
    public object? Network { get; set; }

    /// <summary>The loss the deltas are for: MeanSquaredError (the lesson's) or CrossEntropy. By default the one the
    /// network was trained with, else MeanSquaredError.</summary>
    [Parameter]
    public LossFunction? Loss { get; set; }

    /// <summary>The learning rate of each synapse's step. By default the one the network was trained with, else 0.5.</summary>
    [Parameter]
    [ValidateRange(double.Epsilon, double.MaxValue)]
    [RealNumber(Example = "0.5")]
    public double? Alpha { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing() => NetworkInput.RefuseNothing(this, nameof(Network), "-Network", "the session's current network, else the built-in one");

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (_network is null || !ReferenceEquals(_networkInput, Network))
        {
            try
            {
                _network = NetworkInput.Resolve(Network);
            }
            catch (ParityNetException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
                return;
            }
            _networkInput = Network;
            if (_network is null)
            {
                _network = SessionNetwork.Current ?? SessionNetwork.Default;
                WriteVerbose(SessionNetwork.Current is not null
                    ? $"No -Network: tracing the session's current network, {_network}."
                    : "No -Network and no current network in this session: tracing the built-in default network.");
            }
            var loss = Loss ?? _network.History?.LossFunction ?? LossFunction.MeanSquaredError;
            WriteVerbose($"Deltas for {loss}; steps with alpha {Alpha ?? _network.History?.Alpha ?? TrainingOptions.DefaultAlpha} over {EngineLimits.TrainingRows(_network.Bits, TrainingOptions.DefaultSampleSize)} integers (one full-batch step).");
        }
        foreach (var item in Number ?? new object?[] { null })
        {
            try
            {
                long n = NumberInput.Convert(item);
                var loss = Loss ?? _network.History?.LossFunction ?? LossFunction.MeanSquaredError;
                WriteObject(ReferenceTrainer.Trace(_network, n, loss, Alpha ?? _network.History?.Alpha ?? TrainingOptions.DefaultAlpha, _stop.Token));
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
    }
}
