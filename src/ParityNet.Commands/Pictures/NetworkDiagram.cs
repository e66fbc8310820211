using System.Globalization;
using ScottPlot;

namespace ParityNet.Commands;

/// <summary>
/// Draws a network with ScottPlot, to PNG bytes: the input bits, the hidden units and the output as columns of
/// circles, joined by the synapses, blue for positive weights and red for negative, wider for larger magnitudes.
/// Given a trace, each unit shows its activation for that number. A layer of more than
/// <see cref="MaxUnitsAsCircles"/> units would be a hairball: then each weight matrix is drawn as a heatmap.
/// Knows nothing of PowerShell.
/// </summary>
internal static class NetworkDiagram
{
    /// <summary>The widest layer drawn unit by unit.</summary>
    public const int MaxUnitsAsCircles = 64;

    private static readonly Color Positive = Color.FromHex("#1f77b4");
    private static readonly Color Negative = Color.FromHex("#d62728");
    private static readonly Color SupportRing = Color.FromHex("#2ca02c");

    public static bool AsHeatmaps(ParityNetwork network) => network.LayerSizes.Max() > MaxUnitsAsCircles;

    /// <summary>The most heatmap cells across a matrix, either way: more than a picture's pixels could show. A wider
    /// matrix is pooled, each cell the strongest weight (by magnitude, sign kept) of its block, so drawing the widest
    /// network takes as long as drawing a 256-unit one.</summary>
    public const int MaxCellsAcross = 256;

    /// <remarks><paramref name="weightLimit"/>: the weight at the colour scale's ends and the widest synapse (by default each
    /// synapse layer's largest |weight|, and for heatmaps the network's).</remarks>
    public static byte[] RenderPng(ParityNetwork network, NumberTrace? trace, int width, int height, string? title, CancellationToken cancel = default,
        double? weightLimit = null)
    {
        var plot = new Plot();
        plot.HideGrid();
        plot.Axes.Frameless();
        if (AsHeatmaps(network)) DrawHeatmaps(plot, network, cancel, weightLimit);
        else DrawUnits(plot, network, trace, cancel, weightLimit);
        plot.Title(title ?? DefaultTitle(network, trace));
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    internal static string DefaultTitle(ParityNetwork network, NumberTrace? trace)
    {
        string task = network.Support.Count > 0 ? $"{network.Task} (bits {string.Join(", ", network.Support)})" : network.Task.ToString();
        // A sparse network's title names its support instead of its activation (the hidden column's header says it),
        // so that it fits the default width.
        string shape = network.Support.Count > 0 ? $"{string.Join("-", network.LayerSizes)} {task} network"
            : $"{string.Join("-", network.LayerSizes)} {task} network, {network.Activation} hidden units";
        if (AsHeatmaps(network))
            return $"{string.Join("-", network.LayerSizes)} {task} network: its weight matrices, blue positive, red negative";
        return trace is null
            ? $"{shape}: blue synapses positive, red negative, wider = larger"
            : $"{shape}: {trace.Number} ({trace.Bits}) gives p = {trace.Prediction.ToString("0.000", CultureInfo.InvariantCulture)}, expected {trace.Expected}";
    }

    /// <summary>The most synapse lines drawn between two render checkpoints: about 0.2 s at 10000 x 10000 px.</summary>
    private const int LinesPerPiece = 1024;

    private static void DrawUnits(Plot plot, ParityNetwork network, NumberTrace? trace, CancellationToken cancel, double? weightLimit)
    {
        int lines = 0;
        var sizes = network.LayerSizes;
        int tallest = sizes.Max();
        double columnGap = Math.Max(3.0, tallest * 0.45);
        double radius = 0.32;
        double Y(int layer, int unit) => (sizes[layer] - 1) / 2.0 - unit;
        double X(int layer) => layer * columnGap;

        // Synapses first, so that the units sit on top of them.
        for (int l = 0; l < network.Weights.Count; l++)
        {
            var w = network.Weights[l];
            double largest = 0;
            foreach (double v in w.AsSpan()) largest = Math.Max(largest, Math.Abs(v));
            if (largest == 0) largest = 1;
            if (weightLimit is double limit) largest = limit;
            for (int i = 0; i < w.Rows; i++)
                for (int j = 0; j < w.Columns; j++)
                {
                    double value = w[i, j];
                    var line = plot.Add.Line(X(l) + radius, Y(l, i), X(l + 1) - radius, Y(l + 1, j));
                    line.LineWidth = (float)(0.5 + 5.5 * Math.Min(1, Math.Abs(value) / largest));
                    line.LineColor = (value >= 0 ? Positive : Negative).WithAlpha(0.75);
                    if (++lines % LinesPerPiece == 0) RenderCheckpoint.Add(plot, cancel);
                }
        }
        RenderCheckpoint.Add(plot, cancel);

        for (int l = 0; l < sizes.Count; l++)
        {
            double[]? values = trace is null ? null : l == 0 ? trace.Input : trace.Layers[l - 1].Outputs;
            for (int u = 0; u < sizes[l]; u++)
            {
                var circle = plot.Add.Circle(X(l), Y(l, u), radius);
                double a = values is null ? 0 : Math.Clamp(values[u], 0, 1);
                circle.FillColor = values is null ? Colors.White : Mix(Color.FromHex("#f4f4f4"), Color.FromHex("#ffb000"), a);
                // SparseParity's support, the bits the label reads, ringed: a learner sees which inputs should matter.
                bool support = l == 0 && network.Support.Contains(sizes[0] - 1 - u);
                circle.LineColor = support ? SupportRing : Colors.Black;
                circle.LineWidth = support ? 4f : 1.5f;
                if (values is not null)
                {
                    var text = plot.Add.Text(l == 0 ? values[u].ToString("0", CultureInfo.InvariantCulture) : values[u].ToString("0.00", CultureInfo.InvariantCulture), X(l), Y(l, u));
                    text.LabelFontSize = 11;
                    text.LabelAlignment = Alignment.MiddleCenter;
                }
            }
            string name = l == 0 ? (network.Support.Count > 0 ? "l0: the bits (support ringed)" : "l0: the bits") : l == sizes.Count - 1 ? $"l{l}: output" : $"l{l}: {network.Activation}";
            var header = plot.Add.Text(name, X(l), (tallest - 1) / 2.0 + 1.1);
            header.LabelFontSize = 14;
            header.LabelBold = true;
            header.LabelAlignment = Alignment.LowerCenter;
        }
        // The input bits' place values, most significant first.
        for (int p = 0; p < sizes[0]; p++)
        {
            var place = plot.Add.Text($"2^{sizes[0] - 1 - p}", X(0) - radius - 0.15, Y(0, p));
            place.LabelFontSize = 10;
            place.LabelAlignment = Alignment.MiddleRight;
        }
        plot.Axes.SetLimits(X(0) - 2.2, X(sizes.Count - 1) + 1.2, -(tallest - 1) / 2.0 - 1, (tallest - 1) / 2.0 + 2.2);
        plot.Axes.SquareUnits();
    }

    private static Color Mix(Color from, Color to, double t) =>
        new((byte)Math.Round(from.R + (to.R - from.R) * t), (byte)Math.Round(from.G + (to.G - from.G) * t), (byte)Math.Round(from.B + (to.B - from.B) * t));

    private static void DrawHeatmaps(Plot plot, ParityNetwork network, CancellationToken cancel, double? weightLimit)
    {
        double largest = weightLimit ?? network.Weights.Max(w => { cancel.ThrowIfCancellationRequested(); double m = 0; foreach (double v in w.AsSpan()) m = Math.Max(m, Math.Abs(v)); return m; });
        if (largest == 0) largest = 1;
        // Each matrix in a box one unit high, as wide as its shape suggests within limits: rows are the
        // layer's inputs (top to bottom), columns its units (left to right).
        double left = 0;
        ScottPlot.Plottables.Heatmap? any = null;
        foreach (var (w, l) in network.Weights.Select((w, l) => (w, l)))
        {
            // Blocks of rowStep × columnStep weights make one cell; a single row or column is drawn twice over
            // (the heatmap needs two cells across to draw one).
            int rowStep = (w.Rows + MaxCellsAcross - 1) / MaxCellsAcross, columnStep = (w.Columns + MaxCellsAcross - 1) / MaxCellsAcross;
            int blockRows = (w.Rows + rowStep - 1) / rowStep, blockColumns = (w.Columns + columnStep - 1) / columnStep;
            int rows = Math.Max(blockRows, 2), columns = Math.Max(blockColumns, 2);
            var cells = new double[rows, columns];
            for (int i = 0; i < rows; i++)
            {
                cancel.ThrowIfCancellationRequested();
                int bi = Math.Min(i, blockRows - 1);
                for (int j = 0; j < columns; j++)
                {
                    int bj = Math.Min(j, blockColumns - 1);
                    double strongest = 0;
                    for (int r = bi * rowStep; r < Math.Min((bi + 1) * rowStep, w.Rows); r++)
                        for (int c = bj * columnStep; c < Math.Min((bj + 1) * columnStep, w.Columns); c++)
                            if (Math.Abs(w[r, c]) > Math.Abs(strongest)) strongest = w[r, c];
                    cells[i, j] = strongest;
                }
            }
            if (l == 0)
                foreach (int bit in network.Support)
                {
                    // SparseParity's support: a green mark beside its row (row r is input r, most significant first).
                    int block = (w.Rows - 1 - bit) / rowStep;
                    var mark = plot.Add.Text("▶", left - 0.01, 1 - (block + 0.5) / rows);
                    mark.LabelFontColor = SupportRing;
                    mark.LabelFontSize = 12;
                    mark.LabelAlignment = Alignment.MiddleRight;
                }
            var map = plot.Add.Heatmap(cells);
            map.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Balance()); // blue positive, red negative, as the synapses
            map.ManualRange = new ScottPlot.Range(-largest, largest);
            double width = Math.Clamp(w.Columns / (double)w.Rows, 0.2, 3.0);
            map.Rectangle = new CoordinateRect(left, left + width, 0, 1);
            var label = plot.Add.Text($"syn{l}: l{l} → l{l + 1}", left + width / 2, 1.03);
            label.LabelFontSize = 13;
            label.LabelBold = true;
            label.LabelAlignment = Alignment.LowerCenter;
            // Neighbouring captions alternate in height, so that a narrow matrix's caption never runs into the next.
            double captionY = -0.03 - (l % 2) * 0.09;
            string caption = $"{w.Rows} inputs × {w.Columns} units" + (l == 0 && network.Support.Count > 0 ? "; ▶ the support's bits" : "");
            var shape = plot.Add.Text(caption, left + width / 2, captionY);
            shape.LabelFontSize = 11;
            shape.LabelAlignment = Alignment.UpperCenter;
            if (rowStep * columnStep > 1)
            {
                var pooled = plot.Add.Text($"each cell: the strongest of {rowStep} × {columnStep}", left + width / 2, captionY - 0.04);
                pooled.LabelFontSize = 10;
                pooled.LabelAlignment = Alignment.UpperCenter;
            }
            left += width + 0.6;
            any = map;
            RenderCheckpoint.Add(plot, cancel);
        }
        if (any is not null)
        {
            var bar = plot.Add.ColorBar(any);
            bar.Label = "weight";
        }
        plot.Axes.SetLimits(network.Support.Count > 0 ? -0.4 : -0.3, left + 0.2, -0.25, 1.15);
    }
}
