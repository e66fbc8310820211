using System.Globalization;
using System.Text;

namespace ParityNet.Experiment;

/// <summary>The Markdown table: one row per recipe and N.</summary>
internal static class Table
{
    public static string Render(Settings settings, IReadOnlyList<Recipe> recipes, IReadOnlyList<Row> rows, TimeSpan total)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"N-bit parity (Task BitParity), seeds {settings.FirstSeed}–{settings.FirstSeed + settings.Seeds - 1}, solved = 100% accuracy on all 2^N inputs within the epoch cap.");
        sb.AppendLine();
        sb.AppendLine("| Recipe | N | Hidden | Solved | Success | Median epochs (solved) | Epochs range (solved) | ~4^N trend (Tesauro & Janssens) | Wall time |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var recipe = recipes.First(r => r.Name == row.Recipe);
            var solved = row.Seeds.Where(s => s.Solved).Select(s => s.Epochs).ToArray();
            string range = solved.Length == 0 ? "—" : $"{solved.Min()}–{solved.Max()}";
            sb.AppendLine(ci, $"| {row.Recipe} | {row.Bits} | {string.Join("-", recipe.HiddenSizes(row.Bits))} | {row.Solved}/{row.Seeds.Length} | {100.0 * row.Solved / row.Seeds.Length:0}% | {Median(row)} | {range} | {Trend(rows, row)} | {row.Wall.TotalSeconds:0.0} s |");
        }
        sb.AppendLine();
        sb.AppendLine("Recipes:");
        foreach (var r in recipes) sb.AppendLine(ci, $"- **{r.Name}**: {r.Describe()}.");
        sb.AppendLine();
        sb.AppendLine(ci, $"Wall time is per row with {settings.Threads} run(s) at once; total {total.TotalMinutes:0.0} min ({total.TotalSeconds:0} s). Epochs are weight-update passes over the data; the median is over the solved seeds only.");
        sb.AppendLine();
        sb.AppendLine("The ~4^N column is Tesauro & Janssens' (1988) scaling of back-propagation's training time on N-bit parity (N hidden units), " +
            "anchored at each recipe's first median: that median times 4 for each bit more. Measured growth per bit, the least-squares slope of " +
            "log(median epochs) over the rows where every seed solved (at least three):");
        foreach (var r in recipes)
        {
            var full = rows.Where(x => x.Recipe == r.Name && x.Solved == x.Seeds.Length && MedianEpochs(x) > 0).ToList(); // a log needs epochs > 0
            string line = full.Count < 3
                ? $"- {r.Name}: not fitted, fewer than three rows with every seed solved."
                : string.Create(ci, $"- {r.Name}: ×{GrowthPerBit(full):0.00} per bit over N = {full.Min(x => x.Bits)} … {full.Max(x => x.Bits)} (4^N would be ×4).");
            sb.AppendLine(line);
        }
        var unsolved = rows.Where(r => r.Solved < r.Seeds.Length).ToList();
        if (unsolved.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Unsolved seeds (seed: final accuracy, stop reason):");
            foreach (var row in unsolved)
            {
                var misses = row.Seeds.Where(s => !s.Solved)
                    .Select(s => string.Create(ci, $"{s.Seed}: {s.Accuracy:P1} {s.Reason}"));
                sb.AppendLine(ci, $"- {row.Recipe} N={row.Bits}: {string.Join("; ", misses)}");
            }
        }
        return sb.ToString();
    }

    /// <summary>The median epochs of the solved seeds ("—" if none); the mean of the middle two when even.</summary>
    public static string Median(Row row) =>
        MedianEpochs(row) is double m ? m.ToString("0.#", CultureInfo.InvariantCulture) : "—";

    public static double? MedianEpochs(Row row)
    {
        var e = row.Seeds.Where(s => s.Solved).Select(s => s.Epochs).Order().ToArray();
        if (e.Length == 0) return null;
        return e.Length % 2 == 1 ? e[e.Length / 2] : (e[e.Length / 2 - 1] + e[e.Length / 2]) / 2.0;
    }

    /// <summary>The epochs a 4^N growth predicts for <paramref name="row"/>: the median of its recipe's first row with
    /// a solved seed and a median above 0, times 4^(N − that row's N). "—" before that row.</summary>
    public static string Trend(IReadOnlyList<Row> rows, Row row)
    {
        var anchor = rows.Where(r => r.Recipe == row.Recipe && r.Bits <= row.Bits && MedianEpochs(r) > 0).MinBy(r => r.Bits);
        if (anchor is null) return "—";
        double epochs = MedianEpochs(anchor)!.Value * Math.Pow(4, row.Bits - anchor.Bits);
        return epochs < 1e6 ? epochs.ToString("N0", CultureInfo.InvariantCulture) : epochs.ToString("0.0e+0", CultureInfo.InvariantCulture);
    }

    /// <summary>e^slope of the least-squares line through (N, ln median epochs): the median's growth factor per bit.</summary>
    public static double GrowthPerBit(IReadOnlyList<Row> rows)
    {
        var points = rows.Select(r => (X: (double)r.Bits, Y: Math.Log(MedianEpochs(r)!.Value))).ToArray();
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        return Math.Exp(slope);
    }
}
