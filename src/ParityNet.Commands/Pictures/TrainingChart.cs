using ScottPlot;

namespace ParityNet.Commands;

/// <summary>One run to draw: its label and history.</summary>
internal sealed record ChartSeries(string Label, TrainingHistory History);

/// <summary>What Export-TrainingChart draws.</summary>
public enum ChartCurves
{
    /// <summary>Loss (solid, left axis) and accuracy (dashed, right axis).</summary>
    Both,
    /// <summary>Only the loss.</summary>
    Loss,
    /// <summary>Only the accuracy.</summary>
    Accuracy,
    /// <summary>The hidden-progress view (<see cref="HiddenProgressChart"/>): loss and accuracy above, the first
    /// layer's measures below, on one horizontal axis.</summary>
    HiddenProgress,
}

/// <summary>Draws loss (left axis) and accuracy (right axis, 0 to 1) against epoch or step with ScottPlot, to PNG bytes.
/// Knows nothing of PowerShell.</summary>
internal static class TrainingChart
{
    /// <summary>The smallest loss drawn on a log scale; a loss of 0 is drawn there.</summary>
    private const double LogFloor = 1e-12;

    /// <summary>Room below zero and above the highest value, as a fraction of the highest: a curve at 0 or at its
    /// top is drawn whole, not half cut by the frame. Both vertical axes take the same fraction, so their zeros
    /// share one pixel row.</summary>
    internal const double Margin = 0.05;

    public static byte[] RenderPng(IReadOnlyList<ChartSeries> series, int width, int height, string? title,
        ChartCurves curves = ChartCurves.Both, bool logLoss = false, ChartAxis? axis = null, CancellationToken cancel = default)
    {
        var plot = Build(series, title, curves, logLoss, axis, cancel);
        FitTitle(plot, width);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>The smallest title font; a title still too wide at it is cut with an ellipsis.</summary>
    internal const float SmallestTitle = 10;

    /// <summary>Makes the title fit <paramref name="width"/> pixels, less a margin: a smaller font, then, at
    /// <see cref="SmallestTitle"/>, the title cut. The default title of several runs names them all and can be long.</summary>
    internal static void FitTitle(Plot plot, int width) => FitText(plot.Axes.Title.Label, width - 20);

    /// <summary>Makes <paramref name="label"/> at most <paramref name="room"/> pixels wide: a smaller font down to
    /// <see cref="SmallestTitle"/>, then the text cut with an ellipsis.</summary>
    internal static void FitText(LabelStyle label, float room)
    {
        using var paint = Paint.NewDisposablePaint();
        while (label.FontSize > SmallestTitle && label.Measure(paint).Width > room) label.FontSize = Math.Max(SmallestTitle, label.FontSize - 1);
        string text = label.Text;
        while (text.Length > 1 && label.Measure(paint).Width > room)
        {
            text = text[..^1];
            label.Text = text.TrimEnd() + "…";
        }
    }

    /// <summary>The chart as a ScottPlot plot, before it is drawn at a size.</summary>
    internal static Plot Build(IReadOnlyList<ChartSeries> series, string? title,
        ChartCurves curves = ChartCurves.Both, bool logLoss = false, ChartAxis? axis = null, CancellationToken cancel = default)
    {
        if (curves == ChartCurves.HiddenProgress) throw new ArgumentException("the hidden-progress view is drawn by HiddenProgressChart.", nameof(curves));
        axis ??= ChartAxis.Epochs;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool showLoss = curves != ChartCurves.Accuracy, showAccuracy = curves != ChartCurves.Loss;
        var accuracyAxis = showLoss ? plot.Axes.Right : plot.Axes.Left;
        for (int i = 0; i < series.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var (label, history) = (series[i].Label, series[i].History);
            var (epochs, from) = axis.Positions(history);
            var color = palette.GetColor(i);
            // One legend entry per run, its colour: which curve is the loss and which the accuracy the axis
            // labels say (solid, dashed), so the legend stays narrow beside the data.
            bool legend = true;
            if (showLoss)
            {
                double[] values = logLoss ? LogLoss(history.Loss.Skip(from)) : history.Loss.Skip(from).ToArray();
                foreach (var (loss, first) in Pieces(plot, epochs, values, cancel))
                {
                    loss.Color = color;
                    loss.LineWidth = 2;
                    if (first && legend) { loss.LegendText = label; legend = false; }
                }
            }
            if (showAccuracy)
            {
                foreach (var (accuracy, first) in Pieces(plot, epochs, history.Accuracy.Skip(from).ToArray(), cancel))
                {
                    accuracy.Color = color;
                    accuracy.LineWidth = showLoss ? 1.5f : 2;
                    accuracy.LinePattern = showLoss ? LinePattern.Dashed : LinePattern.Solid;
                    if (first && legend) { accuracy.LegendText = label; legend = false; }
                    accuracy.Axes.YAxis = accuracyAxis;
                }
            }
        }
        plot.Title(title ?? DefaultTitle(series, curves));
        axis.Apply(plot, series);
        if (showLoss)
        {
            string lossName = string.Join(", ", series.Select(s => s.History.LossFunction).Distinct());
            string style = showAccuracy ? ", solid" : "";
            plot.YLabel(logLoss ? $"loss ({lossName}, log scale{style})" : $"loss ({lossName}{style})");
            if (logLoss)
                plot.Axes.Left.TickGenerator = LogLossTicks();
            else
            {
                var (bottom, top) = Limits(HighestLoss(series));
                plot.Axes.SetLimitsY(bottom, top, plot.Axes.Left);
                plot.Axes.Left.TickGenerator = new NonNegativeTicks();
            }
        }
        if (showAccuracy)
        {
            accuracyAxis.Label.Text = showLoss ? "accuracy (dashed)" : "accuracy";
            var (bottom, top) = Limits(1);
            plot.Axes.SetLimitsY(bottom, top, accuracyAxis);
            accuracyAxis.TickGenerator = new NonNegativeTicks();
        }
        plot.ShowLegend(Edge.Bottom); // under the data, never over it, and no width taken from it
        return plot;
    }

    /// <summary>The loss drawn as log10 of itself (<see cref="LogFloor"/> for 0), as the log-scale loss axis takes it.</summary>
    internal static double[] LogLoss(IEnumerable<double> loss) => loss.Select(v => Math.Log10(Math.Max(v, LogFloor))).ToArray();

    /// <summary>The ticks of a log-scale loss axis: 1E-3, 1E-2, ...</summary>
    internal static ITickGenerator LogLossTicks() =>
        ChartAxis.PowersOfTen(v => v.ToString("0.#####E+0", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A vertical axis from 0 to <paramref name="highest"/>, with <see cref="Margin"/> of room on both sides.</summary>
    internal static (double Bottom, double Top) Limits(double highest)
    {
        if (!(highest > 0) || !double.IsFinite(highest)) highest = 1;
        return (-Margin * highest, (1 + Margin) * highest);
    }

    /// <summary>The highest finite loss any run recorded; 0 when there is none.</summary>
    internal static double HighestLoss(IReadOnlyList<ChartSeries> series)
    {
        double highest = 0;
        foreach (var s in series)
            foreach (double v in s.History.Loss)
                if (double.IsFinite(v) && v > highest) highest = v;
        return highest;
    }

    /// <summary>ScottPlot's automatic ticks without those below zero: the margin under zero is room for the curves,
    /// and no loss or accuracy is negative.</summary>
    internal sealed class NonNegativeTicks : ITickGenerator
    {
        private readonly ScottPlot.TickGenerators.NumericAutomatic _inner = new();

        public Tick[] Ticks { get; set; } = Array.Empty<Tick>();

        public int MaxTickCount { get => _inner.MaxTickCount; set => _inner.MaxTickCount = value; }

        public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
        {
            _inner.Regenerate(range, edge, size, paint, labelStyle);
            Ticks = _inner.Ticks.Where(t => t.Position >= 0).ToArray();
        }
    }

    /// <summary>The most points drawn as one line: about 0.1 s to draw at 10000 px, so that a cancelled render
    /// stops within one piece (<see cref="RenderCheckpoint"/>).</summary>
    internal const int PointsPerPiece = 2048;

    /// <summary>One curve as lines of at most <see cref="PointsPerPiece"/> points, each sharing its last point with the
    /// next so that the curve is unbroken, each followed by a checkpoint; the first carries the legend.</summary>
    internal static IEnumerable<(ScottPlot.Plottables.Scatter Line, bool First)> Pieces(Plot plot, double[] xs, double[] ys, CancellationToken cancel)
    {
        if (xs.Length == 0) yield break; // a run whose only record is at step 0, on a log step axis
        for (int start = 0; start == 0 || start < xs.Length - 1; start += PointsPerPiece - 1)
        {
            int count = Math.Min(PointsPerPiece, xs.Length - start);
            var line = plot.Add.ScatterLine(xs.AsSpan(start, count).ToArray(), ys.AsSpan(start, count).ToArray());
            yield return (line, start == 0);
            RenderCheckpoint.Add(plot, cancel);
        }
    }

    /// <summary>What is compared: the one run's label, or the runs' labels.</summary>
    internal static string DefaultTitle(IReadOnlyList<ChartSeries> series, ChartCurves curves = ChartCurves.Both)
    {
        string what = curves switch
        {
            ChartCurves.Loss => "Loss",
            ChartCurves.Accuracy => "Accuracy",
            ChartCurves.HiddenProgress => "Hidden progress",
            _ => "Loss and accuracy",
        };
        return series.Count == 1 ? $"{what} while training: {series[0].Label}"
            : $"{what} of {series.Count} runs: {string.Join(", ", series.Select(s => s.Label))}";
    }
}
