using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace ParityNet.Commands;

internal static partial class Serialized
{
    /// <summary>Named fields of a property bag: a PSObject (deserialized or from JSON) or a dictionary.</summary>
    private readonly struct Bag
    {
        public readonly object Raw;
        private readonly string _path;
        public readonly bool FromSerializer;
        public readonly Reading Reading;

        public Bag(object value, string path, Reading reading, bool? fromSerializer = null)
        {
            Raw = value;
            _path = path;
            Reading = reading;
            FromSerializer = fromSerializer ?? (value is PSObject pso && pso.TypeNames.Count > 0 && pso.TypeNames[0].StartsWith("Deserialized.", StringComparison.Ordinal));
        }

        public string Path(string name) => _path.Length == 0 ? name : name.Length == 0 ? _path : $"{_path}.{name}";

        public T? Live<T>() where T : class => (Raw is PSObject pso ? pso.BaseObject : Raw) as T;

        public bool Has(string name) => TryGet(name, out _);

        private bool TryGet(string name, out object? value)
        {
            object target = Raw is PSObject { BaseObject: IDictionary d } ? d : Raw;
            if (target is IDictionary dictionary)
            {
                // The exact key first; only a key cased otherwise (or none) needs the scan, which reads every key.
                if (dictionary.Contains(name)) { value = dictionary[name]; return true; }
                Reading.Count(dictionary.Count, Path(name), -1);
                foreach (DictionaryEntry entry in dictionary)
                    if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) { value = entry.Value; return true; }
                value = null;
                return false;
            }
            var property = PSObject.AsPSObject(target).Properties[name];
            value = property?.Value;
            return property is not null;
        }

        public Field Value(string name) =>
            TryGet(name, out var value) ? new Field(value, Path(name), -1, FromSerializer, Reading) : throw Invalid(Path(name), "is missing");

        public Bag Object(string name) => Value(name).AsBag();
        public Items List(string name) => Value(name).Items();
        public int[] Ints(string name) { var items = List(name); var a = new int[items.Count]; for (int i = 0; i < a.Length; i++) a[i] = items[i].AsInt(); return a; }
        public double[] Doubles(string name) { var items = List(name); var a = new double[items.Count]; for (int i = 0; i < a.Length; i++) a[i] = items[i].AsDouble(); return a; }
        public int Int(string name) => Value(name).AsInt();
        public long Long(string name) => Value(name).AsLong();
        public System.Numerics.BigInteger WholeNumber(string name) => Value(name).AsWholeNumber();
        public double Double(string name) => Value(name).AsDouble();
        public double? NullableDouble(string name) => Value(name) is { IsNull: false } v ? v.AsDouble() : null;
        public bool Bool(string name) => Value(name).AsBool();
        public string String(string name) => Value(name).AsString();
        public T Enum<T>(string name) where T : struct, Enum => Value(name).AsEnum<T>();

        /// <summary>If the bag has <paramref name="name"/>, it must read as <paramref name="expected"/>.</summary>
        public void Same<T>(string name, T expected, Func<Field, T> read)
        {
            if (!TryGet(name, out var raw)) return;
            var field = new Field(raw, Path(name), -1, FromSerializer, Reading);
            T actual = read(field);
            if (!EqualityComparer<T>.Default.Equals(actual, expected))
                throw Invalid(field.Where, $"is {Show(actual)} but the rest of the object says {Show(expected)}");
        }

        private static string Show(object? v) => v switch
        {
            null => "$null",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>A list's entries, read once: a list is used as it is, any other collection (a queue, a stack) is
    /// copied once after it is counted. Entry i is a <see cref="Field"/> named Where[i].</summary>
    private readonly struct Items(IList list, string where, bool fromSerializer, Reading reading)
    {
        public int Count => list.Count;

        public Field this[int index] => new(list[index], where, index, fromSerializer, reading);

        /// <summary>Whether an entry is text: a row ConvertTo-Json cut below its -Depth.</summary>
        public bool AnyText()
        {
            foreach (object? entry in list)
                if (entry is string or PSObject { BaseObject: string }) return true;
            return false;
        }
    }
}
