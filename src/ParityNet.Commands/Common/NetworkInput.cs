using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// What a -Network parameter takes: a network; a training history or Export-NetworkOnnx's result (for
/// the network they belong to); or any of these after a trip through PowerShell's serializer
/// (Import-Clixml, Receive-Job, Invoke-Command) or ConvertTo-Json/ConvertFrom-Json. The parameters are
/// typed object so that a bad one gets ParityNet's own error id, not the binder's.
/// </summary>
internal static class NetworkInput
{
    /// <summary>The network <paramref name="input"/> is or carries; null for $null.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InvalidNetwork"/>, naming what is wrong.</exception>
    public static ParityNetwork? Resolve(object? input)
    {
        if (input is null) return null;
        if (Serialized.IsBag(input))
        {
            var kind = Serialized.KindOf(input);
            if (kind == typeof(ParityNetwork)) return (ParityNetwork)Serialized.To(kind, input);
            if (kind == typeof(OnnxExportResult)) return Carried((OnnxExportResult)Serialized.To(kind, input));
            if (kind == typeof(TrainingHistory)) throw WithoutNetwork();
            if (PipelineProperty.TryGet(input, "Network", out var carried) && carried is not null) return Resolve(carried);
            throw Serialized.Invalid("", "has none of a network's fields (Spec, Weights, Biases, History)");
        }
        object value = input is PSObject pso ? pso.BaseObject : input;
        return value switch
        {
            ParityNetwork network => network,
            TrainingHistory history => history.Owner ?? throw WithoutNetwork(),
            OnnxExportResult result => Carried(result),
            _ when PipelineProperty.TryGet(input, "Network", out var carried) && carried is not null => Resolve(carried),
            System.Collections.ICollection list when value is not string => throw new ParityNetException(ErrorIds.InvalidNetwork, ParityErrorKind.InvalidType,
                $"A list of {list.Count} objects is not one network. Pipe the list in to take its networks one by one ($networks | Invoke-NetworkTraining), or pick one ($networks[0]).",
                input),
            _ => throw new ParityNetException(ErrorIds.InvalidNetwork, ParityErrorKind.InvalidType,
                $"{Shown(input, value)} is not a network. Give a ParityNetwork (from New-ParityNetwork, Invoke-NetworkTraining or Import-NetworkOnnx), its History, or an Export-NetworkOnnx result.",
                input),
        };
    }

    /// <summary>Whether a parameter's value is nothing: $null, PowerShell's "nothing", or an empty list.</summary>
    public static bool IsNothing(object? given) => NumberInput.Element(given) is null or System.Collections.ICollection { Count: 0 };

    /// <summary>Ends the command when <paramref name="parameter"/> was given nothing on the command line (call it in
    /// BeginProcessing, before pipeline input is bound): a variable never set must not quietly mean "no -Network".</summary>
    public static void RefuseNothing(PSCmdlet cmdlet, string parameter, string shown, string otherwise)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var given) && IsNothing(given))
            cmdlet.ThrowTerminatingError(ErrorRecords.NetworkNull(cmdlet.MyInvocation.MyCommand.Name, shown, NumberInput.Element(given), otherwise));
    }

    /// <summary>Whether <paramref name="parameter"/> was bound to $null from the pipeline (the command line's $null has
    /// ended the command in <see cref="RefuseNothing"/>); then a non-terminating error is written for that object.</summary>
    public static bool RefusedFromPipeline(PSCmdlet cmdlet, string parameter, object? value)
    {
        if (value is not null || !cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var given) || !IsNothing(given)) return false;
        cmdlet.WriteError(ErrorRecords.NetworkNull(cmdlet.MyInvocation.MyCommand.Name, null, null, ""));
        return true;
    }

    // A Network property stands for the object, as binding by property name would take it
    // ([pscustomobject]@{ Network = $net } | Test-Parity -Number 5): see PipelineProperty.

    private static ParityNetwork Carried(OnnxExportResult result) => result.Network ?? throw new ParityNetException(
        ErrorIds.InvalidNetwork, ParityErrorKind.InvalidData,
        $"The export result for '{result.Path}' carries no network. Read the file back with Import-NetworkOnnx '{result.Path}'.", result);

    private static ParityNetException WithoutNetwork() => new(ErrorIds.InvalidNetwork, ParityErrorKind.InvalidData,
        "This TrainingHistory travelled on its own, without the network it belongs to (only a network carries its weights). Pass the network itself: its History comes with it.");

    private static string Shown(object input, object value) =>
        value is string s ? $"'{s}'" : System.Convert.ToString(input, CultureInfo.InvariantCulture) is { Length: > 0 and <= 60 } text ? $"{text} (of type {value.GetType().Name})" : $"A {value.GetType().FullName}";
}
