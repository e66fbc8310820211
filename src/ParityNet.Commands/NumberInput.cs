using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace ParityNet.Commands;

/// <summary>
/// What Test-Parity accepts as a number: any integer type, a floating-point or decimal value that is
/// a whole number (PowerShell arithmetic often yields doubles), and a string holding a whole number
/// in invariant culture ("12"). Everything else ("abc", 3.5, $null, $true, arrays) is refused.
/// </summary>
internal static class NumberInput
{
    public static long Convert(object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        switch (value)
        {
            case null:
                throw NotInteger("$null", "nothing");
            case long l: return l;
            case int i: return i;
            case short s: return s;
            case sbyte sb: return sb;
            case byte b: return b;
            case ushort us: return us;
            case uint ui: return ui;
            case ulong ul: return ul <= long.MaxValue ? (long)ul : throw TooLarge(ul);
            case BigInteger big: return big >= long.MinValue && big <= long.MaxValue ? (long)big : throw TooLarge(big);
            case double d: return FromWhole(d, d);
            case float f: return FromWhole(f, f);
            case decimal m:
                if (decimal.Truncate(m) != m) throw NotInteger(m.ToString(CultureInfo.InvariantCulture), "a number with a fraction");
                return m >= long.MinValue && m <= long.MaxValue ? (long)m : throw TooLarge(m);
            case string text:
                string t = text.Trim();
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed)) return parsed;
                if (BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var huge)) throw TooLarge(huge);
                throw NotInteger($"'{text}'", "a string that is not a whole number");
            case bool flag:
                throw NotInteger(flag ? "$true" : "$false", "a Boolean");
            case IEnumerable:
                throw NotInteger(value.GetType().Name, "a collection; pass its numbers one at a time (they unroll through the pipeline)");
            default:
                // A PSObject renders custom objects as @{A=1}; the bare PSCustomObject renders as nothing.
                string shown = input?.ToString() is { Length: > 0 } text2 ? text2 : value.GetType().Name;
                throw NotInteger(shown, $"a {value.GetType().FullName}");
        }
    }

    private static long FromWhole(double d, object original)
    {
        string shown = System.Convert.ToString(original, CultureInfo.InvariantCulture) ?? "?";
        if (!double.IsFinite(d)) throw NotInteger(shown, "not a finite number");
        if (Math.Floor(d) != d) throw NotInteger(shown, "a number with a fraction");
        if (d < -9.2233720368547758E18 || d >= 9.2233720368547758E18) throw TooLarge(original);
        return (long)d;
    }

    private static ParityNetException NotInteger(string shown, string what) =>
        new(ErrorIds.InputNotInteger, ParityErrorKind.InvalidType,
            $"{shown} is not an integer ({what}). Give a whole number such as 5, or a string such as '12'.", shown);

    private static ParityNetException TooLarge(object value) =>
        new(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
            $"{System.Convert.ToString(value, CultureInfo.InvariantCulture)} is too large for any network: numbers must be below 2^62.", value);
}
