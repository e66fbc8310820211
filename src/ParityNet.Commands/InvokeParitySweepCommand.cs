using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Dictionary<string, object?>> _raw = new();
    private readonly List<SweepWorker> _workers = new();

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

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == PointSet && Point is not null)
        {
            var point = SweepSettings.FromObject(Point);
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
        if (ParameterSetName == GridSet) _raw.AddRange(SweepSettings.Expand(Grid, Fixed));
        // Every point is checked before any work: a typo in the 40th point must not cost the first 39.
        var points = new List<SweepPoint>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _raw.Count; i++)
        {
            try
            {
                var point = SweepSettings.Point(i + 1, _raw[i], ErrorRecords.Parameter);
                if (keys.Add(point.Key)) points.Add(point);
                else WriteWarning($"Point {i + 1} repeats an earlier point ({point.Key.Replace(";", ", ")}); it is run once.");
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
                var finished = log.Finished.Where(r => wanted.Contains(r.Key)).ToList();
                var have = new HashSet<string>(finished.Select(r => r.Key), StringComparer.Ordinal);
                todo = points.Where(p => !have.Contains(p.Key)).ToList();
                foreach (string warning in log.Contents.Warnings(log.Path, key => wanted.Contains(key) && !have.Contains(key))) WriteWarning(warning);
                if (finished.Count > 0)
                    WriteVerbose($"'{log.Path}' holds {finished.Count} of the {points.Count} points already; {todo.Count} to run.");
                foreach (var result in finished) WriteObject(result);
            }
            if (todo.Count > 0) Run(todo, points.Count, log);
        }
    }

    private void Run(List<SweepPoint> todo, int total, SweepLog? log)
    {
        StartWorkers(Math.Min(todo.Count, ThrottleLimit ?? Environment.ProcessorCount));
        if (_workers.Count == 0)
            ThrowTerminatingError(ErrorRecords.From(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                "The sweep has no workers: ⟦ThrottleLimit⟧ is 0 and no ⟦Session⟧ can run ParityNet. Allow local runspaces or give a session with the module.")));
        WriteVerbose($"Running {todo.Count} points on {string.Join(", ", _workers.Select(w => w.Name))}.");

        var queue = new BlockingCollection<SweepJob>(new ConcurrentQueue<SweepJob>());
        foreach (var point in todo)
        {
            var (network, training) = SweepSettings.Split(point);
            queue.Add(new SweepJob(point, network, training, 1));
        }
        var completions = new BlockingCollection<(SweepJob Job, SweepWorker Worker, ParityNetwork? Network, Exception? Error)>();
        var alive = new HashSet<SweepWorker>(_workers);
        var running = new ConcurrentDictionary<SweepWorker, SweepJob>();
        foreach (var worker in _workers)
            _ = Task.Factory.StartNew(() =>
            {
                try
                {
                    foreach (var job in queue.GetConsumingEnumerable(_stop.Token))
                    {
                        running[worker] = job;
                        try
                        {
                            completions.Add((job, worker, worker.Run(job), null));
                        }
                        catch (SweepWorkerLostException ex)
                        {
                            completions.Add((job, worker, null, ex));
                            return; // a broken worker takes no more points
                        }
                        catch (SweepPointFailedException ex)
                        {
                            completions.Add((job, worker, null, ex));
                        }
                        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                        {
                            // Stopped from outside the sweep (its session's pipeline): the worker is lost, the point is not.
                            completions.Add((job, worker, null, new SweepWorkerLostException($"{worker.Name} was stopped during {job.Point}", null)));
                            return;
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            // Anything else ends this worker, never silently: its point goes to another.
                            completions.Add((job, worker, null, new SweepWorkerLostException($"{worker.Name} failed: {ex.Message}", ex)));
                            return;
                        }
                        finally
                        {
                            running.TryRemove(worker, out _);
                        }
                    }
                }
                catch (OperationCanceledException) { }
                catch (InvalidOperationException) { } // the queue was completed while this worker waited
            }, TaskCreationOptions.LongRunning);

        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.FromSeconds(-1);
        int remaining = todo.Count, doneNow = 0, lost = 0;
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (remaining > 0)
            {
                if (clock.Elapsed - lastProgress >= TimeSpan.FromMilliseconds(500))
                {
                    lastProgress = clock.Elapsed;
                    WriteProgress(Progress(total, total - remaining, doneNow, clock.Elapsed, running, alive.Count, lost));
                }
                if (!completions.TryTake(out var c, 200, _stop.Token))
                {
                    if (alive.Count == 0) break;
                    continue;
                }
                switch (c.Error)
                {
                    case null:
                        if (!recorded.Add(c.Job.Point.Key)) break; // never twice
                        if (c.Network!.History is null)
                        {
                            WriteError(PointFailed(c.Job, c.Worker, "the training returned a network without a history"));
                            remaining--;
                            break;
                        }
                        var result = SweepResult.Of(c.Job.Point, c.Network, c.Worker.Name, c.Job.Attempt, KeepNetwork.IsPresent);
                        Record(log, result); // on disk before it is reported
                        WriteObject(result);
                        remaining--;
                        doneNow++;
                        break;
                    case SweepPointFailedException failed:
                        WriteError(PointFailed(c.Job, c.Worker, failed.Message));
                        remaining--;
                        break;
                    default:
                        alive.Remove(c.Worker);
                        lost++;
                        if (alive.Count > 0)
                        {
                            WriteWarning($"{c.Worker.Name} failed during {c.Job.Point} ({c.Error.Message.Split('\n')[0]}); the point is run again on another worker, and {c.Worker.Name} is given no more.");
                            queue.Add(c.Job with { Attempt = c.Job.Attempt + 1 });
                        }
                        else
                        {
                            WriteWarning($"{c.Worker.Name} failed during {c.Job.Point} ({c.Error.Message.Split('\n')[0]}).");
                        }
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            StopWorkers();
            // Points that finished while Ctrl+C came in are kept: on disk, even though they can no longer be output.
            while (completions.TryTake(out var late))
                if (late.Error is null && late.Network?.History is not null && recorded.Add(late.Job.Point.Key))
                    try { log?.Append(SweepResult.Of(late.Job.Point, late.Network, late.Worker.Name, late.Job.Attempt, false)); }
                    catch (ParityNetException) { }
            throw new PipelineStoppedException();
        }
        finally
        {
            queue.CompleteAdding();
            WriteProgress(new ProgressRecord(ActivityId, "Invoke-ParitySweep", "Done") { RecordType = ProgressRecordType.Completed });
        }
        if (remaining > 0)
            WriteError(ErrorRecords.From(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                $"Every worker failed, so {remaining} of the {total} points were not run. " +
                (log is not null ? $"The finished ones are in '{log.Path}': run the sweep again with the same ⟦ResultPath⟧ to do the rest." : "Give ⟦ResultPath⟧ next time, so that a rerun goes on where this one stopped."))));
    }

    /// <summary>Appends the result to the file; a failure to write ends the sweep with its named error (the points
    /// recorded before it are kept).</summary>
    private void Record(SweepLog? log, SweepResult result)
    {
        try { log?.Append(result); }
        catch (ParityNetException ex) { StopWorkers(); ThrowTerminatingError(ErrorRecords.From(ex)); }
    }

    private static ErrorRecord PointFailed(SweepJob job, SweepWorker worker, string why) =>
        new(new ParityNetException(ErrorIds.SweepPointFailed, ParityErrorKind.InvalidOperation,
            $"{job.Point} failed on {worker.Name}: {why.TrimEnd('.')}. It is not recorded, so a rerun tries it again.", job.Point.Key),
            ErrorIds.SweepPointFailed, ErrorCategory.InvalidOperation, job.Point.Key);

    private void StartWorkers(int local)
    {
        string manifest = ModuleManifest();
        foreach (var session in Session ?? Array.Empty<PSSession>())
        {
            var worker = new RemoteSweepWorker(session, ModulePath);
            try
            {
                string version = worker.CheckModule();
                WriteVerbose($"{worker.Name}: ParityNet {version}.");
                _workers.Add(worker);
            }
            catch (ParityNetException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
        for (int i = 1; i <= local; i++)
        {
            try
            {
                _workers.Add(new LocalSweepWorker(i, manifest));
            }
            catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or IOException)
            {
                ThrowTerminatingError(ErrorRecords.From(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                    $"A local runspace could not load ParityNet from '{manifest}': {ex.Message} Import the module from its manifest (Import-Module ParityNet) and run the sweep again.", manifest, ex)));
            }
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

    private ProgressRecord Progress(int total, int done, int doneNow, TimeSpan elapsed, ConcurrentDictionary<SweepWorker, SweepJob> running, int alive, int lost)
    {
        var busy = running.ToArray();
        string status = $"{done} of {total} points done; {busy.Length} running on {alive} worker{(alive == 1 ? "" : "s")}" +
            (lost > 0 ? $" ({lost} lost)" : "") + (busy.Length > 0 ? ": " + string.Join(", ", busy.Take(4).Select(b => $"{b.Key.Name} point {b.Value.Point.Index}")) + (busy.Length > 4 ? ", ..." : "") : "");
        int left = total - done;
        return new ProgressRecord(ActivityId, "Invoke-ParitySweep", status)
        {
            PercentComplete = (int)(100L * done / Math.Max(total, 1)),
            SecondsRemaining = doneNow > 0 ? (int)(elapsed.TotalSeconds / doneNow * left) : -1,
        };
    }

    private void StopWorkers()
    {
        foreach (var worker in _workers) worker.Stop();
    }

    /// <summary>Ctrl+C: every running point is told to stop; points already recorded stay in the result file.</summary>
    protected override void StopProcessing()
    {
        _stop.Cancel();
        StopWorkers();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        StopWorkers();
        foreach (var worker in _workers)
        {
            // A stopped local runspace may take a moment to close; the sweep does not wait for it.
            var w = worker;
            _ = Task.Run(() => { try { w.Dispose(); } catch (Exception) { } });
        }
        _stop.Dispose();
    }
}
