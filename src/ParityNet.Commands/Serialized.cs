using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ParityNet.Commands;

/// <summary>
/// Turns the property bags that cross a boundary back into live ParityNet objects: the
/// <c>Deserialized.ParityNet.*</c> objects of Import-Clixml, Receive-Job and Invoke-Command, and the
/// objects (or hashtables) of ConvertFrom-Json. Every field is read by name and checked against the
/// others; the first that does not fit is named in a <see cref="ErrorIds.InvalidNetwork"/> error, so
/// a tampered, cut or incomplete object never becomes a silently different network.
/// </summary>
/// <remarks>
/// Reading is linear in what the bag holds and bounded, because a serialized form can describe far more than
/// it spells out: a Clixml <c>&lt;Ref&gt;</c> names an object or list written earlier, any number of times, and
/// PowerShell's deserializer hands each ParityNet object to the converter on its own. So: every list is read
/// once per reading (a queue or other collection is copied once, never enumerated again per entry); a
/// deserialized ParityNet object is converted once, and a <c>&lt;Ref&gt;</c> to it gives the same live object;
/// and one input reads at most <see cref="MaxEntries"/> list entries, a list counted each time it is read, where
/// an input is one reading together with every other deserialized object that reads one of its long lists
/// (see <see cref="Input"/>).
/// </remarks>
internal static class Serialized
{
    private const string Fix =
        "Give the object Export-Clixml, Receive-Job or ConvertTo-Json -Depth 6 made from it, unchanged, or make the network again with New-ParityNetwork.";

    /// <summary>
    /// The most list entries one input reads: what the largest network the engine accepts holds when written
    /// out whole, with room to spare, so that no network ParityNet makes is refused. Its weights twice (the
    /// Weights matrices and WeightValues) and its biases once, at most 2 × <see cref="EngineLimits.MaxParameters"/>;
    /// an entry per row of each matrix, at most the inputs of every layer; three curves of
    /// <see cref="EngineLimits.MaxRecordedEpochs"/>; and 4096 for the short lists and field look-ups. About 83.7 million.
    /// </summary>
    public const long MaxEntries = 2 * EngineLimits.MaxParameters
        + EngineLimits.MaxBits + (long)EngineLimits.MaxHiddenLayers * EngineLimits.MaxHiddenSize
        + 3L * EngineLimits.MaxRecordedEpochs
        + 4096;

    /// <summary>Lists longer than this join the readings that read them into one input. The only list PowerShell's
    /// serializer shares between different ParityNet objects is shorter: a spec's hidden sizes (networks trained
    /// from one network share its spec), at most <see cref="EngineLimits.MaxHiddenLayers"/> long; so a file of many
    /// networks is as many inputs, each with the whole budget.</summary>
    private const int SharedLength = EngineLimits.MaxHiddenLayers;

    // What became of each deserialized ParityNet object: its live object or its error. PowerShell's deserializer
    // hands a <Ref> to an object it has read already back as that same deserialized object, and rehydrates it
    // again: without this, one network and thousands of <Ref>s to it would become thousands of networks (and one
    // that fails late, thousands of failed readings). Export-Clixml wrote a <Ref> because it was one object, and
    // live ParityNet objects are immutable, so one live object is the faithful answer. Bags from JSON or scripts
    // are read afresh each time: a script may change them between uses.
    private static readonly ConditionalWeakTable<object, Outcome> s_outcomes = new();

    // The input that read each long list of a deserialized object, and the lock over every input's count.
    private static readonly ConditionalWeakTable<object, Input> s_readers = new();
    private static readonly object s_inputs = new();

    private static int s_reported;

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
        var fields = new Bag(bag, "", new Reading());
        if (fields.Has("Weights") || fields.Has("Spec")) return typeof(ParityNetwork);
        if (fields.Has("InputsCompared") || fields.Has("MaxAbsDifference")) return typeof(OnnxExportResult);
        if (fields.Has("RecordedEpochs") || fields.Has("StopReason")) return typeof(TrainingHistory);
        if (fields.Has("Probability") && fields.Has("Number")) return typeof(ParityPrediction);
        return null;
    }

    /// <summary>The live object of type <paramref name="type"/> that <paramref name="bag"/> describes.</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.InvalidNetwork"/>, naming the field;
    /// <see cref="ErrorIds.InputTooLarge"/>, when reading it would take more than any network ParityNet makes.</exception>
    public static object To(Type type, object bag)
    {
        var root = new Bag(bag, "", new Reading());
        if (type == typeof(ParityNetwork)) return Network(root);
        if (type == typeof(TrainingHistory)) return History(root);
        if (type == typeof(ParityPrediction)) return Prediction(root);
        if (type == typeof(OnnxExportResult)) return ExportResult(root);
        throw new ArgumentException($"ParityNet cannot rehydrate a {type.FullName}.", nameof(type));
    }

    /// <summary>True once for a deserialized ParityNet object whose conversion failed: the first time its error
    /// is to be reported, so that a file's <c>&lt;Ref&gt;</c>s to it do not repeat the report.</summary>
    public static bool FirstReport(object bag) =>
        DeserializedKey(bag) is { } key && s_outcomes.TryGetValue(key, out var outcome) && outcome.Error is not null
        && Interlocked.Exchange(ref outcome.Reported, 1) == 0;

    /// <summary>How many deserialized objects this process has reported unconverted, this one included.</summary>
    public static int Reported() => Interlocked.Increment(ref s_reported);

    private static ParityNetwork Network(Bag bag) => Once(bag, ReadNetwork);

    private static TrainingHistory History(Bag bag) => Once(bag, ReadHistory);

    private static ParityPrediction Prediction(Bag bag) => Once(bag, ReadPrediction);

    private static OnnxExportResult ExportResult(Bag bag) => Once(bag, ReadExportResult);

    /// <summary>The live object <paramref name="bag"/> holds or describes. A deserialized object is read once, its
    /// long lists joining its input with any other that read them; after that its live object, or its error, is
    /// the answer.</summary>
    private static T Once<T>(Bag bag, Func<Bag, T> read) where T : class
    {
        if (bag.Live<T>() is { } live) return live;
        if (DeserializedKey(bag.Raw) is not { } key) return read(bag);
        if (s_outcomes.TryGetValue(key, out var known))
        {
            if (known.Error is not null) throw known.Error;
            if (known.Live is T same) return same;
        }
        var reading = bag.Reading;
        bool tracked = reading.Tracked;
        reading.Tracked = true;
        reading.Begin();
        try
        {
            T result = read(bag);
            s_outcomes.AddOrUpdate(key, new Outcome(result, null));
            return result;
        }
        catch (ParityNetException ex)
        {
            s_outcomes.AddOrUpdate(key, new Outcome(null, ex));
            throw;
        }
        finally
        {
            reading.Tracked = tracked;
        }
    }

    // A deserialized ParityNet object (from PowerShell's serializer), by identity; null for anything else.
    private static object? DeserializedKey(object? value) =>
        value is PSObject { BaseObject: PSCustomObject } pso && pso.TypeNames.Count > 0
        && pso.TypeNames[0].StartsWith("Deserialized.ParityNet.", StringComparison.Ordinal) ? pso : null;

    private static ParityNetwork ReadNetwork(Bag bag)
    {
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
        bool hasFlat = bag.Has("WeightValues");
        var weights = WeightsFromMatrices(bag, sizes, layers, hasFlat);
        var flat = hasFlat ? WeightsFromFlat(bag, sizes, layers, required: weights is null) : null;
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
            var layer = biasList[l];
            var cells = layer.Items();
            int expected = spec.HasBias ? sizes[l + 1] : 0;
            if (cells.Count != expected)
                throw Invalid(layer.Where, spec.HasBias ? $"has {cells.Count} biases, not {expected}" : $"has {cells.Count} biases, but HasBias is false");
            biases[l] = new double[expected];
            for (int i = 0; i < expected; i++) biases[l][i] = cells[i].AsFiniteDouble();
        }
        var historyValue = bag.Value("History");
        var history = historyValue.IsNull ? null : History(historyValue.AsBag());
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
    private static double[][]? WeightsFromMatrices(Bag bag, int[] sizes, int layers, bool hasFlat)
    {
        var weightList = bag.List("Weights");
        if (weightList.Count != layers)
            throw Invalid(bag.Path("Weights"), $"holds {weightList.Count} matrices; a {string.Join("-", sizes)} network has {layers}");
        var weights = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            var item = weightList[l];
            if (item.IsText) return null;
            var matrix = item.AsBag();
            int rows = matrix.Int("Rows"), columns = matrix.Int("Columns");
            if (rows != sizes[l] || columns != sizes[l + 1])
                throw Invalid(matrix.Path("Rows"), $"and Columns say {rows}x{columns}; layer {l} of a {string.Join("-", sizes)} network is {sizes[l]}x{sizes[l + 1]}");
            var valuesField = matrix.Value("Values");
            if (valuesField.IsText && hasFlat) return null;
            var values = valuesField.Items();
            if (hasFlat && values.AnyText()) return null;
            if (values.Count != rows)
                throw Invalid(valuesField.Where, $"has {values.Count} rows, not {rows}");
            var w = new double[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                var row = values[r];
                var cells = row.Items();
                if (cells.Count != columns) throw Invalid(row.Where, $"has {cells.Count} weights, not {columns}");
                for (int c = 0; c < columns; c++) w[r * columns + c] = cells[c].AsFiniteDouble();
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
            var layer = list[l];
            if (layer.IsText) return required ? throw Invalid(layer.Where, "is cut to text; use ConvertTo-Json -Depth 6") : null;
            var cells = layer.Items();
            int expected = sizes[l] * sizes[l + 1];
            if (cells.Count != expected) throw Invalid(layer.Where, $"has {cells.Count} weights; layer {l} is {sizes[l]}x{sizes[l + 1]} = {expected}");
            weights[l] = new double[expected];
            for (int i = 0; i < expected; i++) weights[l][i] = cells[i].AsFiniteDouble();
        }
        return weights;
    }

    private static TrainingHistory ReadHistory(Bag bag)
    {
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

    private static ParityPrediction ReadPrediction(Bag bag)
    {
        long number = bag.Long("Number");
        string bits = bag.String("Bits");
        if (bits.Length < 1 || bits.Length > EngineLimits.MaxBits || number < 0 || number >= 1L << bits.Length || BitEncoding.ToText(number, bits.Length) != bits)
            throw Invalid(bag.Path("Bits"), $"is '{(bits.Length > 70 ? bits[..70] + "…" : bits)}', which is not {number} in 1 to {EngineLimits.MaxBits} bits");
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

    private static OnnxExportResult ReadExportResult(Bag bag)
    {
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

    private static ParityNetException TooLarge(string field, string problem) =>
        new(ErrorIds.InputTooLarge, ParityErrorKind.LimitsExceeded,
            $"The object cannot be used as a ParityNet object: {(field.Length > 0 ? field + " " : "")}{problem}. {Fix}", field);

    private static string At(string path, int index) => index < 0 ? path : $"{path}[{index}]";

    private sealed class Outcome(object? live, ParityNetException? error)
    {
        public readonly object? Live = live;
        public readonly ParityNetException? Error = error;
        public int Reported;
    }

    /// <summary>
    /// One input: a reading, joined with every reading that reads one of its long lists. Readings of deserialized
    /// objects that share nothing stay apart (a file of many networks is many inputs); objects whose lists are one
    /// list, written once and named again by <c>&lt;Ref&gt;</c>s, are one input, with one budget between them, so that
    /// a small file of such objects cannot expand without end. The same live object written twice through two
    /// PowerShell wrappers (<c>$net</c>, and an export result's <c>Network</c>) is such a pair, and reads twice.
    /// </summary>
    private sealed class Input
    {
        private Input? _parent;
        public long Entries;
        public int Objects;

        // The input this one has joined, if any (union-find, paths halved). Under s_inputs.
        public Input Root()
        {
            var input = this;
            while (input._parent is { } parent) { input._parent = parent._parent ?? parent; input = parent; }
            return input;
        }

        // Makes this input and other one. Under s_inputs.
        public Input Join(Input other)
        {
            Input a = Root(), b = other.Root();
            if (a == b) return a;
            a._parent = b;
            b.Entries += a.Entries;
            b.Objects += a.Objects;
            return b;
        }
    }

    /// <summary>One reading, from one call: its input, and whether a deserialized object is being read (whose
    /// long lists then join the readings that read them).</summary>
    private sealed class Reading
    {
        private readonly Input _input = new();
        public bool Tracked;

        /// <summary>Counts one more deserialized object read by this reading's input.</summary>
        public void Begin()
        {
            lock (s_inputs) _input.Root().Objects++;
        }

        /// <summary>Counts <paramref name="entries"/> more read at the list <paramref name="path"/>[<paramref name="index"/>].</summary>
        /// <exception cref="ParityNetException"><see cref="ErrorIds.InputTooLarge"/> past <see cref="MaxEntries"/> for the input.</exception>
        public void Count(long entries, string path, int index)
        {
            long total;
            int objects;
            lock (s_inputs)
            {
                var root = _input.Root();
                total = root.Entries += entries;
                objects = root.Objects;
            }
            if (total > MaxEntries)
                throw TooLarge(At(path, index), string.Create(CultureInfo.InvariantCulture,
                    $"takes the reading past {MaxEntries:N0} list entries{(objects > 1 ? $", read in all by the {objects} deserialized objects whose lists are shared through <Ref>s" : "")}, " +
                    $"more than the largest network ParityNet makes holds (at most {EngineLimits.MaxParameters:N0} weights and biases, written twice, and {EngineLimits.MaxRecordedEpochs:N0} recorded epochs); " +
                    $"a list read again (a <Ref> in Clixml, one array set twice by a script) counts again"));
        }

        /// <summary>Joins this reading's input with any other that read <paramref name="list"/>, a long list of a deserialized object.</summary>
        public void Share(object list)
        {
            if (!Tracked) return;
            lock (s_inputs)
            {
                if (s_readers.TryGetValue(list, out var other)) _input.Join(other);
                else s_readers.Add(list, _input);
            }
        }
    }

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
    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        try
        {
            return Serialized.To(destinationType, sourceValue);
        }
        catch (ParityNetException ex)
        {
            if (Serialized.FirstReport(sourceValue)) Warn(sourceValue, ex);
            throw;
        }
    }

    /// <inheritdoc/>
    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    /// <inheritdoc/>
    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException($"ParityNet objects convert only from their serialized form, not to {destinationType}.");

    // PowerShell's deserializer (Import-Clixml, Receive-Job) catches whatever a converter throws, keeps the object
    // deserialized and says nothing (an ETW event at most), and it gives a converter no stream to write to. So the
    // first failure of each deserialized object is a warning through the runspace this thread runs, as
    // Write-Warning in a nested pipeline: it honours $WarningPreference, but -WarningVariable and 3> of the
    // command that read the object do not see it. Job output is read on a thread that runs no runspace: there is
    // no warning then, and the object's error comes from the cmdlet it is given to.
    private static void Warn(object source, ParityNetException ex)
    {
        if (Runspace.DefaultRunspace is null) return;
        string type = source is PSObject pso && pso.TypeNames.Count > 0 ? pso.TypeNames[0] : source.GetType().FullName ?? "object";
        string text = System.Convert.ToString(source, CultureInfo.InvariantCulture) ?? "";
        if (text.Length > 80) text = text[..80] + "…";
        string message = $"ParityNet left a {type} ('{text}') unconverted, the {Ordinal(Serialized.Reported())} in this process; " +
            $"ParityNet's cmdlets refuse it with {ex.ErrorId}: {ex.Message}";
        try
        {
            using var warning = PowerShell.Create(RunspaceMode.CurrentRunspace);
            warning.AddCommand("Microsoft.PowerShell.Utility\\Write-Warning").AddParameter("Message", message).Invoke();
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // A runspace that cannot take a nested command now (busy on another thread, closing): the refusal
            // stands, and the cmdlet given the object will name it.
        }
    }

    private static string Ordinal(int n) =>
        n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
