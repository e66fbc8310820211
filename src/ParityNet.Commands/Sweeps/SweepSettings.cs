using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace ParityNet.Commands;

/// <summary>
/// What a sweep point may set: the parameters of New-ParityNetwork and Invoke-NetworkTraining, read from the
/// cmdlets themselves so the two cannot drift apart. Seed is New-ParityNetwork's (the initial weights);
/// Invoke-NetworkTraining's -Seed (the shuffling) is TrainingSeed. Points are converted as the binder would
/// (a CSV row's text included) and checked against the engine's own rules before any work starts.
/// </summary>
internal static class SweepSettings
{
    /// <summary>A setting: its name in a grid, the cmdlet it goes to, that cmdlet's parameter, and its type.</summary>
    internal sealed record Setting(string Name, bool ForNetwork, string Parameter, Type Type);

    private static readonly Dictionary<string, Setting> s_settings = Catalogue();

    /// <summary>Every setting name, in order.</summary>
    public static IEnumerable<string> Names => s_settings.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, Setting> Catalogue()
    {
        var settings = new Dictionary<string, Setting>(StringComparer.OrdinalIgnoreCase);
        void Add(Type cmdlet, bool forNetwork)
        {
            foreach (var property in cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<ParameterAttribute>() is null || property.Name == "Network") continue;
                string name = !forNetwork && property.Name == "Seed" ? "TrainingSeed" : property.Name;
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (type == typeof(SwitchParameter)) type = typeof(bool);
                settings[name] = new Setting(name, forNetwork, property.Name, type);
            }
        }
        Add(typeof(NewParityNetworkCommand), forNetwork: true);
        Add(typeof(InvokeNetworkTrainingCommand), forNetwork: false);
        return settings;
    }

    /// <summary>The most points a sweep may have (a grid's combinations, or pipeline objects): past it, the sweep is
    /// refused before anything is expanded or run. A day of 8-bit points on one core is about this many.</summary>
    public const int MaxPoints = 100_000;

    /// <summary>The number of points a grid makes, counted without making them; past <see cref="MaxPoints"/> it
    /// stops counting and returns a number above it.</summary>
    public static long Count(IDictionary grid)
    {
        long count = 1;
        foreach (var key in grid.Keys)
        {
            long items = Items(grid[key]).Take(MaxPoints + 1).LongCount();
            count = Math.Min(count * items, MaxPoints + 1L);
        }
        return count;
    }

    /// <summary>The points of a grid, one at a time: every combination of its values, in the order the grid gives
    /// them (the last setting varying fastest), each with the fixed settings added. A value that is a list gives one
    /// point per item; a list inside a list is one value (HiddenSize = @(16, 16), @(32) is two points: 16-16 and 32).
    /// Count the grid first: this makes as many points as it has.</summary>
    public static IEnumerable<Dictionary<string, object?>> Expand(IDictionary grid, IDictionary? fixedSettings)
    {
        var names = grid.Keys.Cast<object>().Select(k => k?.ToString() ?? "").ToList();
        var values = grid.Keys.Cast<object>().Select(k => Items(grid[k]).ToList()).ToList();
        if (values.Any(v => v.Count == 0)) yield break;
        var index = new int[names.Count];
        while (true)
        {
            var point = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (fixedSettings is not null)
                foreach (DictionaryEntry entry in fixedSettings) point[entry.Key?.ToString() ?? ""] = entry.Value;
            for (int i = 0; i < names.Count; i++) point[names[i]] = values[i][index[i]];
            yield return point;
            int d = names.Count - 1;
            while (d >= 0 && ++index[d] == values[d].Count) index[d--] = 0;
            if (d < 0) yield break;
        }
    }

    private static IEnumerable<object?> Items(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        if (raw is IEnumerable list and not string and not IDictionary)
        {
            foreach (var item in list) yield return item;
            yield break;
        }
        yield return value;
    }

    /// <summary>The settings an object gives: a hashtable's entries, or the properties of a CSV row or any object.</summary>
    public static Dictionary<string, object?> FromObject(object input)
    {
        var point = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        object raw = input is PSObject pso ? pso.BaseObject : input;
        if (raw is IDictionary dictionary)
            foreach (DictionaryEntry entry in dictionary) point[entry.Key?.ToString() ?? ""] = entry.Value;
        else
            // As the binder reads a piped object by property name: script, alias and code properties count too.
            foreach (var property in PSObject.AsPSObject(input).Properties)
                if (property.IsGettable && property.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property
                    or PSMemberTypes.ScriptProperty or PSMemberTypes.AliasProperty or PSMemberTypes.CodeProperty)
                {
                    try
                    {
                        point[property.Name] = property.Value;
                    }
                    catch (GetValueException ex)
                    {
                        throw new ParityNetException(ErrorIds.SweepInvalidPoint, ParityErrorKind.InvalidArgument,
                            $"The piped point's property {property.Name} could not be read ({ex.InnerException?.Message ?? ex.Message}). Nothing was run; correct the point and run the sweep again.", property.Name, ex);
                    }
                }
        return point;
    }

    /// <summary>A point from raw settings: names checked, values converted to their canonical types, and the whole
    /// checked by the engine's own rules (the network's size, alpha, epochs, the batch against the data).</summary>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.SweepInvalidPoint"/> naming the point, the setting and the fix.</exception>
    public static SweepPoint Point(int index, IReadOnlyDictionary<string, object?> raw, Func<string, string> word)
    {
        var settings = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (!s_settings.TryGetValue(name, out var setting))
                throw Invalid(index, raw, $"'{name}' is not a parameter of New-ParityNetwork or Invoke-NetworkTraining. Known: {string.Join(", ", Names)}");
            if (value is null || value is PSObject { BaseObject: null })
                throw Invalid(index, raw, $"{setting.Name} is $null; give it a value, or leave it out for the cmdlets' default");
            // A blank CSV cell is a setting left out, not 0 (PowerShell would convert "" to 0).
            if ((value is PSObject p ? p.BaseObject : value) is string blank && string.IsNullOrWhiteSpace(blank)) continue;
            try
            {
                settings[setting.Name] = Convert(value, setting.Type);
            }
            catch (Exception ex) when (ex is PSInvalidCastException or FormatException or OverflowException or InvalidCastException or ArgumentException)
            {
                throw Invalid(index, raw, $"{setting.Name} '{Shown(value)}' cannot be a {Describe(setting.Type)} ({ex.Message.Split('\n')[0].TrimEnd('.')})");
            }
        }
        var point = new SweepPoint(index, settings);
        try
        {
            Check(point);
        }
        catch (ParityNetException ex)
        {
            throw Invalid(index, raw, ex.Worded(word).TrimEnd('.'));
        }
        return point;
    }

    private static object Convert(object value, Type type)
    {
        object raw = value is PSObject pso ? pso.BaseObject : value;
        if (type == typeof(int[]))
        {
            // "16,16" or "16 16" (a CSV cell) or "16-16" (as tables write a shape); "-3" is minus three, which the check refuses.
            if (raw is string text)
                return text.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)
                    .SelectMany(t => t.Length > 1 && t[0] != '-' && t.Contains('-') ? t.Split('-') : new[] { t })
                    .Select(t => Whole<int>(t)).ToArray();
            if (raw is IEnumerable list and not IDictionary) return list.Cast<object?>().Select(i => Whole<int>(i)).ToArray();
            return new[] { Whole<int>(raw) };
        }
        if (type == typeof(int)) return Whole<int>(raw);
        if (type == typeof(long)) return Whole<long>(raw);
        if (type == typeof(bool))
        {
            return raw switch
            {
                bool b => b,
                string s when bool.TryParse(s, out bool parsed) => parsed,
                string s when s is "0" or "1" => s == "1",
                IConvertible c and not string => System.Convert.ToDouble(c, CultureInfo.InvariantCulture) switch { 0 => false, 1 => true, _ => throw new FormatException("Give true or false") },
                _ => throw new FormatException("Give true or false"),
            };
        }
        if (type.IsEnum)
        {
            // One name: "Even,BitParity" would be read as flags and silently become one of them.
            if (raw is string name && (name.Contains(',') || !Enum.GetNames(type).Contains(name.Trim(), StringComparer.OrdinalIgnoreCase)))
                throw new FormatException($"Give one of {string.Join(", ", Enum.GetNames(type))}");
            object converted = LanguagePrimitives.ConvertTo(raw, type, CultureInfo.InvariantCulture);
            if (!Enum.IsDefined(type, converted)) throw new FormatException($"Give one of {string.Join(", ", Enum.GetNames(type))}");
            return converted.ToString()!;
        }
        return LanguagePrimitives.ConvertTo(raw, type, CultureInfo.InvariantCulture);
    }

    /// <summary>A whole number, as the cmdlets take one: 8.5 (or "8.5") is refused, not rounded.</summary>
    private static T Whole<T>(object? value) where T : struct
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        if (raw is null) throw new FormatException("$null is not a whole number");
        if (raw is string text)
        {
            if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
                throw new FormatException($"'{text}' is not a whole number");
            raw = parsed;
        }
        else if (raw is double or float or decimal)
        {
            decimal d = System.Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
            if (d != decimal.Truncate(d)) throw new FormatException($"{raw} is not a whole number");
        }
        else if (raw is bool) throw new FormatException("true or false is not a whole number");
        return LanguagePrimitives.ConvertTo<T>(raw);
    }

    private static string Describe(Type type) =>
        type == typeof(int[]) ? "list of whole numbers" : type == typeof(bool) ? "true or false" : type.IsEnum ? $"{type.Name} ({string.Join(", ", Enum.GetNames(type))})" :
        type == typeof(double) ? "number" : "whole number";

    /// <summary>The spec and options the point's settings make, with the cmdlets' own defaults, checked by the engine.</summary>
    private static void Check(SweepPoint point)
    {
        var s = point.Settings;
        T Get<T>(string name, T fallback) => s.TryGetValue(name, out var v) ? (T)v : fallback;
        var defaults = new NetworkSpec();
        var spec = new NetworkSpec
        {
            Bits = Get("Bits", defaults.Bits),
            HiddenSizes = Get("HiddenSize", defaults.HiddenSizes.ToArray()),
            Task = Enum.Parse<ParityTask>(Get("Task", defaults.Task.ToString())),
            Activation = Enum.Parse<Activation>(Get("Activation", defaults.Activation.ToString())),
            Initialization = Enum.Parse<Initialization>(Get("Initialization", defaults.Initialization.ToString())),
            HasBias = !Get("NoBias", false),
            SignedInputs = Get("SignedInputs", false),
            Seed = Get("Seed", defaults.Seed),
            Relevant = s.TryGetValue("Relevant", out var k) ? (int)k : null,
            Support = s.TryGetValue("Support", out var bits) ? (int[])bits : null,
        };
        ParityNetwork.Validate(spec);
        int? checkEvery = s.TryGetValue("CheckEvery", out var ce) ? (int)ce : null;
        int epochs = Get("Epochs", TrainingOptions.DefaultEpochs);
        if (s.TryGetValue("Steps", out var st))
        {
            int steps = (int)st;
            string? problem = checkEvery is not int every ? "Steps counts steps between checks, so it needs CheckEvery (for example CheckEvery = 100)"
                : s.ContainsKey("Epochs") ? "Steps and Epochs both say how long to train; give one of them"
                : steps < 1 || steps % every != 0 ? $"Steps {steps} is not a positive multiple of CheckEvery {every}" : null;
            if (problem is not null) throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument, problem + ".", steps);
            epochs = steps / checkEvery!.Value;
        }
        var options = new TrainingOptions
        {
            Optimizer = Enum.Parse<OptimizerKind>(Get("Optimizer", OptimizerKind.GradientDescent.ToString())),
            Alpha = s.TryGetValue("Alpha", out var a) ? (double)a : null,
            Loss = Enum.Parse<LossFunction>(Get("Loss", LossFunction.MeanSquaredError.ToString())),
            Epochs = epochs,
            CheckEvery = checkEvery,
            HeldOutSize = s.TryGetValue("HeldOutSize", out var ho) ? (int)ho : null,
            WeightDecay = Get("WeightDecay", 0.0),
            RandomLabels = Get("RandomLabels", false),
            BatchSize = s.TryGetValue("BatchSize", out var b) ? (int)b : null,
            Momentum = Get("Momentum", 0.9),
            Nesterov = Get("Nesterov", false),
            Beta1 = Get("Beta1", 0.9),
            Beta2 = Get("Beta2", 0.999),
            Epsilon = s.TryGetValue("Epsilon", out var e) ? (double)e : null,
            Seed = s.TryGetValue("TrainingSeed", out var ts) ? (long)ts : null,
            SampleSize = Get("SampleSize", TrainingOptions.DefaultSampleSize),
            TargetAccuracy = s.TryGetValue("TargetAccuracy", out var ta) ? (double)ta : null,
            TargetLoss = s.TryGetValue("TargetLoss", out var tl) ? (double)tl : null,
        };
        options.Validate();
        if (EngineLimits.Enumerable(spec.Bits) && (options.CheckEvery is not null || options.HeldOutSize is not null || options.RandomLabels))
            throw new ParityNetException(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
                $"CheckEvery, HeldOutSize and RandomLabels apply to sampled inputs, but a {spec.Bits}-bit network trains on every integer. Leave them out, or give Bits above {EngineLimits.MaxEnumerableBits}.", spec.Bits);
        long rows = options.CheckEvery is int check ? (long)check * (options.BatchSize ?? TrainingOptions.DefaultBatchSize) : EngineLimits.TrainingRows(spec.Bits, options.SampleSize);
        if (options.Optimizer != OptimizerKind.GradientDescent && (options.BatchSize ?? 1) > rows)
            throw new ParityNetException(ErrorIds.InvalidBatchSize, ParityErrorKind.InvalidArgument,
                $"BatchSize {options.BatchSize} is larger than the {rows} rows of each epoch. Give ⟦BatchSize⟧ from 1 to {rows}.", options.BatchSize);
    }

    /// <summary>The point's settings as the two cmdlets' splatting tables.</summary>
    public static (Hashtable Network, Hashtable Training) Split(SweepPoint point)
    {
        var network = new Hashtable(StringComparer.OrdinalIgnoreCase);
        var training = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in point.Settings)
        {
            var setting = s_settings[name];
            (setting.ForNetwork ? network : training)[setting.Parameter] = value; // a bool splats into a switch
        }
        return (network, training);
    }

    private static ParityNetException Invalid(int index, IReadOnlyDictionary<string, object?> raw, string why) =>
        new(ErrorIds.SweepInvalidPoint, ParityErrorKind.InvalidArgument,
            $"Point {index} ({string.Join(", ", raw.Select(p => $"{p.Key}={Shown(p.Value)}"))}): {why}. Nothing was run; correct the point and run the sweep again.", index);

    private static string Shown(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        return raw is IEnumerable list and not string ? string.Join(",", list.Cast<object?>()) : raw?.ToString() ?? "$null";
    }
}
