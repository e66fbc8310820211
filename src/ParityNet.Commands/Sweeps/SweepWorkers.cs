using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;

namespace ParityNet.Commands;

/// <summary>A point to run and its splatting tables; Attempt counts the workers it has been given.</summary>
internal sealed record SweepJob(SweepPoint Point, Hashtable Network, Hashtable Training, int Attempt);

/// <summary>The worker could not finish the point for a reason of its own (a broken session, a lost host): the
/// point is given to another worker.</summary>
internal sealed class SweepWorkerLostException(string message, Exception? inner) : Exception(message, inner);

/// <summary>The point's training failed on the worker: its error, which another worker would repeat.</summary>
internal sealed class SweepPointFailedException(string message, ErrorRecord? record) : Exception(message)
{
    public ErrorRecord? Record { get; } = record;
}

/// <summary>
/// Where sweep points run: a runspace of PowerShell's own, local or a remote session's. Each runs a point as the
/// script a user would type, New-ParityNetwork @settings | Invoke-NetworkTraining @settings, so a point trained
/// here is the one trained serially anywhere, bit for bit; the network comes back through PowerShell's serializer
/// (remote) and is rebuilt as every ParityNet network is.
/// </summary>
internal abstract class SweepWorker : IDisposable
{
    // With a heartbeat, the training's own progress (a few records a second, one at least each epoch) comes back
    // as the sign that the worker still answers; a point's training time is never taken for silence.
    internal const string Script = """
        param($Module, $Network, $Training, $Heartbeat)
        $ProgressPreference = if ($Heartbeat) { 'Continue' } else { 'SilentlyContinue' }
        $WarningPreference = 'SilentlyContinue'
        if ($Heartbeat) { Write-Progress -Activity ParityNet -Status started }
        if (-not (Get-Module ParityNet)) { Import-Module $Module -ErrorAction Stop }
        New-ParityNetwork @Network -ErrorAction Stop | Invoke-NetworkTraining @Training -ErrorAction Stop
        """;

    private readonly object _gate = new();
    private PowerShell? _current;
    private bool _stopped;
    private bool _running; // _current has been started and not yet abandoned or finished

    protected SweepWorker(string name, string module, TimeSpan? silence)
    {
        Name = name;
        Module = module;
        Silence = silence;
    }

    /// <summary>The ParityNet version the worker loaded, once known.</summary>
    public string Version { get; protected set; } = "";

    /// <summary>How results name the worker.</summary>
    public string Name { get; }

    /// <summary>The module to import on the worker: a manifest path, or a name found in its PSModulePath.</summary>
    protected string Module { get; }

    /// <summary>How long the worker may say nothing before it is declared lost; null: no limit.</summary>
    public TimeSpan? Silence { get; }

    /// <summary>The runspace points run in.</summary>
    protected abstract Runspace Runspace { get; }

    /// <summary>Makes the worker ready: opens its runspace, or checks the module in its session.</summary>
    /// <exception cref="ParityNetException">the worker cannot run ParityNet.</exception>
    public abstract void Open();

    /// <summary>Trains the point and returns the network.</summary>
    /// <exception cref="SweepWorkerLostException">the worker broke or stopped answering: run the point elsewhere.</exception>
    /// <exception cref="SweepPointFailedException">the point's own error.</exception>
    /// <exception cref="OperationCanceledException">the sweep is stopping.</exception>
    public ParityNetwork Run(SweepJob job)
    {
        var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript(Script).AddArgument(Module).AddArgument(job.Network).AddArgument(job.Training).AddArgument(Silence is not null);
        if (!Track(ps)) { ps.Dispose(); throw new OperationCanceledException(); }
        bool abandoned = false;
        try
        {
            var output = Invoke(ps, out abandoned);
            lock (_gate) if (_stopped) throw new OperationCanceledException();
            if (ps.InvocationStateInfo.State == PSInvocationState.Stopped) throw new OperationCanceledException();
            if (output.Count == 1 && output[0] is not null)
            {
                try
                {
                    return NetworkInput.Resolve(output[0]) ?? throw new SweepWorkerLostException($"{Name} returned nothing for {job.Point}.", null);
                }
                catch (ParityNetException ex)
                {
                    throw new SweepWorkerLostException($"{Name} returned a network that could not be rebuilt ({ex.Message})", ex);
                }
            }
            var error = ps.Streams.Error.FirstOrDefault();
            throw new SweepPointFailedException(error?.Exception?.Message ?? $"the training gave {output.Count} objects instead of one network", error);
        }
        catch (Exception ex) when (IsLost(ex))
        {
            lock (_gate) if (_stopped) throw new OperationCanceledException();
            throw new SweepWorkerLostException($"{Name} failed: {ex.Message}", ex);
        }
        catch (RuntimeException ex)
        {
            lock (_gate) if (_stopped) throw new OperationCanceledException();
            if (Broken) throw new SweepWorkerLostException($"{Name} failed: {ex.Message}", ex);
            throw new SweepPointFailedException(ex.Message, ex.ErrorRecord);
        }
        finally
        {
            Untrack();
            // A silent worker's pipeline is left to its transport: disposing it would wait on the silent host.
            if (!abandoned) ps.Dispose();
        }
    }

    /// <summary>Makes <paramref name="ps"/> the pipeline a Stop stops; false once the worker is stopped.</summary>
    protected bool Track(PowerShell ps)
    {
        lock (_gate)
        {
            if (_stopped) return false;
            _current = ps;
            return true;
        }
    }

    /// <summary>No pipeline of this worker's runs now.</summary>
    protected void Untrack()
    {
        lock (_gate)
        {
            _current = null;
            _running = false;
        }
    }

    /// <summary>Runs <paramref name="ps"/>, waiting for it while the worker is heard from within <see cref="Silence"/>
    /// (any progress record counts); past that the worker is declared lost and the pipeline abandoned.</summary>
    /// <exception cref="SweepWorkerLostException">the worker said nothing for <see cref="Silence"/>.</exception>
    protected PSDataCollection<PSObject> Invoke(PowerShell ps, out bool abandoned)
    {
        abandoned = false;
        var output = new PSDataCollection<PSObject>();
        long heard = Stopwatch.GetTimestamp();
        ps.Streams.Progress.DataAdded += (_, _) => Interlocked.Exchange(ref heard, Stopwatch.GetTimestamp());
        var pending = ps.BeginInvoke<PSObject, PSObject>(null, output);
        // Each pipeline is sent one stop at most: by Stop() once it runs, or here when Stop() came before it started
        // (a stop sent to a pipeline not yet started is lost). A second stop signal to a remote command is never
        // answered, and PowerShell's timer for it later writes to the closed transport and ends the process.
        bool stopNow;
        lock (_gate)
        {
            _running = true;
            stopNow = _stopped;
        }
        if (stopNow) SendStop(ps);
        while (!pending.AsyncWaitHandle.WaitOne(200))
        {
            if (ps.Streams.Progress.Count > 256) ps.Streams.Progress.Clear(); // heartbeats are only counted
            if (Silence is not TimeSpan silence || Stopwatch.GetElapsedTime(Interlocked.Read(ref heard)) < silence) continue;
            lock (_gate)
            {
                if (_stopped) break; // Ctrl+C is already stopping it
                _running = false;    // abandoned: Stop() must not signal it
            }
            // Abandoned without a stop signal: a silent host never answers one, and PowerShell (7.6) then fails the
            // signal 60 s later by writing to the session's transport, closed by then, which ends this process
            // (an unhandled ObjectDisposedException). The pipeline goes when the user's session is closed.
            abandoned = true;
            throw new SweepWorkerLostException($"stopped answering: nothing was heard from it for {silence.TotalSeconds:0.#} s (-WorkerTimeout)", null);
        }
        if (!pending.IsCompleted)
        {
            abandoned = true;
            throw new OperationCanceledException();
        }
        ps.EndInvoke(pending);
        return output;
    }

    private bool Broken => Runspace.RunspaceStateInfo.State is RunspaceState.Broken or RunspaceState.Closed or RunspaceState.Closing;

    private bool IsLost(Exception ex) =>
        ex is PSRemotingTransportException or PSRemotingDataStructureException or InvalidRunspaceStateException or PSInvalidOperationException
        || ex is not RuntimeException && Broken;

    /// <summary>Stops the point running now, if any (Ctrl+C); the worker takes no more.</summary>
    public void Stop()
    {
        PowerShell? current;
        lock (_gate)
        {
            _stopped = true;
            current = _running ? _current : null; // one not yet started is stopped by Invoke when it starts
        }
        if (current is not null) SendStop(current);
    }

    // The one stop signal a pipeline gets; one already ended or disposed needs none.
    private static void SendStop(PowerShell ps)
    {
        try { ps.BeginStop(null, null); } catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or PSInvalidOperationException) { }
    }

    /// <inheritdoc/>
    public virtual void Dispose() { }
}

/// <summary>A runspace of this process, with the module imported.</summary>
internal sealed class LocalSweepWorker : SweepWorker
{
    private readonly Runspace _runspace;

    public LocalSweepWorker(int number, string module) : base($"local:{number}", module, null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { module });
        _runspace = RunspaceFactory.CreateRunspace(state);
    }

    protected override Runspace Runspace => _runspace;

    /// <exception cref="ParityNetException"><see cref="ErrorIds.SweepNoWorkers"/>: the module would not load.</exception>
    public override void Open()
    {
        try
        {
            _runspace.Open();
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or IOException)
        {
            throw new ParityNetException(ErrorIds.SweepNoWorkers, ParityErrorKind.InvalidOperation,
                $"A local runspace could not load ParityNet from '{Module}': {ex.Message} Import the module from its manifest (Import-Module ParityNet) and run the sweep again.", Module, ex);
        }
    }

    public override void Dispose() => _runspace.Dispose();
}

/// <summary>A remote session the user opened (New-PSSession -HostName or -ComputerName); it stays open after the sweep.</summary>
internal sealed class RemoteSweepWorker : SweepWorker
{
    private readonly PSSession _session;

    public RemoteSweepWorker(PSSession session, string module, TimeSpan? silence) : base($"session {session.Id} ({session.ComputerName})", module, silence) => _session = session;

    protected override Runspace Runspace => _session.Runspace;

    /// <summary>Imports the module in the session; a named error that says how to install it when it cannot.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.SweepModuleMissing"/>.</exception>
    public override void Open()
    {
        var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript("param($Module) Import-Module $Module -ErrorAction Stop; (Get-Module ParityNet).Version.ToString()").AddArgument(Module);
        bool abandoned = false;
        if (!Track(ps)) { ps.Dispose(); throw new OperationCanceledException(); }
        try
        {
            var output = Invoke(ps, out abandoned);
            if (output.Count == 1) { Version = output[0]?.ToString() ?? ""; return; }
            throw new RuntimeException(ps.Streams.Error.FirstOrDefault()?.ToString() ?? "Import-Module gave no version");
        }
        catch (SweepWorkerLostException ex)
        {
            throw new ParityNetException(ErrorIds.SweepWorkerFailed, ParityErrorKind.InvalidOperation,
                $"{Name} {ex.Message} while loading ParityNet. The sweep goes on without this session.", _session.ComputerName, ex);
        }
        catch (Exception ex) when (ex is PSRemotingDataStructureException or PSInvalidOperationException)
        {
            throw new ParityNetException(ErrorIds.SweepWorkerFailed, ParityErrorKind.InvalidOperation,
                $"{Name} failed while loading ParityNet ({ex.Message.Split('\n')[0].TrimEnd('\r')}). The sweep goes on without this session.", _session.ComputerName, ex);
        }
        catch (Exception ex) when (ex is RuntimeException or PSRemotingTransportException or InvalidRunspaceStateException)
        {
            throw new ParityNetException(ErrorIds.SweepModuleMissing, ParityErrorKind.NotFound,
                $"{Name} cannot load ParityNet ('{Module}'): {ex.Message.Split('\n')[0]} Install it there (Install-PSResource ParityNet, or copy the module folder into a folder of $env:PSModulePath on that host), " +
                "or give ⟦ModulePath⟧ with where the module is on that host. The sweep goes on without this session.", _session.ComputerName, ex);
        }
        finally
        {
            Untrack();
            if (!abandoned) ps.Dispose();
        }
    }
}
