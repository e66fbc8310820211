using System.Globalization;

namespace ParityNet;

/// <summary>
/// One point of a sweep: the settings of one training (New-ParityNetwork's and Invoke-NetworkTraining's, by
/// name), in canonical form. Its <see cref="Key"/> names it in the result file, so that a rerun skips it: the
/// same settings give the same key whatever order they were given in, and a network trained from them is the
/// same bit for bit wherever it ran.
/// </summary>
public sealed class SweepPoint
{
    /// <summary>Makes a point of settings already converted to their canonical types: int, long, double, bool,
    /// string (enum names) or int[] (hidden sizes).</summary>
    public SweepPoint(int index, IReadOnlyDictionary<string, object> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Index = index;
        Settings = new SortedDictionary<string, object>(settings.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        Key = string.Join(";", Settings.Select(p => $"{p.Key}={Text(p.Value)}"));
    }

    /// <summary>The point's place in the sweep, from 1: what errors and progress name it by.</summary>
    public int Index { get; }

    /// <summary>The settings, by parameter name, in ordinal name order.</summary>
    public IReadOnlyDictionary<string, object> Settings { get; }

    /// <summary>The canonical text of the settings, "Alpha=0.01;Bits=8;HiddenSize=32;Seed=3": the point's identity.</summary>
    public string Key { get; }

    /// <summary>A value as the key writes it: invariant, round-trip numbers; arrays joined by commas.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        int[] a => string.Join(",", a.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <inheritdoc/>
    public override string ToString() => $"point {Index} ({Key.Replace(";", ", ")})";
}
