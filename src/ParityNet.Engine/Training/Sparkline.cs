namespace ParityNet;

/// <summary>A series as one line of the eight block characters ▁▂▃▄▅▆▇█.</summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>Renders <paramref name="values"/> in at most <paramref name="width"/> characters: each is the mean of
    /// its share of the values, scaled between the smallest and largest mean. Non-finite values show as a space;
    /// a flat series shows as ▁.</summary>
    public static string Render(IReadOnlyList<double> values, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        int n = Math.Min(width, values.Count);
        if (n == 0) return string.Empty;
        var means = new double[n];
        for (int c = 0; c < n; c++)
        {
            int from = (int)((long)c * values.Count / n), to = (int)((long)(c + 1) * values.Count / n);
            double sum = 0;
            for (int i = from; i < to; i++) sum += values[i];
            means[c] = sum / (to - from);
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double m in means)
            if (double.IsFinite(m)) { min = Math.Min(min, m); max = Math.Max(max, m); }
        var chars = new char[n];
        for (int c = 0; c < n; c++)
        {
            if (!double.IsFinite(means[c])) { chars[c] = ' '; continue; }
            int level = max > min ? (int)Math.Round((means[c] - min) / (max - min) * (Blocks.Length - 1)) : 0;
            chars[c] = Blocks[level];
        }
        return new string(chars);
    }
}
