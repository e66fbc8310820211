using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Export-NetworkDiagram: a PNG picture of a network — input bits, hidden units and the output, joined by
/// synapses coloured by sign and drawn wider for larger weights; with -Number, each unit shows its activation
/// for that number; past 64 units in a layer, the weight matrices as heatmaps. Written through the same file
/// service as the other exports.
/// </summary>
[Cmdlet(VerbsData.Export, "NetworkDiagram", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportNetworkDiagramCommand : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Ctrl+C: the work in hand ends at its next check (a layer's row, a series), within a second or two.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>The PNG file to write; relative paths are taken from the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The network to draw (or its history, an export result, or a serialized copy); by default the session's
    /// current network.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? Network { get; set; }

    /// <summary>A number whose pass to show: each unit is filled and labelled with its activation for it.</summary>
    [Parameter]
    public object? Number { get; set; }

    /// <summary>The picture's title; by default the network's shape and, with -Number, its answer.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The image width in pixels.</summary>
    [Parameter]
    [ValidateRange(200, 10000)]
    [WholeNumber(Example = "1000")]
    public int Width { get; set; } = 1000;

    /// <summary>The image height in pixels.</summary>
    [Parameter]
    [ValidateRange(200, 10000)]
    [WholeNumber(Example = "700")]
    public int Height { get; set; } = 700;

    /// <summary>The weight at the ends of the colour scale (and at the widest synapse); by default the network's largest
    /// |weight|. Give two networks the same value to compare their pictures: weights beyond it take the end colour.</summary>
    [Parameter]
    public double WeightLimit { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(WeightLimit)) && !(double.IsFinite(WeightLimit) && WeightLimit > 0))
            ThrowTerminatingError(ErrorRecords.From(new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"WeightLimit {WeightLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a weight above 0. Give ⟦WeightLimit⟧ a positive number, such as 2, or leave it out to scale by the network's largest weight.", WeightLimit)));
        NetworkInput.RefuseNothing(this, nameof(Network), "-Network", "the session's current network");
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var network = SessionNetwork.GivenOrCurrent(this, Network, "Export-NetworkDiagram", "drawing");
        if (network is null) return;
        try
        {
            NumberTrace? trace = null;
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Number)))
            {
                long number = NumberInput.Convert(Number);
                trace = ReferenceTrainer.Trace(network, number, network.History?.LossFunction ?? LossFunction.MeanSquaredError, cancel: _stop.Token);
            }
            string path = FilePaths.WithPng(FilePaths.Resolve(this, Path));
            string target = SafeFile.CheckWritable(path, Force.IsPresent, "network.png");
            string shown = target == path ? path : $"{path} (a link to {target})";
            bool heatmaps = NetworkDiagram.AsHeatmaps(network);
            if (!ShouldProcess(shown, $"Draw {network} as {(heatmaps ? "weight heatmaps" : "units and synapses")} to a {Width}x{Height} PNG"))
                return;
            byte[] png = NetworkDiagram.RenderPng(network, trace, Width, Height, TextLimits.Picture(this, Title, "-Title"), _stop.Token,
                MyInvocation.BoundParameters.ContainsKey(nameof(WeightLimit)) ? WeightLimit : null);
            SafeFile.Write(path, Force.IsPresent, "network.png", temp =>
            {
                _stop.Token.ThrowIfCancellationRequested(); // a Ctrl+C during the PNG's encoding still writes nothing
                File.WriteAllBytes(temp, png);
            });
            WriteVerbose($"Drew {network}{(heatmaps ? $" as heatmaps (a layer has more than {NetworkDiagram.MaxUnitsAsCircles} units)" : "")}{(trace is null ? "" : $" with the activations of {trace.Number}")} to '{path}', {png.Length} bytes.");
            WriteObject(InvokeProvider.Item.Get(new[] { path }, false, true), enumerateCollection: true);
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
