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
    private readonly SweepRunOptions _options;
    private readonly SemaphoreSlim _opening = new(Math.Max(1, Environment.ProcessorCount));

    public SweepRunner(IReadOnlyList<SweepWorker> workers, SweepRunOptions options)
    {
        _workers.AddRange(workers);
        _options = options;
    }

    /// <summary>Runs <paramref name="todo"/> of a sweep of <paramref name="total"/> points, recording each in
    /// <paramref name="log"/> (when given) before it is yielded. Workers open in parallel, each on its own thread,
    /// and take points as soon as they are ready, so that Ctrl+C is heard while they start.</summary>
    /// <exception cref="ParityNetException">no worker could start, or a result could not be recorded.</exception>
    /// <exception cref="OperationCanceledException">the token was cancelled; what finished meanwhile is recorded.</exception>
    public IEnumerable<SweepEvent> Run(IReadOnlyList<SweepPoint> todo, int total, SweepLog? log, CancellationToken token)
    {
        todo = todo.DistinctBy(p => p.Key, StringComparer.Ordinal).ToList(); // a point given twice runs once, and is waited for once
        var queue = new BlockingCollection<SweepJob>(new ConcurrentQueue<SweepJob>());
        foreach (var point in todo)
        {
            var (network, training) = SweepSettings.Split(point);
            queue.Add(new SweepJob(point, network, training, 1));
        }
        var completions = new BlockingCollection<Completion>();
        // Cancelled when the sweep ends however it ends, so that workers still waiting to open never do.
        var over = CancellationTokenSource.CreateLinkedTokenSource(token); // not disposed: worker threads may look at it later
        var alive = new HashSet<SweepWorker>(_workers);
        var ready = new List<SweepWorker>();
        var running = new ConcurrentDictionary<SweepWorker, SweepJob>();
        // Sessions are checked first, together, so that one without the module is reported however fast the rest
        // goes; Ctrl+C is heard meanwhile. Local runspaces open on their own threads as points run.
        var remote = _workers.OfType<RemoteSweepWorker>().ToList();
        var checks = remote.Select(w => Task.Factory.StartNew(() => w.Open(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        var settled = checks.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)).ToArray(); // a failed check must not throw here
        while (!Task.WaitAll(settled, 200, token)) { }
        for (int i = 0; i < remote.Count; i++)
        {
            if (checks[i].Exception?.InnerException is ParityNetException missing)
            {
                alive.Remove(remote[i]);
                yield return new SweepEvent.Error(missing);
                continue;
            }
            checks[i].GetAwaiter().GetResult(); // anything else is not ours to hide
            ready.Add(remote[i]);
            yield return new SweepEvent.Verbose($"{remote[i].Name}: ParityNet {remote[i].Version}.");
        }
        foreach (var worker in _workers.Where(alive.Contains))
        {
            var thread = new Thread(() => Serve(worker, queue, completions, running, token, over.Token)) { IsBackground = true, Name = $"ParityNet sweep {worker.Name}" };
            try
            {
                thread.Start();
            }
            catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
            {
                // Each worker has a thread of its own (not the thread pool's, whose LongRunning tasks failed unnamed).
                queue.CompleteAdding();
                over.Cancel(); // workers already started and still waiting to open never do
                Stop();
                throw new ParityNetException(ErrorIds.SweepTooLarge, ParityErrorKind.LimitsExceeded,
                    $"This machine could not start a thread for {worker.Name}, the {_workers.IndexOf(worker) + 1}th of {_workers.Count} workers ({ex.Message}). Nothing more is started; give a smaller ⟦ThrottleLimit⟧.", worker.Name, ex);
            }
        }

        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.FromSeconds(-1);
        int remaining = todo.Count, doneNow = 0, lost = 0;
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        var tries = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        try
        {
            while (remaining > 0 && alive.Count > 0)
            {
                if (clock.Elapsed - lastProgress >= TimeSpan.FromMilliseconds(500))
                {
                    lastProgress = clock.Elapsed;
                    yield return Progress(total, total - remaining, doneNow, clock.Elapsed, running, ready.Count, alive.Count - ready.Count, lost);
                }
                if (!completions.TryTake(out var c, 200, token)) continue;
                switch (c.Error)
                {
                    case null when c.Job is null:
                        ready.Add(c.Worker);
                        lastProgress = TimeSpan.FromSeconds(-1); // a worker more is told at once, not at the next half second
                        yield return new SweepEvent.Verbose($"{c.Worker.Name} is ready{(c.Worker.Version.Length > 0 ? $" (ParityNet {c.Worker.Version})" : "")}.");
                        break;
                    case ParityNetException open when c.Job is null:
                        // A worker that could not start: a remote one is left out; no local one can start either.
                        alive.Remove(c.Worker);
                        if (c.Worker is LocalSweepWorker) throw open;
                        yield return new SweepEvent.Error(open);
                        break;
                    case null:
                        if (!recorded.Add(c.Job!.Point.Key)) break; // never twice
                        if (c.Network!.History is null)
                        {
                            yield return PointFailed(c.Job, c.Worker, "the training returned a network without a history");
                            remaining--;
                            break;
                        }
                        var result = SweepResult.Of(c.Job.Point, c.Network, c.Worker.Name, c.Job.Attempt, _options.KeepNetwork);
                        Record(log, result); // on disk before it is reported
                        yield return new SweepEvent.Result(result);
                        remaining--;
                        doneNow++;
                        break;
                    case SweepPointFailedException failed:
                        yield return PointFailed(c.Job!, c.Worker, failed.Message);
                        remaining--;
                        break;
                    default:
                        var job = c.Job!;
                        alive.Remove(c.Worker);
                        ready.Remove(c.Worker);
                        lost++;
                        string why = c.Error.Message.Split('\n')[0].TrimEnd('\r', '.');
                        if (!tries.TryGetValue(job.Point.Key, out var list)) tries[job.Point.Key] = list = new List<string>();
                        list.Add($"{c.Worker.Name}: {why}");
                        if (job.Attempt >= _options.MaxAttempts)
                        {
                            // A point that takes down every worker it is given must not take them all in turn.
                            var error = new ParityNetException(ErrorIds.SweepPointAbandoned, ParityErrorKind.InvalidOperation,
                                $"{job.Point} lost the worker it ran on {job.Attempt} times ({string.Join("; ", list)}), so it is given up and recorded as failed " +
                                $"(⟦MaxAttempts⟧ {_options.MaxAttempts}). A rerun skips it; give ⟦RetryFailed⟧ to run it again.", job.Point.Key);
                            if (recorded.Add(job.Point.Key))
                            {
                                var failure = SweepResult.Failed(job.Point, Bits(job.Point), c.Worker.Name, job.Attempt, $"{ErrorIds.SweepPointAbandoned}: {string.Join("; ", list)}");
                                Record(log, failure);
                                yield return new SweepEvent.Error(error);
                                yield return new SweepEvent.Result(failure);
                            }
                            remaining--;
                            break;
                        }
                        if (alive.Count > 0)
                        {
                            yield return new SweepEvent.Warning($"{c.Worker.Name} failed during {job.Point} ({why}); the point is run again on another worker (attempt {job.Attempt + 1} of {_options.MaxAttempts}), and {c.Worker.Name} is given no more.");
                            queue.Add(job with { Attempt = job.Attempt + 1 });
                        }
                        else
                        {
                            yield return new SweepEvent.Warning($"{c.Worker.Name} failed during {job.Point} ({why}).");
                        }
                        break;
                }
            }
        }
        finally
        {
            queue.CompleteAdding();
            over.Cancel();
            if (token.IsCancellationRequested)
            {
                Stop();
                // Points that finished while Ctrl+C came in are kept: on disk, even though they can no longer be output.
                while (completions.TryTake(out var late))
                    if (late.Error is null && late.Job is not null && late.Network?.History is not null && recorded.Add(late.Job.Point.Key))
                        try { log?.Append(SweepResult.Of(late.Job.Point, late.Network, late.Worker.Name, late.Job.Attempt, false)); }
                        catch (ParityNetException) { }
            }
        }
        if (remaining > 0 && ready.Count == 0 && doneNow == 0 && lost == 0)
            throw new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                "The sweep has no workers: ⟦ThrottleLimit⟧ is 0 and no ⟦Session⟧ can run ParityNet. Allow local runspaces or give a session with the module.");
        if (remaining > 0)
            yield return new SweepEvent.Error(new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                $"Every worker failed, so {remaining} of the {total} points were not run. " +
                (log is not null ? $"The finished ones are in '{log.Path}': run the sweep again with the same ⟦ResultPath⟧ to do the rest." : "Give ⟦ResultPath⟧ next time, so that a rerun goes on where this one stopped.")));
    }

    private static int Bits(SweepPoint point) => point.Settings.TryGetValue("Bits", out var bits) ? (int)bits : new NetworkSpec().Bits;

    /// <summary>A worker's news: ready (no job, no error), could not start (no job, its error), or a point's end.</summary>
    private sealed record Completion(SweepJob? Job, SweepWorker Worker, ParityNetwork? Network, Exception? Error);

    /// <summary>One worker's life, on its own thread: it opens, then takes points from the queue until the queue is
    /// done, the sweep stops or the worker is lost; then it closes.</summary>
    private void Serve(SweepWorker worker, BlockingCollection<SweepJob> queue, BlockingCollection<Completion> completions,
        ConcurrentDictionary<SweepWorker, SweepJob> running, CancellationToken token, CancellationToken over)
    {
        try
        {
            // Opening a local runspace is CPU work (the module's import): a core each at most, so that 256 opening at
            // once do not starve the pipeline thread that must hear Ctrl+C. A remote one waits on its host, not here.
            bool local = worker is LocalSweepWorker;
            if (local) _opening.Wait(over);
            try
            {
                if (local) worker.Open();
            }
            catch (ParityNetException ex)
            {
                Tell(completions, new Completion(null, worker, null, ex));
                return;
            }
            finally
            {
                if (local) _opening.Release();
            }
            if (over.IsCancellationRequested) return;
            if (local) Tell(completions, new Completion(null, worker, null, null));
            foreach (var job in queue.GetConsumingEnumerable(token))
            {
                running[worker] = job;
                try
                {
                    Tell(completions, new Completion(job, worker, worker.Run(job), null));
                }
                catch (SweepWorkerLostException ex)
                {
                    Tell(completions, new Completion(job, worker, null, ex));
                    return; // a broken worker takes no more points
                }
                catch (SweepPointFailedException ex)
                {
                    Tell(completions, new Completion(job, worker, null, ex));
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Stopped from outside the sweep (its session's pipeline): the worker is lost, the point is not.
                    Tell(completions, new Completion(job, worker, null, new SweepWorkerLostException($"{worker.Name} was stopped during {job.Point}", null)));
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Anything else ends this worker, never silently: its point goes to another.
                    Tell(completions, new Completion(job, worker, null, new SweepWorkerLostException($"{worker.Name} failed: {ex.Message}", ex)));
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
        catch (Exception) { } // the sweep is over (a runspace closed under it); nothing is waiting for this worker
        finally
        {
            // A local runspace closes here, after its last point, without holding up the sweep.
            try { worker.Dispose(); } catch (Exception) { }
        }
    }

    private static void Tell(BlockingCollection<Completion> completions, Completion completion)
    {
        try { completions.Add(completion); } catch (InvalidOperationException) { }
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

    private static SweepEvent Progress(int total, int done, int doneNow, TimeSpan elapsed, ConcurrentDictionary<SweepWorker, SweepJob> running, int ready, int starting, int lost)
    {
        var busy = running.ToArray();
        string status = $"{done} of {total} points done; {busy.Length} running on {ready} worker{(ready == 1 ? "" : "s")}" +
            (starting > 0 ? $" ({starting} starting)" : "") + (lost > 0 ? $" ({lost} lost)" : "") +
            (busy.Length > 0 ? ": " + string.Join(", ", busy.Take(4).Select(b => $"{b.Key.Name} point {b.Value.Point.Index}")) + (busy.Length > 4 ? ", ..." : "") : "");
        int left = total - done;
        return new SweepEvent.Progress(status, (int)(100L * done / Math.Max(total, 1)), doneNow > 0 ? (int)(elapsed.TotalSeconds / doneNow * left) : -1);
    }

    /// <summary>Ctrl+C: every running point is told to stop; points already recorded stay in the result file.</summary>
    public void Stop()
    {
        foreach (var worker in _workers) worker.Stop();
    }

    /// <summary>Stops what still runs; each worker closes on its own thread, so the sweep does not wait for it.</summary>
    public void Dispose() => Stop();
}

/// <summary>How a sweep runs: attempts a point may have, and whether results keep their networks.</summary>
internal sealed record SweepRunOptions(int MaxAttempts, bool KeepNetwork);
