using System.Globalization;
using ScottPlot;

namespace ParityNet.Commands;

/// <summary>What Export-TrainingChart's horizontal axis counts.</summary>
public enum ChartXAxis
{
    /// <summary>Epochs: the history's RecordedEpochs.</summary>
    Epochs,
    /// <summary>Steps (weight updates): the history's RecordedSteps.</summary>
    Steps,
}

/// <summary>A chart's horizontal axis: epochs or steps, on a linear or (steps only) a log scale. Knows nothing of PowerShell.</summary>
internal sealed record ChartAxis(ChartXAxis Unit, bool Log = false)
{
    /// <summary>The axis of the charts before steps were recorded: epochs, linear.</summary>
    public static readonly ChartAxis Epochs = new(ChartXAxis.Epochs);

    /// <summary>Steps when every run was trained with CheckEvery, where an "epoch" is only the interval between two
    /// checks and the learner asked for steps (-Steps); epochs otherwise, the unit the learner asked for (-Epochs).</summary>
    public static ChartXAxis DefaultUnit(IEnumerable<TrainingHistory> histories) =>
        histories.All(h => h.Settings.CheckEvery is not null && h.StepsPerEpoch is not null) ? ChartXAxis.Steps : ChartXAxis.Epochs;

    /// <summary>Where each record of <paramref name="history"/> sits on this axis, from record <c>First</c> on: on a
    /// log axis a record at step 0 (before any update) has no place and is left out; only the first record can be at 0.</summary>
    /// <exception cref="ArgumentException">a step axis for a history whose steps are not known.</exception>
    public (double[] X, int First) Positions(TrainingHistory history)
    {
        double[] x;
        if (Unit == ChartXAxis.Steps)
        {
            if (history.StepsPerEpoch is null) throw new ArgumentException("the history has no steps recorded.", nameof(history));
            x = history.RecordedSteps.Select(s => (double)s).ToArray();
        }
        else x = history.RecordedEpochs.Select(e => (double)e).ToArray();
        if (!Log) return (x, 0);
        int first = x.Length > 0 && x[0] <= 0 ? 1 : 0;
        return (x[first..].Select(Math.Log10).ToArray(), first);
    }

    /// <summary>The axis's name under it.</summary>
    public string Title => (Unit, Log) switch
    {
        (ChartXAxis.Epochs, false) => "epoch",
        (ChartXAxis.Epochs, true) => "epoch (log scale; epoch 0, before training, is not drawn)",
        (_, false) => "step",
        _ => "step (log scale; step 0, before training, is not drawn)",
    };

    /// <summary>Names the axis of <paramref name="plot"/> and sets its range to the records of <paramref name="series"/>,
    /// first to last: no room before the first, which no run has.</summary>
    public void Apply(Plot plot, IReadOnlyList<ChartSeries> series)
    {
        plot.XLabel(Title);
        double first = double.PositiveInfinity, last = double.NegativeInfinity;
        foreach (var s in series)
        {
            var (x, _) = Positions(s.History);
            if (x.Length == 0) continue;
            first = Math.Min(first, x[0]);
            last = Math.Max(last, x[^1]);
        }
        if (first > last) (first, last) = (0, 1); // nothing to place: an empty axis
        if (first == last) (first, last) = Log ? (first - 0.5, last + 0.5) : (first - 1, last + 1);
        plot.Axes.SetLimitsX(first, last, plot.Axes.Bottom);
        if (Log) plot.Axes.Bottom.TickGenerator = new LogTicks();
    }

    /// <summary>Ticks for an axis drawn as log10 of its values: one at each power of ten, labelled with the value
    /// itself, and minor ticks between them.</summary>
    internal static ITickGenerator PowersOfTen(Func<double, string> format) => new ScottPlot.TickGenerators.NumericAutomatic
    {
        IntegerTicksOnly = true,
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        LabelFormatter = y => format(Math.Pow(10, y)),
    };

    /// <summary>Ticks for a log axis of whole counts (drawn as log10 of the count): labelled at 1, 2 and 5 times each
    /// power of ten where their labels have room, else at 1 and 3 times, else at powers of ten (every second or third
    /// when even those crowd); minor ticks at the other whole multiples. Labels are written as on a linear axis (1,000).</summary>
    internal sealed class LogTicks : ITickGenerator
    {
        public Tick[] Ticks { get; set; } = Array.Empty<Tick>();

        public int MaxTickCount { get; set; } = 1000;

        public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
        {
            double low = range.Min, high = range.Max;
            if (!(high > low) || !double.IsFinite(low) || !double.IsFinite(high) || !(size.Length > 0)) { Ticks = Array.Empty<Tick>(); return; }
            double perDecade = size.Length / (high - low);
            float widest = labelStyle.Measure(Label(Math.Pow(10, Math.Ceiling(high))), paint).Width + 12;
            int[] labelled = 0.301 * perDecade >= widest ? new[] { 1, 2, 5 } : 0.477 * perDecade >= widest ? new[] { 1, 3 } : new[] { 1 };
            int every = Math.Max(1, (int)Math.Ceiling(widest / perDecade));
            var ticks = new List<Tick>();
            for (int k = (int)Math.Floor(low); k <= (int)Math.Ceiling(high); k++)
                for (int m = 1; m <= 9; m++)
                {
                    double value = m * Math.Pow(10, k), at = Math.Log10(value);
                    if (at < low - 1e-9 || at > high + 1e-9) continue;
                    bool major = labelled.Contains(m) && (m != 1 || k % every == 0);
                    ticks.Add(major ? Tick.Major(at, Label(value)) : Tick.Minor(at));
                }
            Ticks = ticks.ToArray();
        }

        private static string Label(double value) => value.ToString(value >= 1 ? "#,0" : "0.###", CultureInfo.InvariantCulture);
    }
}
