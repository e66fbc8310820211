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
        sb.AppendLine("| Recipe | N | Hidden | Solved | Success | Median epochs (solved) | Epochs range (solved) | Wall time |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var recipe = recipes.First(r => r.Name == row.Recipe);
            var solved = row.Seeds.Where(s => s.Solved).Select(s => s.Epochs).ToArray();
            string range = solved.Length == 0 ? "—" : $"{solved.Min()}–{solved.Max()}";
            sb.AppendLine(ci, $"| {row.Recipe} | {row.Bits} | {string.Join("-", recipe.HiddenSizes(row.Bits))} | {row.Solved}/{row.Seeds.Length} | {100.0 * row.Solved / row.Seeds.Length:0}% | {Median(row)} | {range} | {row.Wall.TotalSeconds:0.0} s |");
        }
        sb.AppendLine();
        sb.AppendLine("Recipes:");
        foreach (var r in recipes) sb.AppendLine(ci, $"- **{r.Name}**: {r.Describe()}.");
        sb.AppendLine();
        sb.AppendLine(ci, $"Wall time is per row with {settings.Threads} run(s) at once; total {total.TotalMinutes:0.0} min. Epochs are weight-update passes over the data; the median is over the solved seeds only.");
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
    public static string Median(Row row)
    {
        var e = row.Seeds.Where(s => s.Solved).Select(s => s.Epochs).Order().ToArray();
        if (e.Length == 0) return "—";
        double m = e.Length % 2 == 1 ? e[e.Length / 2] : (e[e.Length / 2 - 1] + e[e.Length / 2]) / 2.0;
        return m.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
