using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Measure-ParitySweep: a sweep's results grouped by their settings less the seed (-Over), as the README's
/// parity table reports them: points, solved, the solved fraction, and the median and range of the epochs the
/// solved points took. From Invoke-ParitySweep's results, live or after a trip through Export-Clixml, a job or a
/// remote session, or from a result file (-Path) read back later.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ParitySweep", DefaultParameterSetName = InputSet)]
[OutputType(typeof(SweepSummary))]
public sealed class MeasureParitySweepCommand : PSCmdlet
{
    private const string InputSet = "Input";
    private const string PathSet = "Path";
    private readonly List<SweepResult> _results = new();

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
            _results.Add(Resolve(InputObject));
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
                var (finished, problems) = SweepLog.ReadFile(FilePaths.Resolve(this, Path!));
                foreach (var problem in problems)
                    WriteWarning($"'{Path}' line {problem.Line}: {problem.Why}. The line: {problem.Text}");
                _results.AddRange(finished);
            }
            catch (ParityNetException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }
        WriteObject(SweepSummary.Of(_results, Over), enumerateCollection: true);
    }

    /// <summary>A result as it arrives: live, deserialized (Import-Clixml, Receive-Job, Invoke-Command) or from ConvertFrom-Json.</summary>
    internal static SweepResult Resolve(object input)
    {
        object raw = input is PSObject pso ? pso.BaseObject : input;
        if (raw is SweepResult live) return live;
        var o = PSObject.AsPSObject(input);
        object? Get(string name) => o.Properties[name]?.Value is { } v ? v is PSObject p ? p.BaseObject : v : null;
        try
        {
            string key = Get("Key") as string ?? throw new FormatException("it has no Key");
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (Get("Settings"))
            {
                case IDictionary d:
                    foreach (DictionaryEntry e in d) settings[e.Key.ToString()!] = System.Convert.ToString(e.Value is PSObject ep ? ep.BaseObject : e.Value, CultureInfo.InvariantCulture) ?? "";
                    break;
                case { } other:
                    foreach (var p in PSObject.AsPSObject(other).Properties) settings[p.Name] = System.Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "";
                    break;
            }
            string expected = string.Join(";", settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            if (expected != key) throw new FormatException($"its Key '{key}' does not match its Settings");
            double Number(string name) => LanguagePrimitives.ConvertTo<double>(Get(name) ?? throw new FormatException($"it has no {name}"));
            var wall = Get("WallTime") switch { TimeSpan t => t, string s => TimeSpan.Parse(s, CultureInfo.InvariantCulture), { } v => TimeSpan.FromMilliseconds(LanguagePrimitives.ConvertTo<double>(v)), null => TimeSpan.Zero };
            var finished = Get("Finished") switch { DateTimeOffset d => d, DateTime d => new DateTimeOffset(d), { } v => DateTimeOffset.Parse(v.ToString()!, CultureInfo.InvariantCulture), null => default };
            return new SweepResult(key, settings, (int)Number("Bits"), (int)Number("EpochsRun"),
                LanguagePrimitives.ConvertTo<StopReason>(Get("StopReason") ?? throw new FormatException("it has no StopReason")),
                Number("FinalLoss"), Number("FinalAccuracy"), wall, Get("Worker")?.ToString() ?? "", (int)Number("Attempts"), finished,
                fromFile: Get("FromFile") is true);
        }
        catch (Exception ex) when (ex is FormatException or PSInvalidCastException or InvalidCastException or OverflowException)
        {
            throw new ParityNetException(ErrorIds.SweepResultLine, ParityErrorKind.InvalidData,
                $"This is not a sweep result: {ex.Message}. Give the objects Invoke-ParitySweep outputs, or its result file with -Path.", input);
        }
    }
}
