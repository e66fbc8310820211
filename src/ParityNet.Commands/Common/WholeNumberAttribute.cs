using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace ParityNet.Commands;

/// <summary>
/// Keeps PowerShell from rounding: an integer parameter takes integers, whole doubles and decimals
/// (PowerShell arithmetic gives doubles) and strings holding a whole number, as Test-Parity does;
/// 3.5, NaN, 'abc', $true and numbers beyond the parameter's type are refused with a message that
/// names the parameter, the value and the fix (PowerShell reports it as ParameterArgumentTransformationError,
/// category InvalidData; the inner exception carries ParityNet.ParameterNotNumber). Ranges are checked
/// afterwards by the engine, with ParityNet's own error ids. Arrays are transformed element by element.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WholeNumberAttribute : ArgumentTransformationAttribute
{
    private readonly long _min, _max;
    private readonly string _parameter;

    /// <param name="min">The smallest value the parameter's type holds.</param>
    /// <param name="max">The largest value the parameter's type holds.</param>
    /// <param name="parameter">The parameter's name: the compiler fills in the property the attribute is on.</param>
    public WholeNumberAttribute(long min = int.MinValue, long max = int.MaxValue, [CallerMemberName] string parameter = "")
    {
        _min = min;
        _max = max;
        _parameter = parameter;
    }

    /// <summary>A value the parameter takes, for the fix a message suggests (-Bits 8).</summary>
    public string Example { get; set; } = "5";

    /// <inheritdoc/>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is null) return null; // the binder reports $null for non-nullable parameters itself
        if (value is not string && value is IEnumerable items)
        {
            var list = new List<object?>();
            foreach (var item in items) list.Add(TransformOne(item));
            return list.ToArray();
        }
        return TransformOne(value);
    }

    private object TransformOne(object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        long whole;
        try
        {
            whole = NumberInput.Convert(value);
        }
        catch (ParityNetException ex) when (ex.ErrorId == ErrorIds.InputOutOfRange)
        {
            throw ErrorRecords.NotNumber($"-{_parameter} {ex.Target} is far too large. Give a whole number, such as -{_parameter} {Example}.", value, ex);
        }
        catch (ParityNetException ex)
        {
            string shown = ex.Target?.ToString() ?? "$null";
            throw ErrorRecords.NotNumber(ex.Data[NumberInput.WhyKey] as string == NumberInput.RangeWhy
                ? $"-{_parameter} {shown} is text, not the numbers it names: in a command's arguments PowerShell reads it as a word. Put the range in parentheses: -{_parameter} ({shown.Trim('\'')})."
                : $"-{_parameter} {shown} {Why(value)}. Give a whole number, such as -{_parameter} {Example}.", value, ex);
        }
        if (whole < _min || whole > _max)
            throw ErrorRecords.NotNumber(string.Format(CultureInfo.InvariantCulture,
                "-{0} {1} is outside what -{0} can hold ({2} to {3}). Give a whole number, such as -{0} {4}.", _parameter, whole, _min, _max, Example), value);
        return whole;
    }

    // What is wrong with a value NumberInput refused, in words for this parameter.
    private static string Why(object? value) => value switch
    {
        string text when text.Trim().Length == 0 => "is empty",
        string text when text.Contains(',') => "has a comma (a decimal point is a point, and thousands take no separator)",
        string text when LanguagePrimitives.TryConvertTo(text.Trim(), CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) => "is not a whole number, and ParityNet does not round",
        string => "is not a number",
        double or float when !double.IsFinite(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)) => "is not a finite number",
        double or float or decimal => "has a fraction, and ParityNet does not round",
        bool => "is a Boolean, not a number",
        IEnumerable => "is a collection inside the list; give one whole number in each place",
        null => "is nothing",
        _ => $"is a {value.GetType().Name}, not a number",
    };
}
