using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace ParityNet.Commands;

/// <summary>
/// What Test-Parity accepts as a number: any integer type, a floating-point or decimal value that is
/// a whole number (PowerShell arithmetic often yields doubles), a string that PowerShell's own [long]
/// conversion reads as a whole number ("12", "0x10", "1e3", "10kb"), and an object with a Number property
/// (a CSV row, a prediction, a hashtable), whose value is read the same way. Everything else ("abc",
/// "2.5", 3.5, $null, $true, arrays) is refused rather than rounded.
/// </summary>
internal static class NumberInput
{
    public static long Convert(object? input)
    {
        var value = ConvertWide(input);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : throw TooLarge(value);
    }

    /// <summary><see cref="Convert(object?)"/> for integers of any size ([bigint], a literal such as 2n, text of digits,
    /// "0x…" or "0b…" text past a long, a whole double past 2^63): what a network wider than 62 bits takes.</summary>
    public static BigInteger ConvertWide(object? input) => Convert(input, byProperty: true);

    /// <summary>A value as PowerShell's binder hands it to a parameter of type object[] (or puts it in one): a wrapped
    /// object unwrapped, except a custom object (whose wrapper is the object), and PowerShell's "nothing" as null.
    /// A value that is then an <see cref="IList"/> stands for its elements, each unwrapped the same way.</summary>
    public static object? Element(object? value) => value switch
    {
        PSObject pso when ReferenceEquals(pso, System.Management.Automation.Internal.AutomationNull.Value) => null,
        PSObject pso when pso.ImmediateBaseObject is PSCustomObject => pso,
        PSObject pso => pso.BaseObject,
        _ => value,
    };

    private static BigInteger Convert(object? input, bool byProperty)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        // Test-Parity's -Number takes objects by value, which PowerShell tries first, so a Number property
        // (what binding by property name would give) is read here.
        if (byProperty && PipelineProperty.TryGet(input, "Number", out object? number)) return Convert(number, byProperty: false);
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
            case ulong ul: return ul;
            case BigInteger big: return big;
            case double d: return FromWhole(d, d);
            case float f: return FromWhole(f, f);
            case decimal m:
                if (decimal.Truncate(m) != m) throw NotInteger(m.ToString(CultureInfo.InvariantCulture), "a number with a fraction");
                return new BigInteger(m);
            case string text:
                return FromText(text);
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

    // PowerShell's own [long] conversion (hex, exponents, kb/mb suffixes), refusing whatever it would round:
    // the value must also read as exactly the same decimal (or, for exponents beyond decimal, double).
    private static BigInteger FromText(string text)
    {
        string t = text.Trim();
        if (t.Length == 0) throw NotInteger($"'{text}'", "an empty string");
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed)) return parsed;
        if (LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out long whole))
        {
            if (LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out decimal exact))
            {
                if (exact == whole) return whole;
            }
            else if (LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out double approximate)
                     && approximate == whole && Math.Abs(approximate) <= 9007199254740992.0)
            {
                return whole;
            }
            throw NotInteger($"'{text}'", "a string that is not a whole number; ParityNet does not round");
        }
        if (BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var huge)) return huge;
        if (WideRadixText(t) is { } radix) return radix;
        if (LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out double big) && double.IsFinite(big) && Math.Floor(big) == big)
            throw NotInteger($"'{text}'", "a string PowerShell reads only as a rounded double past a long; write its digits, or 0x… hexadecimal");
        // Only text that failed as a number is looked at: piped strings that are numbers never pay for the regex.
        if (IsRangeText(t))
            throw new ParityNetException(ErrorIds.InputNotInteger, ParityErrorKind.InvalidType,
                $"'{t}' is text, not the numbers it names: in a command's arguments PowerShell reads {t} as a word. Put the range in parentheses, -Number ({t}), or pipe the numbers in: {t} | Test-Parity.", $"'{t}'")
            { Data = { [WhyKey] = RangeWhy } };
        throw NotInteger($"'{text}'", "a string that is not a whole number");
    }

    private static BigInteger FromWhole(double d, object original)
    {
        string shown = System.Convert.ToString(original, CultureInfo.InvariantCulture) ?? "?";
        if (!double.IsFinite(d)) throw NotInteger(shown, "not a finite number");
        if (Math.Floor(d) != d) throw NotInteger(shown, "a number with a fraction");
        return d >= -9.2233720368547758E18 && d < 9.2233720368547758E18 ? (long)d : new BigInteger(d); // a whole double is an integer exactly
    }

    // "0x…" (hexadecimal) or "0b…" (binary) text past a long, with an optional n suffix as PowerShell's [bigint] literals
    // have: PowerShell's own [long] and [bigint] conversions of text do not read these. Null when the text is not one.
    private static BigInteger? WideRadixText(string t)
    {
        string body = t.EndsWith('n') || t.EndsWith('N') ? t[..^1] : t;
        if (body.Length < 3 || body[0] != '0') return null;
        bool hex = body[1] is 'x' or 'X', binary = body[1] is 'b' or 'B';
        if (!hex && !binary) return null;
        BigInteger value = BigInteger.Zero;
        foreach (char ch in body.AsSpan(2))
        {
            int digit = ch switch { >= '0' and <= '9' => ch - '0', >= 'a' and <= 'f' => ch - 'a' + 10, >= 'A' and <= 'F' => ch - 'A' + 10, '_' => -2, _ => -1 };
            if (digit == -2) continue;
            if (digit < 0 || digit >= (hex ? 16 : 2)) return null;
            value = (value << (hex ? 4 : 1)) | digit;
        }
        return value;
    }

    /// <summary>Where a refusal keeps, in <see cref="Exception.Data"/>, why the value is not a whole number ("a number with a
    /// fraction", ...; <see cref="RangeWhy"/> for a range written as text), for a parameter to word in its own terms.</summary>
    internal const string WhyKey = "ParityNet.Why";
    internal const string RangeWhy = "a range written as text";

    /// <summary>Text such as '0..15' or '1 .. $n': a range that PowerShell's argument mode passed as a string.</summary>
    internal static bool IsRangeText(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^\(?\s*[-+]?[\w$]+\s*\.\.\s*[-+]?[\w$]+\s*\)?$");

    private static ParityNetException NotInteger(string shown, string what) =>
        new(ErrorIds.InputNotInteger, ParityErrorKind.InvalidType,
            $"{shown} is not an integer ({what}). Give a whole number such as 5, a string such as '12' or '0x10', or an object with a Number property.", shown)
        { Data = { [WhyKey] = what } };

    private static ParityNetException TooLarge(BigInteger value) =>
        new(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
            $"{value.ToString(CultureInfo.InvariantCulture)} is past what this takes: integers a long holds, from -2^63 to 2^63 - 1. (Test-Parity takes integers of any size a network's bits allow.)",
            value.ToString(CultureInfo.InvariantCulture));
}
