using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace ParityNet.Commands;

/// <summary>
/// Turns the property bags that cross a boundary back into live ParityNet objects: the
/// <c>Deserialized.ParityNet.*</c> objects of Import-Clixml, Receive-Job and Invoke-Command, and the
/// objects (or hashtables) of ConvertFrom-Json. Every field is read by name and checked against the
/// others; the first that does not fit is named in a <see cref="ErrorIds.InvalidNetwork"/> error, so
/// a tampered, cut or incomplete object never becomes a silently different network.
/// </summary>
internal static class Serialized
{
    private const string Fix =
        "Give the object Export-Clixml, Receive-Job or ConvertTo-Json -Depth 6 made from it, unchanged, or make the network again with New-ParityNetwork.";

    /// <summary>Whether <paramref name="value"/> is a property bag (deserialized, from JSON, or a hashtable) rather than a live object.</summary>
    public static bool IsBag(object? value) => value switch
    {
        PSObject { BaseObject: PSCustomObject } => true,
        PSObject pso => pso.BaseObject is IDictionary,
        IDictionary => true,
        _ => false,
    };

    /// <summary>Which ParityNet type a bag was serialized from, by its type names (Clixml) or its fields (JSON); null if none.</summary>
    public static Type? KindOf(object bag)
    {
        if (bag is PSObject pso)
        {
            foreach (string name in pso.TypeNames)
            {
                if (name == "Deserialized.ParityNet.ParityNetwork") return typeof(ParityNetwork);
                if (name == "Deserialized.ParityNet.TrainingHistory") return typeof(TrainingHistory);
                if (name == "Deserialized.ParityNet.ParityPrediction") return typeof(ParityPrediction);
                if (name == "Deserialized.ParityNet.OnnxExportResult") return typeof(OnnxExportResult);
            }
        }
        var fields = new Bag(bag, "");
        if (fields.Has("Weights") || fields.Has("Spec")) return typeof(ParityNetwork);
        if (fields.Has("InputsCompared") || fields.Has("MaxAbsDifference")) return typeof(OnnxExportResult);
        if (fields.Has("RecordedEpochs") || fields.Has("StopReason")) return typeof(TrainingHistory);
        if (fields.Has("Probability") && fields.Has("Number")) return typeof(ParityPrediction);
        return null;
    }

    /// <summary>The live object of type <paramref name="type"/> that <paramref name="bag"/> describes.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InvalidNetwork"/>, naming the field.</exception>
    public static object To(Type type, object bag)
    {
        if (type == typeof(ParityNetwork)) return Network(new Bag(bag, ""));
        if (type == typeof(TrainingHistory)) return History(new Bag(bag, ""), "");
        if (type == typeof(ParityPrediction)) return Prediction(new Bag(bag, ""));
        if (type == typeof(OnnxExportResult)) return ExportResult(new Bag(bag, ""));
        throw new ArgumentException($"ParityNet cannot rehydrate a {type.FullName}.", nameof(type));
    }

    private static ParityNetwork Network(Bag bag)
    {
        if (bag.Live<ParityNetwork>() is { } live) return live;
        var specBag = bag.Object("Spec");
        var spec = new NetworkSpec
        {
            Bits = specBag.Int("Bits"),
            HiddenSizes = specBag.Ints("HiddenSizes"),
            Task = specBag.Enum<ParityTask>("Task"),
            Activation = specBag.Enum<Activation>("Activation"),
            Initialization = specBag.Enum<Initialization>("Initialization"),
            HasBias = specBag.Bool("HasBias"),
            Seed = specBag.Long("Seed"),
        };
        try
        {
            ParityNetwork.Validate(spec);
        }
        catch (ParityNetException ex)
        {
            throw Invalid(bag.Path("Spec"), ex.Message);
        }
        // The flat fields a view shows must say the same as the spec, else the object was edited.
        bag.Same("Bits", spec.Bits, v => v.AsInt());
        bag.Same("HasBias", spec.HasBias, v => v.AsBool());
        bag.Same("Seed", spec.Seed, v => v.AsLong());
        bag.Same("Task", spec.Task, v => v.AsEnum<ParityTask>());
        bag.Same("Activation", spec.Activation, v => v.AsEnum<Activation>());
        int[] sizes = ParityNetwork.Sizes(spec);
        if (bag.Has("LayerSizes"))
        {
            var given = bag.Ints("LayerSizes");
            if (!given.SequenceEqual(sizes))
                throw Invalid(bag.Path("LayerSizes"), $"is {string.Join("-", given)} but the spec makes {string.Join("-", sizes)}");
        }

        int layers = sizes.Length - 1;
        // The matrices (Weights), or, where ConvertTo-Json's default depth cut them to text, the flat rows
        // (WeightValues); when both are whole they must agree.
        var weights = WeightsFromMatrices(bag, sizes, layers);
        var flat = bag.Has("WeightValues") ? WeightsFromFlat(bag, sizes, layers, required: weights is null) : null;
        if (weights is null) weights = flat ?? throw Invalid(bag.Path("Weights"), "is cut to text and there are no WeightValues; use ConvertTo-Json -Depth 6");
        else if (flat is not null)
            for (int l = 0; l < layers; l++)
                for (int i = 0; i < weights[l].Length; i++)
                    if (BitConverter.DoubleToInt64Bits(weights[l][i]) != BitConverter.DoubleToInt64Bits(flat[l][i]))
                        throw Invalid(bag.Path($"WeightValues[{l}][{i}]"), $"is {flat[l][i].ToString("R", CultureInfo.InvariantCulture)} but Weights[{l}] says {weights[l][i].ToString("R", CultureInfo.InvariantCulture)}");
        var biasList = bag.List("Biases");
        if (biasList.Count != layers)
            throw Invalid(bag.Path("Biases"), $"holds {biasList.Count} layers of biases; the network has {layers} layers");
        var biases = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var layer = bag.Item("Biases", l);
            var cells = layer.AsList();
            int expected = spec.HasBias ? sizes[l + 1] : 0;
            if (cells.Count != expected)
                throw Invalid(layer.Where, spec.HasBias ? $"has {cells.Count} biases, not {expected}" : $"has {cells.Count} biases, but HasBias is false");
            biases[l] = new double[expected];
            for (int i = 0; i < expected; i++) biases[l][i] = layer.Item(i).AsFiniteDouble();
        }
        var historyValue = bag.Value("History");
        var history = historyValue.IsNull ? null : History(historyValue.AsBag(), "History");
        bag.Same("IsTrained", history is not null, v => v.AsBool());
        try
        {
            return ParityNetwork.FromWeights(spec, weights, biases, history);
        }
        catch (ParityNetException ex)
        {
            throw Invalid(bag.Path("Weights"), ex.Message);
        }
    }

    // The weights from the Weights matrices; null when ConvertTo-Json cut them to text (a flat copy may stand in).
    private static double[][]? WeightsFromMatrices(Bag bag, int[] sizes, int layers)
    {
        var weightList = bag.List("Weights");
        if (weightList.Count != layers)
            throw Invalid(bag.Path("Weights"), $"holds {weightList.Count} matrices; a {string.Join("-", sizes)} network has {layers}");
        var weights = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var item = bag.Item("Weights", l);
            if (item.IsText) return null;
            var matrix = item.AsBag();
            int rows = matrix.Int("Rows"), columns = matrix.Int("Columns");
            if (rows != sizes[l] || columns != sizes[l + 1])
                throw Invalid(matrix.Path("Rows"), $"and Columns say {rows}x{columns}; layer {l} of a {string.Join("-", sizes)} network is {sizes[l]}x{sizes[l + 1]}");
            var valuesField = matrix.Value("Values");
            if (valuesField.IsText || valuesField.AsList().Cast<object?>().Any(r => r is string)) { if (bag.Has("WeightValues")) return null; }
            var values = matrix.List("Values");
            if (values.Count != rows)
                throw Invalid(matrix.Path("Values"), $"has {values.Count} rows, not {rows}");
            var w = new double[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                var row = matrix.Item("Values", r);
                var cells = row.AsList();
                if (cells.Count != columns) throw Invalid(row.Where, $"has {cells.Count} weights, not {columns}");
                for (int c = 0; c < columns; c++) w[r * columns + c] = row.Item(c).AsFiniteDouble();
            }
            weights[l] = w;
        }
        return weights;
    }

    // The weights from WeightValues: per layer, inputs × units row-major.
    private static double[][]? WeightsFromFlat(Bag bag, int[] sizes, int layers, bool required)
    {
        var list = bag.List("WeightValues");
        if (list.Count != layers)
            throw Invalid(bag.Path("WeightValues"), $"holds {list.Count} layers; a {string.Join("-", sizes)} network has {layers}");
        var weights = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var layer = bag.Item("WeightValues", l);
            if (layer.IsText) return required ? throw Invalid(layer.Where, "is cut to text; use ConvertTo-Json -Depth 6") : null;
            var cells = layer.AsList();
            int expected = sizes[l] * sizes[l + 1];
            if (cells.Count != expected) throw Invalid(layer.Where, $"has {cells.Count} weights; layer {l} is {sizes[l]}x{sizes[l + 1]} = {expected}");
            weights[l] = new double[expected];
            for (int i = 0; i < expected; i++) weights[l][i] = layer.Item(i).AsFiniteDouble();
        }
        return weights;
    }

    private static TrainingHistory History(Bag bag, string where)
    {
        if (bag.Live<TrainingHistory>() is { } live) return live;
        var s = bag.Object("Settings");
        var settings = new TrainingOptions
        {
            Optimizer = s.Enum<OptimizerKind>("Optimizer"),
            Alpha = s.NullableDouble("Alpha"),
            Loss = s.Enum<LossFunction>("Loss"),
            Epochs = s.Int("Epochs"),
            BatchSize = s.Value("BatchSize") is { IsNull: false } b ? b.AsInt() : null,
            Momentum = s.Double("Momentum"),
            Nesterov = s.Bool("Nesterov"),
            Beta1 = s.Double("Beta1"),
            Beta2 = s.Double("Beta2"),
            Epsilon = s.NullableDouble("Epsilon"),
            Seed = s.Value("Seed") is { IsNull: false } seed ? seed.AsLong() : null,
            SampleSize = s.Int("SampleSize"),
            TargetAccuracy = s.NullableDouble("TargetAccuracy"),
            TargetLoss = s.NullableDouble("TargetLoss"),
            ReportInterval = s.Value("ReportInterval").AsTimeSpan(),
        };
        TrainingHistory history;
        try
        {
            history = TrainingHistory.Restore(
                bag.String("Optimizer"), settings, bag.Int("EpochsRun"),
                bag.Ints("RecordedEpochs"),
                bag.Doubles("Loss"),
                bag.Doubles("Accuracy"),
                bag.Double("FinalLoss"), bag.Double("FinalAccuracy"), bag.Value("WallTime").AsTimeSpan(),
                bag.Enum<StopReason>("StopReason"),
                bag.Value("BatchSize") is { IsNull: false } batch ? batch.AsInt() : null,
                bag.Bool("Sampled"));
        }
        catch (ArgumentException ex)
        {
            string field = ex.ParamName is { Length: > 0 } p ? char.ToUpperInvariant(p[0]) + p[1..] : "";
            string message = ex.InnerException is ParityNetException inner ? inner.Message : ex.Message;
            int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            throw Invalid(bag.Path(field), cut > 0 ? message[..cut] : message);
        }
        bag.Same("Alpha", history.Alpha, v => v.AsDouble());
        bag.Same("LossFunction", history.LossFunction, v => v.AsEnum<LossFunction>());
        bag.Same("EpochsRequested", history.EpochsRequested, v => v.AsInt());
        return history;
    }

    private static ParityPrediction Prediction(Bag bag)
    {
        if (bag.Live<ParityPrediction>() is { } live) return live;
        long number = bag.Long("Number");
        string bits = bag.String("Bits");
        if (bits.Length < 1 || bits.Length > EngineLimits.MaxBits || number < 0 || number >= 1L << bits.Length || BitEncoding.ToText(number, bits.Length) != bits)
            throw Invalid(bag.Path("Bits"), $"is '{bits}', which is not {number} in 1 to {EngineLimits.MaxBits} bits");
        double probability = bag.Double("Probability");
        if (!(probability >= 0 && probability <= 1))
            throw Invalid(bag.Path("Probability"), $"is {probability.ToString("R", CultureInfo.InvariantCulture)}, not a probability from 0 to 1");
        string? source = bag.Has("Source") && bag.Value("Source") is { IsNull: false } s ? s.AsString() : null;
        var prediction = new ParityPrediction(number, bits.Length, bag.Enum<ParityTask>("Task"), probability, bag.Enum<PredictionEngine>("Engine"), source);
        bag.Same("Prediction", prediction.Prediction, v => v.AsString());
        bag.Same("Expected", prediction.Expected, v => v.AsString());
        bag.Same("Correct", prediction.Correct, v => v.AsBool());
        return prediction;
    }

    private static OnnxExportResult ExportResult(Bag bag)
    {
        if (bag.Live<OnnxExportResult>() is { } live) return live;
        var networkValue = bag.Value("Network");
        var network = networkValue.IsNull ? null : Network(networkValue.AsBag());
        double maxDiff = bag.Double("MaxAbsDifference");
        if (!(maxDiff >= 0)) throw Invalid(bag.Path("MaxAbsDifference"), "is not a difference ≥ 0");
        long NonNegative(string name) => bag.Long(name) is var v && v >= 0 ? v : throw Invalid(bag.Path(name), "is negative");
        double tolerance = bag.Has("Tolerance") ? bag.Double("Tolerance") : OnnxExporter.ToleranceFloor;
        if (!(tolerance > 0 && double.IsFinite(tolerance))) throw Invalid(bag.Path("Tolerance"), "is not a positive tolerance");
        return new OnnxExportResult(bag.String("Path"), NonNegative("Opset"), NonNegative("IrVersion"), NonNegative("Bytes"),
            NonNegative("InputsCompared"), maxDiff, network) { Tolerance = tolerance };
    }

    internal static ParityNetException Invalid(string field, string problem) =>
        new(ErrorIds.InvalidNetwork, ParityErrorKind.InvalidData,
            $"The object cannot be used as a ParityNet object: {(field.Length > 0 ? field + " " : "")}{problem}. {Fix}", field);

    /// <summary>Named fields of a property bag: a PSObject (deserialized or from JSON) or a dictionary.</summary>
    private readonly struct Bag
    {
        private readonly object _value;
        private readonly string _path;
        public readonly bool FromSerializer;

        public Bag(object value, string path, bool? fromSerializer = null)
        {
            _value = value;
            _path = path;
            FromSerializer = fromSerializer ?? (value is PSObject pso && pso.TypeNames.Count > 0 && pso.TypeNames[0].StartsWith("Deserialized.", StringComparison.Ordinal));
        }

        public string Path(string name) => _path.Length == 0 ? name : name.Length == 0 ? _path : $"{_path}.{name}";

        public T? Live<T>() where T : class => (_value is PSObject pso ? pso.BaseObject : _value) as T;

        public bool Has(string name) => TryGet(name, out _);

        private bool TryGet(string name, out object? value)
        {
            object target = _value is PSObject { BaseObject: IDictionary d } ? d : _value;
            if (target is IDictionary dictionary)
            {
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
            TryGet(name, out var value) ? new Field(value, Path(name), FromSerializer) : throw Invalid(Path(name), "is missing");

        public Field Item(string name, int index) => Value(name).Item(index);
        public Bag Object(string name) => Value(name).AsBag();
        public IList List(string name) => Value(name).AsList();
        public int[] Ints(string name) { var f = Value(name); var n = f.AsList().Count; var a = new int[n]; for (int i = 0; i < n; i++) a[i] = f.Item(i).AsInt(); return a; }
        public double[] Doubles(string name) { var f = Value(name); var n = f.AsList().Count; var a = new double[n]; for (int i = 0; i < n; i++) a[i] = f.Item(i).AsDouble(); return a; }
        public int Int(string name) => Value(name).AsInt();
        public long Long(string name) => Value(name).AsLong();
        public double Double(string name) => Value(name).AsDouble();
        public double? NullableDouble(string name) => Value(name) is { IsNull: false } v ? v.AsDouble() : null;
        public bool Bool(string name) => Value(name).AsBool();
        public string String(string name) => Value(name).AsString();
        public T Enum<T>(string name) where T : struct, Enum => Value(name).AsEnum<T>();

        /// <summary>If the bag has <paramref name="name"/>, it must read as <paramref name="expected"/>.</summary>
        public void Same<T>(string name, T expected, Func<Field, T> read)
        {
            if (!TryGet(name, out var raw)) return;
            var field = new Field(raw, Path(name), FromSerializer);
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

    /// <summary>One value of a bag, with the path that names it in errors.</summary>
    private readonly struct Field
    {
        private readonly object? _raw;
        public readonly string Where;
        private readonly bool _fromSerializer;

        public Field(object? raw, string where, bool fromSerializer)
        {
            _raw = raw is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : raw;
            Where = where;
            _fromSerializer = fromSerializer;
        }

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
            return new Bag(_raw, Where, _fromSerializer);
        }

        public IList AsList()
        {
            if (_raw is IList list) return list;
            if (_raw is IEnumerable e and not string and not IDictionary) return e.Cast<object?>().ToList();
            throw Invalid(Where, $"is {Shown}, not a list{Truncated()}");
        }

        public Field Item(int index) => new(AsList()[index], $"{Where}[{index}]", _fromSerializer);

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
                return TimeSpan.FromTicks(new Bag(_raw, Where).Long("Ticks"));
            throw Invalid(Where, $"is {Shown}, not a time span");
        }

        private ParityNetException NotNumber() => Invalid(Where, $"is {Shown}, not a number");
    }
}

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
    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        Serialized.To(destinationType, sourceValue);

    /// <inheritdoc/>
    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    /// <inheritdoc/>
    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException($"ParityNet objects convert only from their serialized form, not to {destinationType}.");
}
