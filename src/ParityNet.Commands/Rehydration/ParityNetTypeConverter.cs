using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParityNet.Commands;

/// <summary>
/// PowerShell's own rehydration hook, named in ParityNet.types.ps1xml: the serializer calls it for
/// every <c>Deserialized.ParityNet.*</c> object (Import-Clixml, Receive-Job, Invoke-Command), and a
/// cast such as <c>[ParityNet.ParityNetwork]$fromJson</c> uses it too.
/// </summary>
public sealed class ParityNetTypeConverter : PSTypeConverter
{
    private static readonly Type[] s_types = { typeof(ParityNetwork), typeof(TrainingHistory), typeof(ParityPrediction), typeof(OnnxExportResult) };

    /// <inheritdoc/>
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        Array.IndexOf(s_types, destinationType) >= 0 && Serialized.IsBag(sourceValue);

    /// <inheritdoc/>
    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        try
        {
            return Serialized.To(destinationType, sourceValue);
        }
        catch (ParityNetException ex)
        {
            if (Serialized.FirstReport(sourceValue)) Warn(sourceValue, ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    /// <inheritdoc/>
    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException($"ParityNet objects convert only from their serialized form, not to {destinationType}.");

    // PowerShell's deserializer (Import-Clixml, Receive-Job) catches whatever a converter throws, keeps the object
    // deserialized and says nothing (an ETW event at most), and it gives a converter no stream to write to. So the
    // first failure of each deserialized object is a warning through the runspace this thread runs, as
    // Write-Warning in a nested pipeline: it honours $WarningPreference, but -WarningVariable and 3> of the
    // command that read the object do not see it. Job output is read on a thread that runs no runspace: there is
    // no warning then, and the object's error comes from the cmdlet it is given to.
    private static void Warn(object source, ParityNetException ex)
    {
        if (Runspace.DefaultRunspace is null) return;
        string type = source is PSObject pso && pso.TypeNames.Count > 0 ? pso.TypeNames[0] : source.GetType().FullName ?? "object";
        string text = System.Convert.ToString(source, CultureInfo.InvariantCulture) ?? "";
        if (text.Length > 80) text = text[..80] + "…";
        string message = $"ParityNet left a {type} ('{text}') unconverted, the {Ordinal(Serialized.Reported())} in this process; " +
            $"ParityNet's cmdlets refuse it with {ex.ErrorId}: {ex.Message}";
        try
        {
            using var warning = PowerShell.Create(RunspaceMode.CurrentRunspace);
            warning.AddCommand("Microsoft.PowerShell.Utility\\Write-Warning").AddParameter("Message", message).Invoke();
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // A runspace that cannot take a nested command now (busy on another thread, closing): the refusal
            // stands, and the cmdlet given the object will name it.
        }
    }

    private static string Ordinal(int n) =>
        n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
