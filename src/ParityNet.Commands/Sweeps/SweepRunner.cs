using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>What the runner tells its caller, on the caller's thread: the cmdlet writes each to its stream.</summary>
internal abstract record SweepEvent
{
    internal sealed record Result(SweepResult Value) : SweepEvent;
    internal sealed record Warning(string Message) : SweepEvent;
    internal sealed record Verbose(string Message) : SweepEvent;
    internal sealed record Error(ParityNetException Exception) : SweepEvent;
    internal sealed record Progress(string Status, int PercentComplete, int SecondsRemaining) : SweepEvent;
}

/// <summary>
/// The sweep's scheduler: gives points to workers, re-dispatches the point of a worker that was lost, records each
/// result before it is reported, and stops on the token. It runs on the caller's thread and reports through the
/// events it yields, so that a cmdlet can write them from its pipeline thread; it knows nothing of a cmdlet.
/// </summary>
internal sealed class SweepRunner : IDisposable
{
    private readonly List<SweepWorker> _workers = new();
    private readonly IReadOnlyList<Func<SweepWorker>> _remote;
    private readonly Func<int, SweepWorker> _local;
    private readonly int _localCount;
    private readonly bool _keepNetwork;

    /// <param name="remote">One maker per remote worker; each checks its module as it is made.</param>
    /// <param name="local">Makes the local worker of the given number (from 1).</param>
    /// <param name="localCount">How many local workers to make.</param>
    /// <param name="keepNetwork">Whether results carry their networks.</param>
    public SweepRunner(IReadOnlyList<Func<SweepWorker>> remote, Func<int, SweepWorker> local, int localCount, bool keepNetwork)
    {
        _remote = remote;
        _local = local;
        _localCount = localCount;
        _keepNetwork = keepNetwork;
    }

    /// <summary>Runs <paramref name="todo"/> of a sweep of <paramref name="total"/> points, recording each in
    /// <paramref name="log"/> (when given) before it is yielded.</summary>
    /// <exception cref="ParityNetException">no worker could start, or a result could not be recorded.</exception>
    /// <exception cref="OperationCanceledException">the token was cancelled; what finished meanwhile is recorded.</exception>
    public IEnumerable<SweepEvent> Run(IReadOnlyList<SweepPoint> todo, int total, SweepLog? log, CancellationToken token)
    {
        foreach (var e in StartWorkers()) yield return e;
        if (_workers.Count == 0)
            throw new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                "The sweep has no workers: ⟦ThrottleLimit⟧ is 0 and no ⟦Session⟧ can run ParityNet. Allow local runspaces or give a session with the module.");
        yield return new SweepEvent.Verbose($"Running {todo.Count} points on {string.Join(", ", _workers.Select(w => w.Name))}.");

        var queue = new BlockingCollection<SweepJob>(new ConcurrentQueue<SweepJob>());
        foreach (var point in todo)
        {
            var (network, training) = SweepSettings.Split(point);
            queue.Add(new SweepJob(point, network, training, 1));
        }
        var completions = new BlockingCollection<Completion>();
        var alive = new HashSet<SweepWorker>(_workers);
        var running = new ConcurrentDictionary<SweepWorker, SweepJob>();
        foreach (var worker in _workers)
            _ = Task.Factory.StartNew(() => Serve(worker, queue, completions, running, token), TaskCreationOptions.LongRunning);

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
                    yield return Progress(total, total - remaining, doneNow, clock.Elapsed, running, alive.Count, lost);
                }
                if (!Take(completions, token, out var c))
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
                            yield return PointFailed(c.Job, c.Worker, "the training returned a network without a history");
                            remaining--;
                            break;
                        }
                        var result = SweepResult.Of(c.Job.Point, c.Network, c.Worker.Name, c.Job.Attempt, _keepNetwork);
                        Record(log, result); // on disk before it is reported
                        yield return new SweepEvent.Result(result);
                        remaining--;
                        doneNow++;
                        break;
                    case SweepPointFailedException failed:
                        yield return PointFailed(c.Job, c.Worker, failed.Message);
                        remaining--;
                        break;
                    default:
                        alive.Remove(c.Worker);
                        lost++;
                        if (alive.Count > 0)
                        {
                            yield return new SweepEvent.Warning($"{c.Worker.Name} failed during {c.Job.Point} ({c.Error.Message.Split('\n')[0]}); the point is run again on another worker, and {c.Worker.Name} is given no more.");
                            queue.Add(c.Job with { Attempt = c.Job.Attempt + 1 });
                        }
                        else
                        {
                            yield return new SweepEvent.Warning($"{c.Worker.Name} failed during {c.Job.Point} ({c.Error.Message.Split('\n')[0]}).");
                        }
                        break;
                }
            }
        }
        finally
        {
            queue.CompleteAdding();
            if (token.IsCancellationRequested)
            {
                Stop();
                // Points that finished while Ctrl+C came in are kept: on disk, even though they can no longer be output.
                while (completions.TryTake(out var late))
                    if (late.Error is null && late.Network?.History is not null && recorded.Add(late.Job.Point.Key))
                        try { log?.Append(SweepResult.Of(late.Job.Point, late.Network, late.Worker.Name, late.Job.Attempt, false)); }
                        catch (ParityNetException) { }
            }
        }
        if (remaining > 0)
            yield return new SweepEvent.Error(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                $"Every worker failed, so {remaining} of the {total} points were not run. " +
                (log is not null ? $"The finished ones are in '{log.Path}': run the sweep again with the same ⟦ResultPath⟧ to do the rest." : "Give ⟦ResultPath⟧ next time, so that a rerun goes on where this one stopped.")));
    }

    private sealed record Completion(SweepJob Job, SweepWorker Worker, ParityNetwork? Network, Exception? Error);

    /// <summary>Waits a moment for a completion; cancellation ends the wait (and the sweep) at once.</summary>
    private static bool Take(BlockingCollection<Completion> completions, CancellationToken token, out Completion c) =>
        completions.TryTake(out c!, 200, token);

    /// <summary>One worker's loop, on its own thread: points from the queue until it is done, stopped or lost.</summary>
    private static void Serve(SweepWorker worker, BlockingCollection<SweepJob> queue, BlockingCollection<Completion> completions,
        ConcurrentDictionary<SweepWorker, SweepJob> running, CancellationToken token)
    {
        try
        {
            foreach (var job in queue.GetConsumingEnumerable(token))
            {
                running[worker] = job;
                try
                {
                    completions.Add(new Completion(job, worker, worker.Run(job), null));
                }
                catch (SweepWorkerLostException ex)
                {
                    completions.Add(new Completion(job, worker, null, ex));
                    return; // a broken worker takes no more points
                }
                catch (SweepPointFailedException ex)
                {
                    completions.Add(new Completion(job, worker, null, ex));
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Stopped from outside the sweep (its session's pipeline): the worker is lost, the point is not.
                    completions.Add(new Completion(job, worker, null, new SweepWorkerLostException($"{worker.Name} was stopped during {job.Point}", null)));
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Anything else ends this worker, never silently: its point goes to another.
                    completions.Add(new Completion(job, worker, null, new SweepWorkerLostException($"{worker.Name} failed: {ex.Message}", ex)));
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
    }

    private IEnumerable<SweepEvent> StartWorkers()
    {
        foreach (var make in _remote)
        {
            SweepWorker? worker = null;
            ParityNetException? error = null;
            try { worker = make(); }
            catch (ParityNetException ex) { error = ex; }
            if (error is not null) { yield return new SweepEvent.Error(error); continue; }
            yield return new SweepEvent.Verbose($"{worker!.Name}: ParityNet {worker.Version}.");
            lock (_workers) _workers.Add(worker);
        }
        for (int i = 1; i <= _localCount; i++)
        {
            var worker = _local(i);
            lock (_workers) _workers.Add(worker);
        }
    }

    /// <summary>Appends the result to the file; a failure to write ends the sweep with its named error (the points
    /// recorded before it are kept).</summary>
    private void Record(SweepLog? log, SweepResult result)
    {
        try { log?.Append(result); }
        catch (ParityNetException) { Stop(); throw; }
    }

    private static SweepEvent PointFailed(SweepJob job, SweepWorker worker, string why) =>
        new SweepEvent.Error(new ParityNetException(ErrorIds.SweepPointFailed, ParityErrorKind.InvalidOperation,
            $"{job.Point} failed on {worker.Name}: {why.TrimEnd('.')}. It is not recorded, so a rerun tries it again.", job.Point.Key));

    private static SweepEvent Progress(int total, int done, int doneNow, TimeSpan elapsed, ConcurrentDictionary<SweepWorker, SweepJob> running, int alive, int lost)
    {
        var busy = running.ToArray();
        string status = $"{done} of {total} points done; {busy.Length} running on {alive} worker{(alive == 1 ? "" : "s")}" +
            (lost > 0 ? $" ({lost} lost)" : "") + (busy.Length > 0 ? ": " + string.Join(", ", busy.Take(4).Select(b => $"{b.Key.Name} point {b.Value.Point.Index}")) + (busy.Length > 4 ? ", ..." : "") : "");
        int left = total - done;
        return new SweepEvent.Progress(status, (int)(100L * done / Math.Max(total, 1)), doneNow > 0 ? (int)(elapsed.TotalSeconds / doneNow * left) : -1);
    }

    /// <summary>Ctrl+C: every running point is told to stop; points already recorded stay in the result file.</summary>
    public void Stop()
    {
        SweepWorker[] workers;
        lock (_workers) workers = _workers.ToArray();
        foreach (var worker in workers) worker.Stop();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        SweepWorker[] workers;
        lock (_workers) workers = _workers.ToArray();
        foreach (var worker in workers)
            // A stopped local runspace may take a moment to close; the sweep does not wait for it.
            _ = Task.Run(() => { try { worker.Dispose(); } catch (Exception) { } });
    }
}
