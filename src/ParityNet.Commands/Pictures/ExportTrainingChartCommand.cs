using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Export-TrainingChart: draws loss and accuracy against epoch or step for one or more trained networks (or
/// their histories) to a PNG, or with -Show HiddenProgress the first layer's hidden-progress measures under
/// them; several piped in share one chart with a legend.
/// </summary>
[Cmdlet(VerbsData.Export, "TrainingChart", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportTrainingChartCommand : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Ctrl+C: the work in hand ends at its next check (a layer's row, a series), within a second or two.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    private readonly List<ChartSeries> _series = new();

    /// <summary>The PNG file to write; relative paths are taken from the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>A trained network or a TrainingHistory; by default the session's current network.</summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("Network", "History")]
    public object? InputObject { get; set; }

    /// <summary>Legend labels: text, one per input in order, or a script block evaluated for each input with $_ set
    /// to it, like a calculated property (<c>-Label { "alpha $($_.History.Alpha)" }</c>); by default each run's
    /// optimizer and alpha.</summary>
    [Parameter]
    public object[]? Label { get; set; }

    /// <summary>What to draw: Both (loss solid on the left axis, accuracy dashed on the right), Loss, Accuracy, or
    /// HiddenProgress (loss and accuracy above the first layer's hidden-progress measures, on one axis).</summary>
    [Parameter]
    public ChartCurves Show { get; set; } = ChartCurves.Both;

    /// <summary>Draw the loss on a log scale, where small losses still differ.</summary>
    [Parameter]
    public SwitchParameter LogLoss { get; set; }

    /// <summary>What the horizontal axis counts: Epochs or Steps (weight updates). By default Steps when every run
    /// was trained with -CheckEvery, Epochs otherwise.</summary>
    [Parameter]
    public ChartXAxis XAxis { get; set; }

    /// <summary>Draw the step axis on a log scale (implies -XAxis Steps); step 0 is not drawn.</summary>
    [Parameter]
    public SwitchParameter LogSteps { get; set; }

    /// <summary>The chart's title.</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>The image width in pixels.</summary>
    [Parameter]
    [ValidateRange(100, 10000)]
    [WholeNumber(Example = "800")]
    public int Width { get; set; } = 800;

    /// <summary>The image height in pixels: by default 500, and 900 with -Show HiddenProgress.</summary>
    [Parameter]
    [ValidateRange(100, 10000)]
    [WholeNumber(Example = "500")]
    public int Height { get; set; } = 500;

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc/>
    protected override void BeginProcessing() => NetworkInput.RefuseNothing(this, nameof(InputObject), "-Network (or -History)", "the session's current network");

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(InputObject))) return;
        object? input = InputObject is PSObject pso && !Serialized.IsBag(pso) ? pso.BaseObject : InputObject;
        TrainingHistory? history;
        ParityNetwork? network = null;
        try
        {
            if (input is TrainingHistory live) history = live;
            else if (input is not null && Serialized.IsBag(input) && Serialized.KindOf(input) == typeof(TrainingHistory))
                history = (TrainingHistory)Serialized.To(typeof(TrainingHistory), input);
            else history = (network = NetworkInput.Resolve(input))?.History;
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }
        if (history is null)
        {
            string what = input is null ? "$null" : $"the untrained network {network}";
            WriteError(new ErrorRecord(new ArgumentException(
                $"Cannot chart {what}: give a trained network (Invoke-NetworkTraining's output) or its History."),
                ErrorIds.ChartNotTrained, ErrorCategory.InvalidArgument, InputObject));
            return;
        }
        Add(history, InputObject);
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (_series.Count == 0 && !MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)) && MyInvocation.ExpectingInput == false)
        {
            if (SessionNetwork.Current?.History is { } current)
            {
                WriteVerbose($"No -InputObject: charting the session's current network, {SessionNetwork.Current}.");
                Add(current, SessionNetwork.Current);
            }
        }
        if (_series.Count == 0)
        {
            WriteError(new ErrorRecord(new InvalidOperationException(
                "Nothing to chart: pipe in trained networks or histories (New-ParityNetwork | Invoke-NetworkTraining | Export-TrainingChart loss.png), or train one first."),
                ErrorIds.ChartNothingToDraw, ErrorCategory.InvalidArgument, null));
            return;
        }
        if (Label is { Length: > 1 } given && given.Length != _series.Count)
        {
            WriteError(new ErrorRecord(new ArgumentException(
                $"-Label gives {given.Length} labels for {_series.Count} run(s). Give one label per run, or one script block that makes each label (-Label {{ \"alpha $($_.History.Alpha)\" }})."),
                ErrorIds.ChartLabelCount, ErrorCategory.InvalidArgument, Label));
            return;
        }
        if (Axis() is not { } axis) return;
        if (Show == ChartCurves.HiddenProgress && _series.FirstOrDefault(s => s.History.HiddenProgress is null) is { } bare)
        {
            WriteError(new ErrorRecord(new ArgumentException(
                $"Cannot draw -Show HiddenProgress: the run '{bare.Label}' has no hidden-progress measures (a history read from an ONNX file, or kept by an older ParityNet). Train it again with Invoke-NetworkTraining, or draw it with -Show Both."),
                ErrorIds.ChartNoHiddenProgress, ErrorCategory.InvalidArgument, bare.History));
            return;
        }
        int height = Show == ChartCurves.HiddenProgress && !MyInvocation.BoundParameters.ContainsKey(nameof(Height)) ? HiddenProgressChart.DefaultHeight : Height;
        string path, target;
        try
        {
            path = FilePaths.WithPng(FilePaths.Resolve(this, Path));
            target = SafeFile.CheckWritable(path, Force.IsPresent, "loss.png");
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }
        string shown = target == path ? path : $"{path} (a link to {target})";
        if (!ShouldProcess(shown, $"Draw {_series.Count} training run(s) to a {Width}x{height} PNG"))
            return;

        byte[] png;
        try
        {
            string? title = TextLimits.Picture(this, Title, "-Title");
            if (Show == ChartCurves.HiddenProgress)
            {
                var drawn = HiddenProgressChart.Render(_series, Width, height, title, axis, LogLoss.IsPresent, _stop.Token);
                png = drawn.Png;
                if (drawn.CaptionLeftOut)
                    WriteWarning($"A {Width}x{height} picture has no room for the caption that says what to look for; it is left out. Give a larger -Height (the default is {HiddenProgressChart.DefaultHeight}).");
            }
            else png = TrainingChart.RenderPng(_series, Width, height, title, Show, LogLoss.IsPresent, axis, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Could not draw the chart: {ex.Message}", ex), ErrorIds.ChartRenderFailed, ErrorCategory.NotSpecified, path));
            return;
        }
        try
        {
            // Encoding a large PNG cannot be interrupted: a Ctrl+C that came meanwhile still leaves the file unwritten.
            SafeFile.Write(path, Force.IsPresent, "loss.png", temp =>
            {
                _stop.Token.ThrowIfCancellationRequested();
                File.WriteAllBytes(temp, png);
            });
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }
        WriteVerbose($"Drew {_series.Count} run(s) ({string.Join("; ", _series.Select(s => s.Label))}) titled '{Title ?? TrainingChart.DefaultTitle(_series, Show)}' to '{path}', {png.Length} bytes.");
        // Through the FileSystem provider, as Get-Item gives it, so that its view shows mode, size and owner.
        WriteObject(InvokeProvider.Item.Get(new[] { path }, false, true), enumerateCollection: true);
    }

    /// <summary>The horizontal axis asked for, or by default (<see cref="ChartAxis.DefaultUnit"/>); null, with the error
    /// written, when it cannot be drawn.</summary>
    private ChartAxis? Axis()
    {
        bool given = MyInvocation.BoundParameters.ContainsKey(nameof(XAxis));
        if (given && XAxis == ChartXAxis.Epochs && LogSteps.IsPresent)
        {
            WriteError(new ErrorRecord(new ArgumentException(
                "-LogSteps draws a step axis on a log scale, and -XAxis Epochs asks for epochs. Give one of them (-LogSteps alone draws steps)."),
                ErrorIds.ChartAxisConflict, ErrorCategory.InvalidArgument, XAxis));
            return null;
        }
        var unit = given ? XAxis : LogSteps.IsPresent ? ChartXAxis.Steps : ChartAxis.DefaultUnit(_series.Select(s => s.History));
        if (unit == ChartXAxis.Steps && _series.FirstOrDefault(s => s.History.StepsPerEpoch is null) is { } bare)
        {
            string asked = LogSteps.IsPresent ? "-LogSteps" : "-XAxis Steps";
            WriteError(new ErrorRecord(new ArgumentException(
                $"Cannot draw a step axis ({asked}): the run '{bare.Label}' has no steps recorded (a history read from an ONNX file, or kept by an older ParityNet). Leave out {asked} to draw epochs."),
                ErrorIds.ChartNoSteps, ErrorCategory.InvalidArgument, bare.History));
            return null;
        }
        var axis = new ChartAxis(unit, LogSteps.IsPresent);
        WriteVerbose($"The horizontal axis: {axis.Title}{(given || LogSteps.IsPresent ? "" : unit == ChartXAxis.Steps ? " (every run was trained with -CheckEvery)" : "")}.");
        return axis;
    }

    private void Add(TrainingHistory history, object? input)
    {
        int i = _series.Count;
        string? label = null;
        if (Label is { Length: > 0 } labels)
        {
            object? given = labels.Length == 1 && Unwrap(labels[0]) is ScriptBlock ? labels[0] : i < labels.Length ? labels[i] : null;
            if (Unwrap(given) is ScriptBlock block)
            {
                // As a calculated property: $_ is the input (the network or history piped in).
                var result = block.InvokeWithContext(null, new List<PSVariable> { new("_", input) });
                label = string.Join(" ", result.Where(r => r is not null).Select(r => r.ToString()));
            }
            else if (given is not null)
            {
                label = LanguagePrimitives.ConvertTo<string>(Unwrap(given));
            }
        }
        label = TextLimits.Picture(this, label, $"The label of run {i + 1}");
        if (string.IsNullOrWhiteSpace(label)) label = $"{history.Optimizer} α={history.Alpha:0.####}";
        if (_series.Any(s => s.Label == label)) label += $" #{i + 1}";
        _series.Add(new ChartSeries(label, history));
    }

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
}
