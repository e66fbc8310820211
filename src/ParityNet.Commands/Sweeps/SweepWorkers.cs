using System.Collections;
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
    internal const string Script = """
        param($Module, $Network, $Training)
        $ProgressPreference = 'SilentlyContinue'
        $WarningPreference = 'SilentlyContinue'
        if (-not (Get-Module ParityNet)) { Import-Module $Module -ErrorAction Stop }
        New-ParityNetwork @Network -ErrorAction Stop | Invoke-NetworkTraining @Training -ErrorAction Stop
        """;

    private readonly object _gate = new();
    private PowerShell? _current;
    private bool _stopped;

    protected SweepWorker(string name, string module)
    {
        Name = name;
        Module = module;
    }

    /// <summary>The ParityNet version the worker loaded, once known.</summary>
    public string Version { get; protected set; } = "";

    /// <summary>How results name the worker.</summary>
    public string Name { get; }

    /// <summary>The module to import on the worker: a manifest path, or a name found in its PSModulePath.</summary>
    protected string Module { get; }

    /// <summary>The runspace points run in.</summary>
    protected abstract Runspace Runspace { get; }

    /// <summary>Trains the point and returns the network.</summary>
    /// <exception cref="SweepWorkerLostException">the worker broke: run the point elsewhere.</exception>
    /// <exception cref="SweepPointFailedException">the point's own error.</exception>
    /// <exception cref="OperationCanceledException">the sweep is stopping.</exception>
    public ParityNetwork Run(SweepJob job)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript(Script).AddArgument(Module).AddArgument(job.Network).AddArgument(job.Training);
        lock (_gate)
        {
            if (_stopped) throw new OperationCanceledException();
            _current = ps;
        }
        try
        {
            var output = ps.Invoke();
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
            lock (_gate) _current = null;
        }
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
            current = _current;
        }
        try { current?.BeginStop(null, null); } catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or PSInvalidOperationException) { }
    }

    /// <inheritdoc/>
    public virtual void Dispose() { }
}

/// <summary>A runspace of this process, with the module imported.</summary>
internal sealed class LocalSweepWorker : SweepWorker
{
    private readonly Runspace _runspace;

    public LocalSweepWorker(int number, string module) : base($"local:{number}", module)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { module });
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    protected override Runspace Runspace => _runspace;

    public override void Dispose() => _runspace.Dispose();
}

/// <summary>A remote session the user opened (New-PSSession -HostName or -ComputerName); it stays open after the sweep.</summary>
internal sealed class RemoteSweepWorker : SweepWorker
{
    private readonly PSSession _session;

    public RemoteSweepWorker(PSSession session, string module) : base($"session {session.Id} ({session.ComputerName})", module) => _session = session;

    protected override Runspace Runspace => _session.Runspace;

    /// <summary>Imports the module in the session; a named error that says how to install it when it cannot.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.SweepModuleMissing"/>.</exception>
    public string CheckModule()
    {
        using var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript("param($Module) Import-Module $Module -ErrorAction Stop; (Get-Module ParityNet).Version.ToString()").AddArgument(Module);
        try
        {
            var output = ps.Invoke();
            if (output.Count == 1) return Version = output[0]?.ToString() ?? "";
            throw new RuntimeException(ps.Streams.Error.FirstOrDefault()?.ToString() ?? "Import-Module gave no version");
        }
        catch (Exception ex) when (ex is RuntimeException or PSRemotingTransportException or InvalidRunspaceStateException)
        {
            throw new ParityNetException(ErrorIds.SweepModuleMissing, ParityErrorKind.NotFound,
                $"{Name} cannot load ParityNet ('{Module}'): {ex.Message.Split('\n')[0]} Install it there (Install-PSResource ParityNet, or copy the module folder into a folder of $env:PSModulePath on that host), " +
                "or give ⟦ModulePath⟧ with where the module is on that host. The sweep goes on without this session.", _session.ComputerName, ex);
        }
    }
}
