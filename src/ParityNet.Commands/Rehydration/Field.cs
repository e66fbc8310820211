using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace ParityNet.Commands;

internal static partial class Serialized
{
    /// <summary>One value of a bag, with the path that names it in errors (its list's path and its index, if an entry).</summary>
    private readonly struct Field
    {
        private readonly object? _raw;
        private readonly string _path;
        private readonly int _index;
        private readonly bool _fromSerializer;
        private readonly Reading _reading;

        public Field(object? raw, string path, int index, bool fromSerializer, Reading reading)
        {
            _raw = raw is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : raw;
            _path = path;
            _index = index;
            _fromSerializer = fromSerializer;
            _reading = reading;
        }

        // Built only when needed (errors, nested objects): a row of a wide layer has thousands of entries.
        public string Where => At(_path, _index);

        public bool IsNull => _raw is null;

        /// <summary>Whether the value is text: what ConvertTo-Json leaves of an object deeper than its -Depth.</summary>
        public bool IsText => _raw is string;

        private string Shown => _raw switch
        {
            null => "$null",
            string s => $"'{(s.Length > 40 ? s[..40] + "…" : s)}'",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(_raw, CultureInfo.InvariantCulture) is { Length: > 0 and <= 60 } t ? t : _raw.GetType().Name,
        };

        public Bag AsBag()
        {
            if (_raw is null || _raw is string || _raw is ValueType || _raw is IList)
                throw Invalid(Where, $"is {Shown}, not an object with fields{Truncated()}");
            return new Bag(_raw, Where, _reading, _fromSerializer);
        }

        /// <summary>The list this value is, read once: counted against its input's <see cref="MaxEntries"/>, and, if
        /// long and a deserialized object's, joining its input with any other that read it.</summary>
        public Items Items()
        {
            IList list;
            switch (_raw)
            {
                case IList l:
                    list = l;
                    break;
                case ICollection c and not IDictionary:
                    // A queue or a stack (Clixml's <QUE>, <STK>): counted before it is copied, then indexed like a list.
                    if (c.Count > SharedLength) _reading.Share(c);
                    _reading.Count(c.Count, _path, _index);
                    var copy = new object?[c.Count];
                    int n = 0;
                    foreach (object? entry in c) { if (n == copy.Length) break; copy[n++] = entry; }
                    return new Items(copy, Where, _fromSerializer, _reading);
                case IEnumerable e and not string and not IDictionary:
                    // No count to check first: each entry is counted as it comes, so that an endless one stops.
                    var entries = new List<object?>();
                    foreach (object? entry in e)
                    {
                        entries.Add(entry);
                        if (entries.Count % 4096 == 0) _reading.Count(4096, _path, _index);
                    }
                    _reading.Count(entries.Count % 4096, _path, _index);
                    return new Items(entries, Where, _fromSerializer, _reading);
                default:
                    throw Invalid(Where, $"is {Shown}, not a list{Truncated()}");
            }
            if (list.Count > SharedLength) _reading.Share(list);
            _reading.Count(list.Count, _path, _index);
            return new Items(list, Where, _fromSerializer, _reading);
        }

        // ConvertTo-Json below the depth it needs writes nested objects as their text (ToString).
        private string Truncated() => _raw is not string ? ""
            : _fromSerializer
                ? " (the sending side serialized it without ParityNet's types file, which asks for enough depth: import the module there by name or by its manifest ParityNet.psd1, not its DLL)"
                : " (ConvertTo-Json writes objects deeper than its -Depth, 2 by default, as text: use ConvertTo-Json -Depth 6)";

        public double AsDouble() => _raw switch
        {
            double d => d,
            float f => f,
            int or long or short or byte or sbyte or ushort or uint => System.Convert.ToDouble(_raw, CultureInfo.InvariantCulture) is var v && Math.Abs(v) <= 9007199254740992.0 ? v : throw NotNumber(),
            decimal m when (decimal)(double)m == m => (double)m,
            string s when s is "NaN" or "Infinity" or "-Infinity" => double.Parse(s, CultureInfo.InvariantCulture),
            _ => throw NotNumber(),
        };

        public double AsFiniteDouble()
        {
            double d = AsDouble();
            return double.IsFinite(d) ? d : throw Invalid(Where, $"is {Shown}; weights and biases must be finite numbers");
        }

        public long AsLong()
        {
            switch (_raw)
            {
                case long l: return l;
                case int or short or byte or sbyte or ushort or uint: return System.Convert.ToInt64(_raw, CultureInfo.InvariantCulture);
                case ulong ul when ul <= long.MaxValue: return (long)ul;
                case BigInteger big when big >= long.MinValue && big <= long.MaxValue: return (long)big;
                case double d when Math.Floor(d) == d && Math.Abs(d) < 9.2233720368547758E18: return (long)d;
                case decimal m when decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue: return (long)m;
                default: throw Invalid(Where, $"is {Shown}, not a whole number");
            }
        }

        /// <summary>A whole number of any size: as <see cref="AsLong"/>, or a [bigint] (JSON's numbers past a long), or its digits
        /// as text (how Clixml carries a [bigint]: PowerShell's serializer writes its ToString()).</summary>
        public BigInteger AsWholeNumber() => _raw switch
        {
            BigInteger big => big,
            ulong ul => ul,
            string s when s.Length is > 0 and <= 20000 && (s[0] == '-' ? s.Length > 1 && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0 : s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
                => BigInteger.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            double d when double.IsFinite(d) && Math.Floor(d) == d => Math.Abs(d) < 9.2233720368547758E18 ? (long)d : new BigInteger(d),
            _ => AsLong(),
        };

        public int AsInt()
        {
            long v = AsLong();
            return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Invalid(Where, $"is {v}, too large");
        }

        public bool AsBool() => _raw is bool b ? b : throw Invalid(Where, $"is {Shown}, not $true or $false");

        public string AsString() => _raw is string s ? s : throw Invalid(Where, $"is {Shown}, not text");

        public T AsEnum<T>() where T : struct, Enum
        {
            switch (_raw)
            {
                case T t when System.Enum.IsDefined(t): return t;
                case string s when System.Enum.TryParse<T>(s, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !char.IsDigit(s.TrimStart('-')[0]):
                    return parsed;
                case int or long or short or byte:
                    long n = System.Convert.ToInt64(_raw, CultureInfo.InvariantCulture);
                    foreach (T value in System.Enum.GetValues<T>())
                        if (System.Convert.ToInt64(value, CultureInfo.InvariantCulture) == n) return value;
                    break;
            }
            throw Invalid(Where, $"is {Shown}, not one of {string.Join(", ", System.Enum.GetNames<T>())}");
        }

        public TimeSpan AsTimeSpan()
        {
            if (_raw is TimeSpan t) return t;
            if (_raw is string s && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var parsed)) return parsed;
            if (_raw is not null and not ValueType and not string)
                return TimeSpan.FromTicks(new Bag(_raw, Where, _reading).Long("Ticks"));
            throw Invalid(Where, $"is {Shown}, not a time span");
        }

        private ParityNetException NotNumber() => Invalid(Where, $"is {Shown}, not a number");
    }
}
