using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Turns engine errors into ErrorRecords whose id is the engine's stable id.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(ParityNetException ex) =>
        new(ex, ex.ErrorId, Category(ex.Kind), ex.Target);

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
