using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Sweep results as they arrive from anywhere: live; rebuilt from PowerShell's serializer (Import-Clixml,
/// Receive-Job, Invoke-Command: the types file names <see cref="SweepResultTypeConverter"/>); or from ConvertFrom-Json.
/// The key must match the settings, and a carried network is rebuilt and checked as every network is.</summary>
internal static class SweepResultInput
{
    /// <summary>A result as it arrives: live, deserialized (Import-Clixml, Receive-Job, Invoke-Command) or from ConvertFrom-Json.</summary>
    public static SweepResult Resolve(object input)
    {
        object raw = input is PSObject pso ? pso.BaseObject : input;
        if (raw is SweepResult live) return live;
        var o = PSObject.AsPSObject(input);
        object? Get(string name) => o.Properties[name]?.Value is { } v ? v is PSObject p ? p.BaseObject : v : null;
        try
        {
            string key = Get("Key") as string ?? throw new FormatException("it has no Key");
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (Get("Settings"))
            {
                case IDictionary d:
                    foreach (DictionaryEntry e in d) settings[e.Key.ToString()!] = System.Convert.ToString(e.Value is PSObject ep ? ep.BaseObject : e.Value, CultureInfo.InvariantCulture) ?? "";
                    break;
                case { } other:
                    foreach (var p in PSObject.AsPSObject(other).Properties) settings[p.Name] = System.Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "";
                    break;
            }
            string expected = string.Join(";", settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            if (expected != key) throw new FormatException($"its Key '{key}' does not match its Settings");
            double Number(string name) => LanguagePrimitives.ConvertTo<double>(Get(name) ?? throw new FormatException($"it has no {name}"));
            var wall = Get("WallTime") switch { TimeSpan t => t, string s => TimeSpan.Parse(s, CultureInfo.InvariantCulture), { } v => TimeSpan.FromMilliseconds(LanguagePrimitives.ConvertTo<double>(v)), null => TimeSpan.Zero };
            var finished = Get("Finished") switch
            {
                DateTime d => d.ToUniversalTime(),
                { } v => DateTime.Parse(v.ToString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                null => default,
            };
            return new SweepResult(key, settings, SweepResult.Whole("Bits", Number("Bits")), SweepResult.Whole("EpochsRun", Number("EpochsRun")),
                LanguagePrimitives.ConvertTo<StopReason>(Get("StopReason") ?? throw new FormatException("it has no StopReason")),
                Number("FinalLoss"), Number("FinalAccuracy"), wall, Get("Worker")?.ToString() ?? "", SweepResult.Whole("Attempts", Number("Attempts")), finished,
                network: Get("Network") is { } net ? NetworkInput.Resolve(net) : null, fromFile: Get("FromFile") is true,
                failure: Get("Failure")?.ToString());
        }
        catch (Exception ex) when (ex is FormatException or PSInvalidCastException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new ParityNetException(ErrorIds.SweepResultLine, ParityErrorKind.InvalidData,
                $"This is not a sweep result: {ex.Message}. Give the objects Invoke-ParitySweep outputs, or its result file with -Path.", input);
        }
    }
}

/// <summary>Rebuilds a live SweepResult from its deserialized form (see module/ParityNet.types.ps1xml).</summary>
public sealed class SweepResultTypeConverter : PSTypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(SweepResult) && sourceValue is PSObject { BaseObject: not SweepResult };

    /// <inheritdoc/>
    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        SweepResultInput.Resolve(sourceValue);

    /// <inheritdoc/>
    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    /// <inheritdoc/>
    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException($"A SweepResult converts only from its serialized form, not to {destinationType}.");
}
