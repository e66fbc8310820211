using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Turns engine errors into ErrorRecords whose id is the engine's stable id, worded for PowerShell: the
/// settings the engine names (⟦Alpha⟧) become the parameters and commands that set them (-Alpha).</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(ParityNetException ex)
    {
        var shown = ex.Settings.Count == 0 ? ex : new ParityNetException(ex.ErrorId, ex.Kind, ex.Worded(Parameter), ex.Target, ex);
        return new(shown, ex.ErrorId, Category(ex.Kind), ex.Target);
    }

    /// <summary>The parameter or command that sets an engine setting; a setting without one keeps its name.</summary>
    internal static string Parameter(string setting) => setting switch
    {
        "Overwrite" => "-Force",
        "HiddenSizes" => "-HiddenSize",
        "NetworkBits" => "New-ParityNetwork -Bits",
        "ExportCommand" => "Export-NetworkOnnx",
        "ImportCommand" => "Import-NetworkOnnx",
        "OnnxPath" => "Test-Parity -OnnxPath",
        _ => "-" + setting,
    };

    public static ErrorRecord NoCurrentNetwork(string cmdlet) =>
        From(new ParityNetException(ErrorIds.NoCurrentNetwork, ParityErrorKind.NotFound,
            $"{cmdlet} was given no network and this session has none yet. Pipe one in (New-ParityNetwork | {cmdlet}), pass -Network, or train one with Invoke-NetworkTraining first."));

    /// <summary>A network parameter given nothing: $null or an empty list on the command line (<paramref name="parameter"/>
    /// set), or a $null from the pipeline (<paramref name="parameter"/> null). Left out, the parameter means
    /// <paramref name="otherwise"/>; given nothing, it must not quietly mean the same.</summary>
    public static ErrorRecord NetworkNull(string cmdlet, string? parameter, object? given, string otherwise)
    {
        bool empty = given is System.Collections.ICollection;
        string message = parameter is null
            ? $"A $null came down the pipeline where {cmdlet} expects a network: the command before it gave nothing for one of its items. Pipe in networks (from New-ParityNetwork, Invoke-NetworkTraining or Import-NetworkOnnx)."
            : (empty
                ? $"{parameter} is an empty list (@()), so {cmdlet} has no network to use: the command or filter that filled it found nothing. "
                : $"{parameter} is $null, so {cmdlet} has no network to use: a variable that was never set (check its spelling), or a command that failed or returned nothing, gives $null. ")
              + $"Give a network (from New-ParityNetwork, Invoke-NetworkTraining or Import-NetworkOnnx), or leave out {parameter} to use {otherwise}.";
        return new ErrorRecord(new ParityNetException(ErrorIds.NetworkNull, ParityErrorKind.InvalidArgument, message, given),
            ErrorIds.NetworkNull, ErrorCategory.InvalidArgument, given);
    }

    /// <summary>A value a numeric parameter cannot take ('abc', 3.5 for a whole number), thrown from its transformation
    /// attribute: PowerShell shows the message after its own "Cannot process argument transformation on parameter".</summary>
    public static ParityNetException NotNumber(string message, object? value, Exception? inner = null) =>
        new(ErrorIds.ParameterNotNumber, ParityErrorKind.InvalidType, message, value, inner);

    private static ErrorCategory Category(ParityErrorKind kind) => kind switch
    {
        ParityErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ParityErrorKind.InvalidData => ErrorCategory.InvalidData,
        ParityErrorKind.InvalidType => ErrorCategory.InvalidType,
        ParityErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ParityErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ParityErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.NotSpecified,
    };
}
