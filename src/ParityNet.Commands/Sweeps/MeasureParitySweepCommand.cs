using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Measure-ParitySweep: a sweep's results grouped by their settings less the seed (-Over), as the
/// parity table (docs/parity-table.md) reports them: points, solved, the solved fraction, and the median and range of the epochs the
/// solved points took. From Invoke-ParitySweep's results, live or after a trip through Export-Clixml, a job or a
/// remote session, or from a result file (-Path) read back later.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ParitySweep", DefaultParameterSetName = InputSet)]
[OutputType(typeof(SweepSummary))]
public sealed class MeasureParitySweepCommand : PSCmdlet, IDisposable
{
    private const string InputSet = "Input";
    private const string PathSet = "Path";
    private readonly List<SweepResult> _results = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Results of Invoke-ParitySweep.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public object? InputObject { get; set; }

    /// <summary>A sweep's result file (Invoke-ParitySweep -ResultPath).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The settings that only repeat a trial, grouped over: default Seed (and TrainingSeed).</summary>
    [Parameter]
    public string[] Over { get; set; } = { "Seed", "TrainingSeed" };

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != InputSet || InputObject is null) return;
        try
        {
            _results.Add(SweepResultInput.Resolve(InputObject));
        }
        catch (ParityNetException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (ParameterSetName == PathSet)
        {
            try
            {
                var contents = SweepLog.ReadFile(FilePaths.Resolve(this, Path!), _stop.Token);
                foreach (string warning in contents.Warnings(Path!)) WriteWarning(warning);
                _results.AddRange(contents.Finished);
            }
            catch (ParityNetException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }
        WriteObject(SweepSummary.Of(_results, Over), enumerateCollection: true);
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc/>
    public void Dispose() => _stop.Dispose();
}
