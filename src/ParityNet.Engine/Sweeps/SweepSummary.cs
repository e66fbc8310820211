namespace ParityNet;

/// <summary>
/// A sweep's results grouped by their settings less the ones that only repeat a trial (by default Seed), as the
/// parity table (docs/parity-table.md) reports them: how many points, how many solved, and the median and range of the
/// epochs the solved ones took (and of their steps, where an epoch is CheckEvery steps).
/// </summary>
public sealed class SweepSummary
{
    private SweepSummary(IReadOnlyDictionary<string, string> settings, int points, int solved, double? median, int? min, int? max, TimeSpan wall)
    {
        Settings = settings;
        Points = points;
        Solved = solved;
        MedianEpochs = median;
        MinEpochs = min;
        MaxEpochs = max;
        WallTime = wall;
        if (settings.TryGetValue("CheckEvery", out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int every) && every > 0)
            StepsPerEpoch = every;
    }

    /// <summary>The group's settings (all but the ones grouped over), by name.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The group's settings as one line, "Alpha=0.01, Bits=8".</summary>
    public string Group => string.Join(", ", Settings.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Points in the group.</summary>
    public int Points { get; }

    /// <summary>Points that ended with every input right.</summary>
    public int Solved { get; }

    /// <summary>Solved / Points.</summary>
    public double SolvedFraction => Points == 0 ? 0 : (double)Solved / Points;

    /// <summary>The median epochs of the solved points; null when none solved.</summary>
    public double? MedianEpochs { get; }

    /// <summary>The fewest epochs a solved point took.</summary>
    public int? MinEpochs { get; }

    /// <summary>The most epochs a solved point took.</summary>
    public int? MaxEpochs { get; }

    /// <summary>Steps an epoch is when the group trains with CheckEvery (an epoch is then one check's CheckEvery steps); null otherwise.</summary>
    public int? StepsPerEpoch { get; }

    /// <summary>The median steps of the solved points (MedianEpochs × StepsPerEpoch), for a group trained with CheckEvery; null otherwise
    /// or when none solved.</summary>
    public double? MedianSteps => StepsPerEpoch is int s && MedianEpochs is double m ? m * s : null;

    /// <summary>The fewest steps a solved point took, for a group trained with CheckEvery.</summary>
    public long? MinSteps => StepsPerEpoch is int s && MinEpochs is int m ? (long)m * s : null;

    /// <summary>The most steps a solved point took, for a group trained with CheckEvery.</summary>
    public long? MaxSteps => StepsPerEpoch is int s && MaxEpochs is int m ? (long)m * s : null;

    /// <summary>The group's training time, summed over its points.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>Groups <paramref name="results"/> by every setting but <paramref name="over"/>, in the order the groups first appear.</summary>
    public static IReadOnlyList<SweepSummary> Of(IEnumerable<SweepResult> results, IEnumerable<string>? over = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var excluded = new HashSet<string>(over ?? new[] { "Seed" }, StringComparer.OrdinalIgnoreCase);
        var groups = new Dictionary<string, (SortedDictionary<string, string> Settings, List<SweepResult> Results)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var r in results)
        {
            var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in r.Settings)
                if (!excluded.Contains(name)) settings[name] = value;
            string key = string.Join(";", settings.Select(p => $"{p.Key}={p.Value}"));
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = (settings, new List<SweepResult>());
                order.Add(key);
            }
            group.Results.Add(r);
        }
        return order.Select(k =>
        {
            var (settings, list) = groups[k];
            var epochs = list.Where(r => r.Solved).Select(r => r.EpochsRun).OrderBy(e => e).ToList();
            // In doubles: two epoch counts near 2^31 overflow an int sum (the median was -1).
            double? median = epochs.Count == 0 ? null : epochs.Count % 2 == 1 ? epochs[epochs.Count / 2] : ((double)epochs[epochs.Count / 2 - 1] + epochs[epochs.Count / 2]) / 2;
            return new SweepSummary(settings, list.Count, epochs.Count, median, epochs.Count == 0 ? null : epochs[0], epochs.Count == 0 ? null : epochs[^1], Total(list));
        }).ToList();
    }

    /// <summary>The summed wall time, held at TimeSpan.MaxValue: a million points of ten years each overflow a sum of ticks,
    /// which must not cost the whole summary.</summary>
    private static TimeSpan Total(IEnumerable<SweepResult> results)
    {
        long ticks = 0;
        foreach (var r in results)
        {
            if (ticks > TimeSpan.MaxValue.Ticks - r.WallTime.Ticks) return TimeSpan.MaxValue;
            ticks += r.WallTime.Ticks;
        }
        return TimeSpan.FromTicks(ticks);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Group}: {Solved}/{Points} solved{(MedianEpochs is { } m ? $", median {m} epochs ({MinEpochs}–{MaxEpochs})" : "")}";
}
