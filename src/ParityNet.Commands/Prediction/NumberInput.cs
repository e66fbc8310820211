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
    public static long Convert(object? input) => (long)Convert(input, byProperty: true, wide: false);

    /// <summary><see cref="Convert(object?)"/> for integers of any size: a [bigint], a literal such as 2n, and text of
    /// digits, "0x…" or "0b…" past a long (with or without the suffix n), up to <see cref="MaxTextLength"/> characters:
    /// what a network wider than 62 bits takes. A double past 2^63 is refused (it keeps only 53 bits: PowerShell reads
    /// an integer literal past a long as a double, so it may be rounded already).</summary>
    public static BigInteger ConvertWide(object? input) => Convert(input, byProperty: true, wide: true);

    /// <summary>The longest text read as a number: the binary digits of the widest network's largest integer, with a
    /// prefix and a suffix. Longer text is refused before it is parsed.</summary>
    internal const int MaxTextLength = EngineLimits.MaxBits + 8;

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

    private static BigInteger Convert(object? input, bool byProperty, bool wide)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        // Test-Parity's -Number takes objects by value, which PowerShell tries first, so a Number property
        // (what binding by property name would give) is read here.
        if (byProperty && PipelineProperty.TryGet(input, "Number", out object? number)) return Convert(number, byProperty: false, wide);
        BigInteger result;
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
            case ulong ul: result = ul; break;
            case BigInteger big: result = big; break;
            case double d: result = FromWhole(d, d, wide); break;
            case float f: result = FromWhole(f, f, wide); break;
            case decimal m:
                if (decimal.Truncate(m) != m) throw NotInteger(m.ToString(CultureInfo.InvariantCulture), "a number with a fraction");
                result = new BigInteger(m);
                break;
            case string text:
                result = FromText(text, wide);
                break;
            case bool flag:
                throw NotInteger(flag ? "$true" : "$false", "a Boolean");
            case IEnumerable:
                throw NotInteger(value.GetType().Name, "a collection; pass its numbers one at a time (they unroll through the pipeline)");
            default:
                // A PSObject renders custom objects as @{A=1}; the bare PSCustomObject renders as nothing.
                string shown = input?.ToString() is { Length: > 0 } text2 ? text2 : value.GetType().Name;
                throw NotInteger(shown, $"a {value.GetType().FullName}");
        }
        if (!wide && (result < long.MinValue || result > long.MaxValue))
            throw TooLarge(value is string t ? t.Trim() : value is BigInteger v ? WideNumbers.Show(v) : System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?");
        return result;
    }

    // PowerShell's own [long] conversion (hex, exponents, kb/mb suffixes), refusing whatever it would round:
    // the value must also read as exactly the same decimal (or, for exponents beyond decimal, double).
    private static BigInteger FromText(string text, bool wide)
    {
        string t = text.Trim();
        if (t.Length == 0) throw NotInteger($"'{text}'", "an empty string");
        if (t.Length > MaxTextLength)
            throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
                $"'{t[..20]}…' is {t.Length} characters long, longer than any integer a network takes (at most {EngineLimits.MaxBits} bits, {MaxTextLength} characters even in binary). Give a number below 2^{EngineLimits.MaxBits}.",
                $"'{t[..20]}…'");
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed)) return parsed;
        // Past a long, 0x… and 0b… text is read unsigned: PowerShell's [long] reads 16 hex digits from 8 on as negative.
        if (wide && RadixText(t) is { } unsigned) return unsigned;
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
        string digits = wide && (t.EndsWith('n') || t.EndsWith('N')) ? t[..^1] : t; // a [bigint] literal's suffix
        if (BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var huge)) return huge;
        if (RadixText(t) is { } radix) return radix; // past a long: refused by the caller unless wide
        if (LanguagePrimitives.TryConvertTo(t, CultureInfo.InvariantCulture, out double big) && double.IsFinite(big) && Math.Floor(big) == big)
        {
            if (!wide) throw TooLarge(t);
            throw NotInteger($"'{text}'", "written with an exponent or a suffix, which PowerShell reads as a double, rounded past 2^53; write its digits, or 0x… hexadecimal");
        }
        // Only text that failed as a number is looked at: piped strings that are numbers never pay for the regex.
        if (IsRangeText(t))
            throw new ParityNetException(ErrorIds.InputNotInteger, ParityErrorKind.InvalidType,
                $"'{t}' is text, not the numbers it names: in a command's arguments PowerShell reads {t} as a word. Put the range in parentheses, -Number ({t}), or pipe the numbers in: {t} | Test-Parity.", $"'{t}'")
            { Data = { [WhyKey] = RangeWhy } };
        throw NotInteger($"'{text}'", "a string that is not a whole number");
    }

    // A double as an integer: exactly, below 2^63. Past it, too large for a long; and for a wide caller refused too, as a
    // double keeps only 53 bits there (2^99 + 1 typed without the suffix n arrives as 2^99).
    private static BigInteger FromWhole(double d, object original, bool wide)
    {
        string shown = System.Convert.ToString(original, CultureInfo.InvariantCulture) ?? "?";
        if (!double.IsFinite(d)) throw NotInteger(shown, "not a finite number");
        if (Math.Floor(d) != d) throw NotInteger(shown, "a number with a fraction");
        if (d >= -9.2233720368547758E18 && d < 9.2233720368547758E18) return (long)d;
        if (!wide) throw TooLarge(shown);
        throw new ParityNetException(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
            $"{shown} is a floating-point number past 2^63, where a double keeps only 53 bits, so it may be rounded already (PowerShell reads an integer literal past a long as a double). " +
            "Give the integer exactly: with the suffix n (633825300114114700748351602689n), as [bigint]'633825300114114700748351602689', or as text of its digits.", shown);
    }

    // "0x…" (hexadecimal) or "0b…" (binary) text, with an optional suffix n as PowerShell's [bigint] literals have, read
    // unsigned; null when the text is not one. The caller has bounded its length.
    private static BigInteger? RadixText(string t)
    {
        string body = t.EndsWith('n') || t.EndsWith('N') ? t[..^1] : t;
        if (body.Length < 3 || body[0] != '0') return null;
        bool hex = body[1] is 'x' or 'X', binary = body[1] is 'b' or 'B';
        if (!hex && !binary) return null;
        BigInteger value = BigInteger.Zero;
        foreach (char ch in body.AsSpan(2))
        {
            int digit = ch switch { >= '0' and <= '9' => ch - '0', >= 'a' and <= 'f' => ch - 'a' + 10, >= 'A' and <= 'F' => ch - 'A' + 10, _ => -1 };
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

    private static ParityNetException TooLarge(string shown) =>
        new(ErrorIds.InputOutOfRange, ParityErrorKind.InvalidArgument,
            $"{shown} is too large here: this takes integers a long holds, from -2^63 to 2^63 - 1. (Test-Parity alone takes larger ones, for networks wider than 62 bits.)",
            shown);
}
