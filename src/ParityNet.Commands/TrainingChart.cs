using ScottPlot;

namespace ParityNet.Commands;

/// <summary>One run to draw: its label and history.</summary>
internal sealed record ChartSeries(string Label, TrainingHistory History);

/// <summary>Draws loss (left axis) and accuracy (right axis, 0 to 1) against epoch with ScottPlot, to PNG bytes.
/// Knows nothing of PowerShell.</summary>
internal static class TrainingChart
{
    public static byte[] RenderPng(IReadOnlyList<ChartSeries> series, int width, int height, string? title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, history) = (series[i].Label, series[i].History);
            double[] epochs = history.RecordedEpochs.Select(e => (double)e).ToArray();
            var color = palette.GetColor(i);

            var loss = plot.Add.ScatterLine(epochs, history.Loss.ToArray());
            loss.Color = color;
            loss.LineWidth = 2;
            loss.LegendText = $"{label} loss";

            var accuracy = plot.Add.ScatterLine(epochs, history.Accuracy.ToArray());
            accuracy.Color = color;
            accuracy.LineWidth = 1.5f;
            accuracy.LinePattern = LinePattern.Dashed;
            accuracy.LegendText = $"{label} accuracy";
            accuracy.Axes.YAxis = plot.Axes.Right;
        }
        plot.Title(title ?? DefaultTitle(series));
        plot.XLabel("epoch");
        plot.YLabel($"loss ({string.Join(", ", series.Select(s => s.History.LossFunction).Distinct())})");
        plot.Axes.Right.Label.Text = "accuracy (dashed)";
        plot.Axes.SetLimitsY(0, 1.05, plot.Axes.Right); // room above 100 % so that a solved run stays visible
        plot.ShowLegend(Edge.Right); // beside the data, never over it
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>What is compared: the one run's label, or the runs' labels.</summary>
    internal static string DefaultTitle(IReadOnlyList<ChartSeries> series) =>
        series.Count == 1 ? $"Loss and accuracy while training: {series[0].Label}"
        : $"Loss and accuracy of {series.Count} runs: {string.Join(", ", series.Select(s => s.Label))}";
}
