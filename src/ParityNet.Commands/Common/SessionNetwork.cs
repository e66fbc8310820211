using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace ParityNet.Commands;

/// <summary>
/// The session's current network, one per runspace (so parallel runspaces never share one), and
/// the built-in default network. Nothing else in the module is static and mutable.
/// </summary>
internal static class SessionNetwork
{
    private sealed class Slot { public ParityNetwork? Network; }

    private static readonly ConditionalWeakTable<Runspace, Slot> s_current = new();
    private static readonly Slot s_noRunspace = new();

    // The lesson's network with every default, trained once per process on first use; immutable after.
    private static readonly Lazy<ParityNetwork> s_default = new(
        () => Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions()),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static Slot CurrentSlot =>
        Runspace.DefaultRunspace is { } runspace ? s_current.GetOrCreateValue(runspace) : s_noRunspace;

    /// <summary>The network last trained in this runspace, or null.</summary>
    public static ParityNetwork? Current
    {
        get { var slot = CurrentSlot; lock (slot) return slot.Network; }
        set { var slot = CurrentSlot; lock (slot) slot.Network = value; }
    }

    /// <summary>The network a cmdlet works on: the one given (see <see cref="NetworkInput"/>), else the current
    /// one (said with Write-Verbose); with neither, or one that is not a network, an error is written and null returned.</summary>
    public static ParityNetwork? GivenOrCurrent(PSCmdlet cmdlet, object? given, string commandName, string doing)
    {
        if (NetworkInput.RefusedFromPipeline(cmdlet, "Network", given)) return null;
        if (given is not null)
        {
            try
            {
                return NetworkInput.Resolve(given);
            }
            catch (ParityNetException ex)
            {
                cmdlet.WriteError(ErrorRecords.From(ex));
                return null;
            }
        }
        if (Current is { } current)
        {
            cmdlet.WriteVerbose($"No -Network: {doing} the session's current network, {current}.");
            return current;
        }
        cmdlet.WriteError(ErrorRecords.NoCurrentNetwork(commandName));
        return null;
    }

    /// <summary>The built-in default: New-ParityNetwork's defaults trained with Invoke-NetworkTraining's.</summary>
    public static ParityNetwork Default => s_default.Value;

    /// <summary>Whether the default network has been trained yet in this process.</summary>
    public static bool DefaultIsReady => s_default.IsValueCreated;
}
