using ScottPlot;

namespace ParityNet.Commands;

/// <summary>One run to draw: its label and history.</summary>
internal sealed record ChartSeries(string Label, TrainingHistory History);

/// <summary>Draws loss (left axis) and accuracy (right axis, 0 to 1) against epoch with ScottPlot, to PNG bytes.
/// Knows nothing of PowerShell.</summary>
/// <summary>What Export-TrainingChart draws.</summary>
public enum ChartCurves
{
    /// <summary>Loss (solid, left axis) and accuracy (dashed, right axis).</summary>
    Both,
    /// <summary>Only the loss.</summary>
    Loss,
    /// <summary>Only the accuracy.</summary>
    Accuracy,
}

internal static class TrainingChart
{
    /// <summary>The smallest loss drawn on a log scale; a loss of 0 is drawn there.</summary>
    private const double LogFloor = 1e-12;

    public static byte[] RenderPng(IReadOnlyList<ChartSeries> series, int width, int height, string? title,
        ChartCurves curves = ChartCurves.Both, bool logLoss = false, CancellationToken cancel = default)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool showLoss = curves != ChartCurves.Accuracy, showAccuracy = curves != ChartCurves.Loss;
        var accuracyAxis = showLoss ? plot.Axes.Right : plot.Axes.Left;
        for (int i = 0; i < series.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var (label, history) = (series[i].Label, series[i].History);
            double[] epochs = history.RecordedEpochs.Select(e => (double)e).ToArray();
            var color = palette.GetColor(i);

            if (showLoss)
            {
                double[] values = history.Loss.Select(v => logLoss ? Math.Log10(Math.Max(v, LogFloor)) : v).ToArray();
                foreach (var (loss, first) in Pieces(plot, epochs, values, cancel))
                {
                    loss.Color = color;
                    loss.LineWidth = 2;
                    if (first) loss.LegendText = showAccuracy ? $"{label} loss" : label;
                }
            }
            if (showAccuracy)
            {
                foreach (var (accuracy, first) in Pieces(plot, epochs, history.Accuracy.ToArray(), cancel))
                {
                    accuracy.Color = color;
                    accuracy.LineWidth = showLoss ? 1.5f : 2;
                    accuracy.LinePattern = showLoss ? LinePattern.Dashed : LinePattern.Solid;
                    if (first) accuracy.LegendText = showLoss ? $"{label} accuracy" : label;
                    accuracy.Axes.YAxis = accuracyAxis;
                }
            }
        }
        plot.Title(title ?? DefaultTitle(series, curves));
        plot.XLabel("epoch");
        if (showLoss)
        {
            string lossName = string.Join(", ", series.Select(s => s.History.LossFunction).Distinct());
            plot.YLabel(logLoss ? $"loss ({lossName}, log scale)" : $"loss ({lossName})");
            if (logLoss)
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
                {
                    IntegerTicksOnly = true,
                    MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                    LabelFormatter = y => Math.Pow(10, y).ToString("0.#####E+0", System.Globalization.CultureInfo.InvariantCulture),
                };
        }
        if (showAccuracy)
        {
            accuracyAxis.Label.Text = showLoss ? "accuracy (dashed)" : "accuracy";
            plot.Axes.SetLimitsY(0, 1.05, accuracyAxis); // room above 100 % so that a solved run stays visible
        }
        plot.ShowLegend(Edge.Right); // beside the data, never over it
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>The most points drawn as one line: about 0.1 s to draw at 10000 px, so that a cancelled render
    /// stops within one piece (<see cref="RenderCheckpoint"/>).</summary>
    internal const int PointsPerPiece = 2048;

    /// <summary>One curve as lines of at most <see cref="PointsPerPiece"/> points, each sharing its last point with the
    /// next so that the curve is unbroken, each followed by a checkpoint; the first carries the legend.</summary>
    private static IEnumerable<(ScottPlot.Plottables.Scatter Line, bool First)> Pieces(Plot plot, double[] xs, double[] ys, CancellationToken cancel)
    {
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
        string what = curves switch { ChartCurves.Loss => "Loss", ChartCurves.Accuracy => "Accuracy", _ => "Loss and accuracy" };
        return series.Count == 1 ? $"{what} while training: {series[0].Label}"
            : $"{what} of {series.Count} runs: {string.Join(", ", series.Select(s => s.Label))}";
    }
}
