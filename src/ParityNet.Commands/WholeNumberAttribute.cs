using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>
/// Keeps PowerShell from rounding: an integer parameter takes integers, whole doubles and decimals
/// (PowerShell arithmetic gives doubles) and strings holding a whole number, as Test-Parity does;
/// 3.5, NaN, 'abc', $true and numbers beyond the parameter's type are refused with a message that
/// names the value (PowerShell reports it as ParameterArgumentTransformationError, category
/// InvalidData). Ranges are checked afterwards by the engine, with ParityNet's own error ids.
/// Arrays are transformed element by element.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WholeNumberAttribute : ArgumentTransformationAttribute
{
    private readonly long _min, _max;

    public WholeNumberAttribute(long min = int.MinValue, long max = int.MaxValue)
    {
        _min = min;
        _max = max;
    }

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
        catch (ParityNetException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
        if (whole < _min || whole > _max)
            throw new ArgumentTransformationMetadataException(
                string.Format(CultureInfo.InvariantCulture, "{0} is outside {1} to {2}.", whole, _min, _max));
        return whole;
    }
}
