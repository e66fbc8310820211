using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParityNet.Commands;

/// <summary>
/// Invoke-ParitySweep: trains a grid of settings (seeds × alphas × shapes × bit widths) on PowerShell's own
/// workers, local runspaces or remote sessions, and outputs one SweepResult per point as it finishes. With
/// -ResultPath each finished point is appended to a JSON-lines file and flushed before it is output, and a rerun
/// skips what the file holds: a sweep survives Ctrl+C, a crash or a lost host.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ParitySweep", DefaultParameterSetName = GridSet)]
[OutputType(typeof(SweepResult))]
public sealed class InvokeParitySweepCommand : PSCmdlet, IDisposable
{
    private const string GridSet = "Grid";
    private const string PointSet = "Point";
    private const int ActivityId = 0x5A11;
    private const int CheckProgressEvery = 2048;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Dictionary<string, object?>> _raw = new();
    private SweepRunner? _runner;

    /// <summary>The grid: parameter names of New-ParityNetwork and Invoke-NetworkTraining → their values; every
    /// combination is a point. Seed is New-ParityNetwork's; TrainingSeed is Invoke-NetworkTraining's -Seed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = GridSet)]
    public Hashtable Grid { get; set; } = new();

    /// <summary>One point per pipeline object: a hashtable of settings, or an object such as a CSV row whose
    /// properties are the settings.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PointSet)]
    public object? Point { get; set; }

    /// <summary>Settings every point shares, e.g. @{ Task = 'BitParity'; Epochs = 20000 }.</summary>
    [Parameter]
    public Hashtable? Fixed { get; set; }

    /// <summary>How many local runspaces train at once; default the core count. 0 with -Session: remote only.</summary>
    [Parameter]
    [ValidateRange(0, 256)]
    [WholeNumber(Example = "2")]
    public int? ThrottleLimit { get; set; }

    /// <summary>Remote sessions (New-PSSession -HostName … or -ComputerName …) to train on, one point at a time each,
    /// beside the local runspaces. Open several sessions to a host to run several points there at once.</summary>
    [Parameter]
    public PSSession[]? Session { get; set; }

    /// <summary>Where remote sessions find ParityNet: a module name in their PSModulePath (default ParityNet) or a manifest path there.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ModulePath { get; set; } = "ParityNet";

    /// <summary>A JSON-lines file: each finished point is appended and flushed before it is output; a rerun with the
    /// same file skips the points it holds (and outputs them, marked FromFile).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResultPath { get; set; }

    /// <summary>Also return each trained network on its result (Network), e.g. for Export-TrainingChart.</summary>
    [Parameter]
    public SwitchParameter KeepNetwork { get; set; }

    /// <summary>How many workers a point may lose (or be running on when they fail) before it is given up, reported
    /// with ParityNet.SweepPointAbandoned and recorded as failed. Default 3.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Seconds a remote session may go without a word (its training reports progress a few times a second,
    /// and at least once an epoch) before it is declared lost and its point run elsewhere. Default 60.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int WorkerTimeout { get; set; } = 60;

    /// <summary>Run again the points the result file records as failed (by default a rerun skips them).</summary>
    [Parameter]
    public SwitchParameter RetryFailed { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == PointSet && Point is not null)
        {
            if (_raw.Count == SweepSettings.MaxPoints)
                ThrowTerminatingError(ErrorRecords.From(TooLarge("more than")));
            Dictionary<string, object?> point = new();
            try { point = SweepSettings.FromObject(Point); }
            catch (ParityNetException ex) { ThrowTerminatingError(ErrorRecords.From(ex)); }
            foreach (var blank in point.Where(p => (p.Value is PSObject o ? o.BaseObject : p.Value) is string t && string.IsNullOrWhiteSpace(t)).Select(p => p.Key).ToList())
                point.Remove(blank); // a blank CSV cell is a setting left out, so -Fixed may give it
            if (Fixed is not null)
                foreach (DictionaryEntry entry in Fixed)
                    point.TryAdd(entry.Key?.ToString() ?? "", entry.Value);
            _raw.Add(point);
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        IEnumerable<Dictionary<string, object?>> raw = _raw;
        long count = _raw.Count;
        if (ParameterSetName == GridSet)
        {
            // Counted before anything is made: a grid is untrusted input, and its product can be astronomical.
            count = SweepSettings.Count(Grid);
            if (count > SweepSettings.MaxPoints) ThrowTerminatingError(ErrorRecords.From(TooLarge("more than")));
            raw = SweepSettings.Expand(Grid, Fixed);
        }
        // Every point is checked before any work: a typo in the 40th point must not cost the first 39.
        var points = new List<SweepPoint>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var settings in raw)
        {
            if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
            i++;
            if (i % CheckProgressEvery == 0) // a large sweep's checking takes seconds: shown, as any long work is
                WriteProgress(new ProgressRecord(ActivityId, "Invoke-ParitySweep", $"Checking points: {i} of {count}") { PercentComplete = (int)(100L * i / Math.Max(count, 1)) });
            try
            {
                var point = SweepSettings.Point(i, settings, ErrorRecords.Parameter);
                if (keys.Add(point.Key)) points.Add(point);
                else WriteWarning($"Point {i} repeats an earlier point ({point.Key.Replace(";", ", ")}); it is run once.");
            }
            catch (ParityNetException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }
        if (points.Count == 0)
        {
            WriteWarning("The sweep has no points: the grid has a setting with no values, or nothing came down the pipeline.");
            return;
        }

        SweepLog? log = null;
        try
        {
            if (ResultPath is not null) log = SweepLog.Open(FilePaths.Resolve(this, ResultPath), _stop.Token);
        }
        catch (ParityNetException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        using (log)
        {
            var todo = points;
            if (log is not null)
            {
                var wanted = new HashSet<string>(points.Select(p => p.Key), StringComparer.Ordinal);
                // A point recorded as failed is skipped like a finished one, unless -RetryFailed.
                var finished = log.Finished.Where(r => wanted.Contains(r.Key) && !(RetryFailed && r.IsFailed)).ToList();
                var have = new HashSet<string>(finished.Select(r => r.Key), StringComparer.Ordinal);
                todo = points.Where(p => !have.Contains(p.Key)).ToList();
                foreach (string warning in log.Contents.Warnings(log.Path, key => wanted.Contains(key) && !have.Contains(key))) WriteWarning(warning);
                if (finished.Count > 0)
                    WriteVerbose($"'{log.Path}' holds {finished.Count} of the {points.Count} points already; {todo.Count} to run.");
                if (finished.Any(r => r.IsFailed))
                    WriteWarning($"'{log.Path}' records {finished.Count(r => r.IsFailed)} point(s) as failed; they are not run again. Give -RetryFailed to run them.");
                foreach (var result in finished) Output(result);
            }
            if (todo.Count > 0) Run(todo, points.Count, log);
        }
        if (_tally.NearChance() is string advice) WriteWarning(advice);
    }

    private readonly SweepAdvice.Tally _tally = new();

    private void Output(SweepResult result)
    {
        _tally.Add(result);
        WriteObject(result);
    }

    private static ParityNetException TooLarge(string count) =>
        new(ErrorIds.SweepTooLarge, ParityErrorKind.LimitsExceeded,
            $"The sweep has {count} {SweepSettings.MaxPoints} points, the most a sweep may have. Nothing was run. Split it into smaller sweeps " +
            "(one -Grid per range of seeds, say) sharing one -ResultPath, or give fewer values.", SweepSettings.MaxPoints);

    private void Run(List<SweepPoint> todo, int total, SweepLog? log)
    {
        int local = Math.Min(todo.Count, ThrottleLimit ?? Environment.ProcessorCount);
        string manifest = ModuleManifest();
        var workers = new List<SweepWorker>();
        foreach (var session in Session ?? Array.Empty<PSSession>())
            workers.Add(new RemoteSweepWorker(session, ModulePath, TimeSpan.FromSeconds(WorkerTimeout)));
        for (int n = 1; n <= local; n++) workers.Add(new LocalSweepWorker(n, manifest));
        if (workers.Count == 0)
            ThrowTerminatingError(ErrorRecords.From(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                "The sweep has no workers: ⟦ThrottleLimit⟧ is 0 and no ⟦Session⟧ can run ParityNet. Allow local runspaces or give a session with the module.")));
        _runner = new SweepRunner(workers, new SweepRunOptions(MaxAttempts, KeepNetwork.IsPresent));
        try
        {
            foreach (var e in _runner.Run(todo, total, log, _stop.Token))
            {
                switch (e)
                {
                    case SweepEvent.Result r: Output(r.Value); break;
                    case SweepEvent.Warning w: WriteWarning(w.Message); break;
                    case SweepEvent.Verbose v: WriteVerbose(v.Message); break;
                    case SweepEvent.Error x: WriteError(ErrorRecords.From(x.Exception)); break;
                    case SweepEvent.Progress p:
                        WriteProgress(new ProgressRecord(ActivityId, "Invoke-ParitySweep", p.Status) { PercentComplete = p.PercentComplete, SecondsRemaining = p.SecondsRemaining });
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ParityNetException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        finally
        {
            WriteProgress(new ProgressRecord(ActivityId, "Invoke-ParitySweep", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>The manifest this module was imported from, for the local runspaces to import.</summary>
    private string ModuleManifest()
    {
        var module = MyInvocation.MyCommand.Module;
        if (module is null) return "ParityNet";
        if (module.Path.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase)) return module.Path;
        string manifest = Path.Combine(module.ModuleBase, "ParityNet.psd1");
        return File.Exists(manifest) ? manifest : module.Path;
    }

    /// <summary>Ctrl+C: every running point is told to stop; points already recorded stay in the result file.</summary>
    protected override void StopProcessing()
    {
        _stop.Cancel();
        _runner?.Stop();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _runner?.Dispose();
        _stop.Dispose();
    }
}
