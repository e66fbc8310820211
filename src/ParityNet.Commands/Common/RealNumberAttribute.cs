using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ParityNet.Commands;

/// <summary>
/// A floating-point parameter (-Alpha, -Momentum, ...) takes what PowerShell's own [double] conversion reads as one
/// number: any numeric type, or a string such as '0.5' or '1e-3'. 'abc', $true and a list are refused with a message
/// that names the parameter, the value and the fix, in place of the binder's "Cannot convert value" (PowerShell
/// reports it as ParameterArgumentTransformationError; the inner exception carries ParityNet.ParameterNotNumber).
/// NaN and infinities pass: the engine refuses them with its own ids, naming the setting.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RealNumberAttribute : ArgumentTransformationAttribute
{
    private readonly string _parameter;

    /// <param name="parameter">The parameter's name: the compiler fills in the property the attribute is on.</param>
    public RealNumberAttribute([CallerMemberName] string parameter = "") => _parameter = parameter;

    /// <summary>A value the parameter takes, for the fix a message suggests (-Alpha 0.5).</summary>
    public string Example { get; set; } = "0.5";

    /// <inheritdoc/>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case null: return null; // the binder reports $null for a parameter that cannot be null
            case double d: return d;
            case float or long or int or short or sbyte or byte or ulong or uint or ushort or decimal:
                return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case BigInteger big: return (double)big;
            case bool flag: throw Refused(flag ? "$true" : "$false", "is a Boolean, not a number", value);
            case string text: return FromText(text);
            case IEnumerable items:
                var shown = string.Join(", ", items.Cast<object?>().Take(4).Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)));
                string comma = items is IList { Count: 2 } pair && pair[0] is int && pair[1] is int ? $" (PowerShell reads {pair[0]},{pair[1]} as a list of two numbers: the decimal separator is a point, {pair[0]}.{pair[1]})" : "";
                throw ErrorRecords.NotNumber(
                    $"-{_parameter} takes one number, not a list ({shown}){comma}. To try several, run the command once per value: {shown} | ForEach-Object {{ ... -{_parameter} $_ }}.", value);
            default:
                if (LanguagePrimitives.TryConvertTo(inputData, CultureInfo.InvariantCulture, out double converted)) return converted;
                throw Refused(value.ToString() is { Length: > 0 and <= 60 } s ? s : value.GetType().Name, $"is a {value.GetType().Name}, not a number", value);
        }
    }

    private double FromText(string text)
    {
        string t = text.Trim();
        if (t.Contains(',')) throw Refused($"'{text}'", "has a comma", text); // PowerShell would read '0,5' as 5
        if (t.Length > 0 && LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out double parsed)) return parsed;
        if (NumberInput.IsRangeText(t))
            throw ErrorRecords.NotNumber($"-{_parameter} '{t}' is a range written as text; -{_parameter} takes one number. Give one, such as -{_parameter} {Example}.", text);
        throw Refused($"'{text}'", t.Length == 0 ? "is empty" : "is not a number", text);
    }

    private ParityNetException Refused(string shown, string what, object value) =>
        ErrorRecords.NotNumber($"-{_parameter} {shown} {what}. Give a number, such as -{_parameter} {Example}{(shown.Contains(',') ? " (with a decimal point, not a comma)" : "")}.", value);
}
