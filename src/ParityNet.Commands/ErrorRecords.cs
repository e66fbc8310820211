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
