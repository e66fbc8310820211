using ScottPlot;
using SkiaSharp;

namespace ParityNet.Commands;

/// <summary>
/// Export-TrainingChart -Show HiddenProgress (issue 28; Barak et al. 2022, "Hidden Progress in Deep Learning"): panels
/// stacked on one horizontal axis, so that a learner sees the first layer change before the loss does. Above, the loss
/// and accuracy; below, the largest weight from the support bits against the other bits; at the bottom, how far the
/// first layer has moved: on the support, on as many control bits, and the largest change of any weight (DriftMax).
/// Colour says what is measured (orange the support, blue bits that do not matter), the line says which run (solid,
/// dashed, ...), and a random-label control is faded. Knows nothing of PowerShell.
/// </summary>
internal static class HiddenProgressChart
{
    // Category10, the palette of the other charts: orange, blue, grey, green, and near-black for the loss.
    internal static readonly Color Support = Color.FromHex("#ff7f0e");
    internal static readonly Color Others = Color.FromHex("#1f77b4");
    internal static readonly Color Drift = Color.FromHex("#7f7f7f");
    internal static readonly Color AccuracyColor = Color.FromHex("#2ca02c");
    internal static readonly Color LossColor = Color.FromHex("#222222");
    // The runs' legend shows only their lines' pattern and fading, in a colour no curve has.
    private static readonly Color RunColor = Color.FromHex("#555555");

    /// <summary>How much of a random-label control's colour is kept: it is there to compare with, not to read first.</summary>
    internal const double ControlOpacity = 0.45;

    private static readonly LinePattern[] s_patterns = { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };

    /// <summary>The default height of this view, taller than the other charts' 500 px: it stacks three panels.</summary>
    public const int DefaultHeight = 900;

    /// <summary>Room around the title and the caption, in pixels.</summary>
    internal const float Pad = 10;

    /// <summary>The axes' names' font size.</summary>
    internal const float AxisFont = 14;

    /// <summary>The caption's font size; the ticks' are ScottPlot's defaults.</summary>
    internal const float CaptionFont = 14;

    /// <summary>The legends' font size.</summary>
    internal const float KeyFont = 12;

    /// <summary>One entry of a panel's legend: a piece of line as the curves are drawn, and what it stands for.</summary>
    internal sealed record Key(string Text, Color Color, LinePattern Pattern, float Width);

    /// <summary>One panel: its plot, and the legend drawn under it.</summary>
    internal sealed record Panel(Plot Plot, IReadOnlyList<Key> Keys);

    /// <summary>The figure before it is drawn: its title, its panels top to bottom, and the caption that says what to look for.</summary>
    internal sealed record Figure(string Title, Panel Curves, Panel? Weights, Panel Movement, string Caption)
    {
        public IReadOnlyList<Panel> Panels => Weights is null ? new[] { Curves, Movement } : new[] { Curves, Weights, Movement };
    }

    /// <summary>Where the figure's parts were drawn, in pixels of the image: the title, each panel's plot and data area,
    /// each legend entry (sample and text), each caption line.</summary>
    internal sealed record Drawn(byte[] Png, PixelRect TitleRect, IReadOnlyList<PixelRect> PanelRects, IReadOnlyList<PixelRect> DataRects,
        IReadOnlyList<IReadOnlyList<PixelRect>> KeyRects, IReadOnlyList<PixelRect> CaptionRects, IReadOnlyList<string> CaptionLines)
    {
        /// <summary>Whether the caption was left out: the picture was too small for it and the panels.</summary>
        public bool CaptionLeftOut => CaptionLines.Count == 0;
    }

    /// <summary>The least height of a panel's plot before the caption is left out to make room.</summary>
    internal const float LeastPlotHeight = 100;

    public static Drawn Render(IReadOnlyList<ChartSeries> series, int width, int height, string? title, ChartAxis axis,
        bool logLoss = false, CancellationToken cancel = default) =>
        Draw(Build(series, title, axis, logLoss, cancel), width, height);

    /// <summary>The run's line: solid, dashed, dotted, densely dashed in turn; faded and thinner for a random-label control.</summary>
    internal static (LinePattern Pattern, double Opacity, float Width) RunStyle(IReadOnlyList<ChartSeries> series, int i) =>
        series[i].History.Settings.RandomLabels
            ? (s_patterns[i % s_patterns.Length], ControlOpacity, 1.5f)
            : (s_patterns[i % s_patterns.Length], 1, 2);

    /// <summary>The panels, built (not yet drawn).</summary>
    /// <exception cref="ArgumentException">a history has no hidden-progress measures, or no steps for a step axis.</exception>
    internal static Figure Build(IReadOnlyList<ChartSeries> series, string? title, ChartAxis axis, bool logLoss = false, CancellationToken cancel = default)
    {
        foreach (var s in series)
            if (s.History.HiddenProgress is null) throw new ArgumentException($"the run '{s.Label}' has no hidden-progress measures.", nameof(series));
        bool anySupport = series.Any(s => HasSupport(s.History));
        var curves = CurvesPanel(series, axis, logLoss, cancel);
        var weights = anySupport ? WeightsPanel(series, axis, cancel) : null;
        var movement = MovementPanel(series, axis, anySupport, cancel);
        foreach (var panel in new[] { curves, weights, movement })
            if (panel is not null)
            {
                axis.Apply(panel.Plot, series);
                panel.Plot.XLabel("");
                if (panel.Plot.Axes.Bottom is ScottPlot.AxisPanels.BottomAxis bottom) bottom.EmptyLabelPadding = new PixelPadding(0);
                // Axis names a little smaller than a single chart's: a panel is shorter than its name might be.
                foreach (var named in new IAxis[] { panel.Plot.Axes.Left, panel.Plot.Axes.Right, panel.Plot.Axes.Bottom }) named.Label.FontSize = AxisFont;
            }
        axis.Apply(movement.Plot, series); // only the bottom panel names the axis: they share it
        return new Figure(title ?? TrainingChart.DefaultTitle(series, ChartCurves.HiddenProgress), curves, weights, movement, Caption(series, anySupport));
    }

    private static bool HasSupport(TrainingHistory h) => h.HiddenProgress is { SupportBits.Count: > 0 };

    private static Panel CurvesPanel(IReadOnlyList<ChartSeries> series, ChartAxis axis, bool logLoss, CancellationToken cancel)
    {
        var plot = new Plot();
        // The axes' names, in their curves' colours, say which is the loss and which the accuracy; the legend names the runs.
        var items = new List<Key>();
        for (int i = 0; i < series.Count; i++)
        {
            var history = series[i].History;
            var (x, from) = axis.Positions(history);
            var style = RunStyle(series, i);
            double[] loss = logLoss ? TrainingChart.LogLoss(history.Loss.Skip(from)) : history.Loss.Skip(from).ToArray();
            Draw(plot, x, loss, LossColor, style, plot.Axes.Left, cancel);
            Draw(plot, x, history.Accuracy.Skip(from).ToArray(), AccuracyColor, style, plot.Axes.Right, cancel);
            items.Add(Item(series[i].Label, RunColor, style.Pattern, style.Opacity, style.Width));
        }
        // The loss's name and scale in the title, which has the width for them: an axis name longer than the panel is high is cut.
        string lossName = string.Join(", ", series.Select(s => s.History.LossFunction).Distinct()) + (logLoss ? ", log scale" : "");
        plot.Title($"{(series.All(s => s.History.Sampled) ? "Held-out loss" : "Loss")} ({lossName}) and accuracy", size: 14);
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Left.Label.ForeColor = LossColor;
        if (logLoss) plot.Axes.Left.TickGenerator = TrainingChart.LogLossTicks();
        else
        {
            var (bottom, top) = TrainingChart.Limits(TrainingChart.HighestLoss(series));
            plot.Axes.SetLimitsY(bottom, top, plot.Axes.Left);
            plot.Axes.Left.TickGenerator = new TrainingChart.NonNegativeTicks();
        }
        plot.Axes.Right.Label.Text = "accuracy";
        plot.Axes.Right.Label.ForeColor = AccuracyColor;
        var (low, high) = TrainingChart.Limits(1);
        plot.Axes.SetLimitsY(low, high, plot.Axes.Right);
        plot.Axes.Right.TickGenerator = new TrainingChart.NonNegativeTicks();
        return new Panel(plot, items);
    }

    private static Panel WeightsPanel(IReadOnlyList<ChartSeries> series, ChartAxis axis, CancellationToken cancel)
    {
        var plot = new Plot();
        double highest = 0;
        for (int i = 0; i < series.Count; i++)
        {
            var history = series[i].History;
            if (!HasSupport(history)) continue;
            var hp = history.HiddenProgress!;
            var (x, from) = axis.Positions(history);
            var style = RunStyle(series, i);
            Draw(plot, x, hp.SupportWeightMax.Skip(from).ToArray(), Support, style, plot.Axes.Left, cancel);
            Draw(plot, x, hp.OtherWeightMax.Skip(from).ToArray(), Others, style, plot.Axes.Left, cancel);
            highest = Math.Max(highest, Math.Max(hp.SupportWeightMax.Skip(from).DefaultIfEmpty().Max(), hp.OtherWeightMax.Skip(from).DefaultIfEmpty().Max()));
        }
        plot.Title("Largest weight from an input bit into the hidden layer", size: 14);
        plot.Axes.Left.Label.Text = "largest |w|";
        Zeroed(plot, highest);
        string support = Bits(series, h => h.SupportBits) is { } bits ? $"support bits {bits}" : "the support bits";
        string others = OtherCount(series) is int n ? $"the {n} other bits" : "the other bits";
        return new Panel(plot, new[] { Item($"from {support}", Support), Item($"from {others}", Others) });
    }

    private static Panel MovementPanel(IReadOnlyList<ChartSeries> series, ChartAxis axis, bool anySupport, CancellationToken cancel)
    {
        var plot = new Plot();
        double highest = 0;
        for (int i = 0; i < series.Count; i++)
        {
            var history = series[i].History;
            var hp = history.HiddenProgress!;
            var (x, from) = axis.Positions(history);
            var style = RunStyle(series, i);
            var lists = new List<(IReadOnlyList<double> Values, Color Color)> { (hp.DriftMax, Drift) };
            if (HasSupport(history))
            {
                lists.Add((hp.SupportMovement, Support));
                if (hp.ControlMovement.Count > 0) lists.Add((hp.ControlMovement, Others));
            }
            foreach (var (values, color) in lists)
            {
                double[] y = values.Skip(from).ToArray();
                Draw(plot, x, y, color, style, plot.Axes.Left, cancel);
                highest = Math.Max(highest, y.DefaultIfEmpty().Max());
            }
        }
        plot.Title("How far the first layer has moved from where it started", size: 14);
        plot.Axes.Left.Label.Text = "distance";
        Zeroed(plot, highest);
        var items = new List<Key>();
        if (anySupport)
        {
            items.Add(Item("support bits: largest move of a hidden unit's weights", Support));
            if (series.Any(s => s.History.HiddenProgress is { ControlMovement.Count: > 0 }))
            {
                string control = Bits(series, h => h.ControlBits) is { } bits ? $"control bits {bits}" : "as many other bits";
                items.Add(Item($"{control}: the same", Others));
            }
        }
        items.Add(Item("largest change of any one weight (DriftMax)", Drift));
        return new Panel(plot, items);
    }

    /// <summary>What to look for, in words a newcomer reads under the picture.</summary>
    internal static string Caption(IReadOnlyList<ChartSeries> series, bool anySupport)
    {
        var parts = new List<string>();
        var controls = series.Where(s => s.History.Settings.RandomLabels).Select(s => $"'{s.Label}'").ToArray();
        if (anySupport)
        {
            parts.Add("What to look for: the orange curves (the support, the bits the label depends on) pull away from the blue ones "
                + "(bits it does not depend on) before the loss drops and the accuracy leaves 50 %: progress the loss does not show yet.");
            if (controls.Length > 0)
                parts.Add($"Faded: {string.Join(", ", controls)} (-RandomLabels), a control with nothing to find: its orange and blue stay together.");
            var without = series.Where(s => !HasSupport(s.History)).Select(s => $"'{s.Label}'").ToArray();
            if (without.Length > 0)
                parts.Add($"{string.Join(", ", without)} {(without.Length == 1 ? "has" : "have")} no support (only a SparseParity task has one): only DriftMax is drawn for {(without.Length == 1 ? "it" : "them")}.");
        }
        else
        {
            parts.Add($"{(series.Count == 1 ? "This run has" : "These runs have")} no support, so only DriftMax is drawn below: the largest change "
                + "of any first-layer weight since the start. The measures that show hidden progress, the support's weights against the others', "
                + "need a SparseParity task (New-ParityNetwork -Task SparseParity -Relevant 3).");
            if (controls.Length > 0)
                parts.Add($"Faded: {string.Join(", ", controls)} (-RandomLabels), a control with nothing to find.");
        }
        return string.Join(" ", parts);
    }

    // The bits of every run that has them, when all runs share them ("18, 25, 32"); null when they differ or there are none.
    private static string? Bits(IReadOnlyList<ChartSeries> series, Func<HiddenProgress, IReadOnlyList<int>> pick)
    {
        var lists = series.Where(s => HasSupport(s.History)).Select(s => string.Join(", ", pick(s.History.HiddenProgress!))).Distinct().ToArray();
        return lists.Length == 1 && lists[0].Length > 0 ? lists[0] : null;
    }

    // How many inputs are off the support, when every run with a support has the same count.
    private static int? OtherCount(IReadOnlyList<ChartSeries> series)
    {
        var counts = series.Where(s => HasSupport(s.History))
            .Select(s => s.History.Owner is { } net ? net.Bits - s.History.HiddenProgress!.SupportBits.Count : -1).Distinct().ToArray();
        return counts.Length == 1 && counts[0] > 0 ? counts[0] : null;
    }

    private static void Zeroed(Plot plot, double highest)
    {
        var (bottom, top) = TrainingChart.Limits(highest);
        plot.Axes.SetLimitsY(bottom, top, plot.Axes.Left);
        plot.Axes.Left.TickGenerator = new TrainingChart.NonNegativeTicks();
    }

    private static void Draw(Plot plot, double[] x, double[] y, Color color, (LinePattern Pattern, double Opacity, float Width) style, IYAxis yAxis, CancellationToken cancel)
    {
        if (x.Length == 0) return;
        foreach (var (line, _) in TrainingChart.Pieces(plot, x, y, cancel))
        {
            line.Color = color.WithOpacity(style.Opacity);
            line.LineWidth = style.Width;
            line.LinePattern = style.Pattern;
            line.Axes.YAxis = yAxis;
        }
    }

    private static Key Item(string text, Color color, LinePattern? pattern = null, double opacity = 1, float width = 2) =>
        new(text, color.WithOpacity(opacity), pattern ?? LinePattern.Solid, width);

    /// <summary>Draws the figure: the title across the top; the panels stacked, their data areas aligned (same left and
    /// right edge, so that one step is one column of pixels in all of them), each with its legend under it, wrapped onto
    /// as many rows as it needs (never over the data, never cut); the caption wrapped under them.</summary>
    internal static Drawn Draw(Figure figure, int width, int height)
    {
        using var paint = Paint.NewDisposablePaint();
        float room = Math.Max(1, width - 2 * Pad);
        var title = new LabelStyle { Text = figure.Title, FontSize = 16, Bold = true, Alignment = Alignment.UpperCenter };
        TrainingChart.FitText(title, room);
        float titleHeight = title.Measure(paint).Height + 2 * Pad;

        var caption = new LabelStyle { FontSize = CaptionFont, Alignment = Alignment.UpperLeft };
        var lines = Wrap(figure.Caption, caption, paint, room);
        float lineHeight = caption.Measure("Ag", paint).Height;
        float captionHeight = lines.Count * lineHeight + 2 * Pad;

        var keyStyle = new LabelStyle { FontSize = KeyFont, Alignment = Alignment.MiddleLeft };
        float keyHeight = keyStyle.Measure("Ag", paint).Height + 4;
        var panels = figure.Panels;
        var keyRows = panels.Select(p => KeyRows(p.Keys, keyStyle, paint, room)).ToArray();
        var legendRoom = keyRows.Select(rows => rows.Count * keyHeight + Pad).ToArray();
        float legends = legendRoom.Sum();

        // What is left is shared by the plots; in a small picture the caption makes way for them.
        if (height - titleHeight - captionHeight - legends < panels.Count * LeastPlotHeight)
        {
            lines.Clear();
            captionHeight = 0;
        }
        float plots = Math.Max(panels.Count, height - titleHeight - captionHeight - legends);
        foreach (var panel in panels) TrainingChart.FitTitle(panel.Plot, width);
        var plotsOnly = panels.Select(p => p.Plot).ToArray();
        // First shared evenly; then so that the data areas are of one height, the bottom plot's axis name and a plot's
        // title taken from its own share.
        var rects = Stack(new float[panels.Count], plots, titleHeight, legendRoom, width);
        var around = Align(plotsOnly, rects, width);
        rects = Stack(around.Select(m => m.Top + m.Bottom).ToArray(), plots, titleHeight, legendRoom, width);
        Align(plotsOnly, rects, width);

        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException($"cannot make a {width}x{height} image.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var dataRects = new PixelRect[panels.Count];
        var keyRects = new List<IReadOnlyList<PixelRect>>();
        for (int i = 0; i < panels.Count; i++)
        {
            // Each plot on an image of its own, then placed: ScottPlot clears the whole canvas it draws on.
            var plot = panels[i].Plot;
            int plotHeight = Math.Max(1, (int)rects[i].Height);
            using (var own = SKSurface.Create(new SKImageInfo(width, plotHeight)) ?? throw new InvalidOperationException($"cannot make a {width}x{plotHeight} image."))
            {
                plot.Render(own);
                using var drawn = own.Snapshot();
                canvas.DrawImage(drawn, 0, rects[i].Top);
            }
            var local = plot.RenderManager.LastRender.DataRect;
            dataRects[i] = new PixelRect(local.Left, local.Right, local.Bottom + rects[i].Top, local.Top + rects[i].Top);
            keyRects.Add(DrawKeys(canvas, paint, keyRows[i], keyStyle, width, rects[i].Bottom + Pad / 2, keyHeight));
        }
        title.Render(canvas, new Pixel(width / 2f, Pad), paint);
        var titleRect = title.LastRenderPixelRect;
        var captionRects = new List<PixelRect>();
        float y = height - captionHeight + Pad;
        foreach (string line in lines)
        {
            caption.Text = line;
            caption.Render(canvas, new Pixel(Pad, y), paint);
            captionRects.Add(caption.LastRenderPixelRect);
            y += lineHeight;
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Drawn(png.ToArray(), titleRect, rects, dataRects, keyRects, captionRects, lines);
    }

    /// <summary>The plots' places, top to bottom from <paramref name="top"/>, each followed by its legend's room: of
    /// <paramref name="room"/> pixels, each plot gets its <paramref name="around"/> (the room its axes and title take)
    /// and an equal share of the rest, for its data.</summary>
    private static PixelRect[] Stack(float[] around, float room, float top, float[] legends, int width)
    {
        float data = Math.Max(1, (room - around.Sum()) / around.Length);
        var rects = new PixelRect[around.Length];
        float y = top;
        for (int i = 0; i < around.Length; i++)
        {
            rects[i] = new PixelRect(0, width, MathF.Round(y + around[i] + data), MathF.Round(y));
            y += around[i] + data + legends[i];
        }
        return rects;
    }

    /// <summary>Lines the plots' data areas up: each says how much room its axes and title need around its data, and all
    /// are given the widest left and right margins (repeated while that changes what a plot needs: new ticks). Returns
    /// the room each takes around its data.</summary>
    private static PixelPadding[] Align(Plot[] plots, PixelRect[] rects, int width)
    {
        var margins = new PixelPadding[plots.Length];
        for (int i = 0; i < plots.Length; i++)
        {
            plots[i].Layout.Default();
            plots[i].RenderInMemory(width, Math.Max(1, (int)rects[i].Height));
            margins[i] = Needs(plots[i].RenderManager.LastRender);
        }
        float left = margins.Max(m => m.Left), right = margins.Max(m => m.Right);
        for (int round = 0; round < 4; round++)
        {
            bool enough = true;
            for (int i = 0; i < plots.Length; i++)
            {
                plots[i].Layout.Fixed(new PixelPadding(left, right, margins[i].Bottom, margins[i].Top));
                plots[i].RenderInMemory(width, Math.Max(1, (int)rects[i].Height));
                var need = Needs(plots[i].RenderManager.LastRender);
                if (need.Left > left || need.Right > right || need.Bottom > margins[i].Bottom || need.Top > margins[i].Top) enough = false;
                left = Math.Max(left, need.Left);
                right = Math.Max(right, need.Right);
                margins[i] = new PixelPadding(left, right, Math.Max(need.Bottom, margins[i].Bottom), Math.Max(need.Top, margins[i].Top));
            }
            if (enough) break;
        }
        for (int i = 0; i < plots.Length; i++)
            plots[i].Layout.Fixed(new PixelPadding(left, right, margins[i].Bottom, margins[i].Top));
        return margins;
    }

    /// <summary>The legend's entries in rows at most <paramref name="room"/> pixels wide; an entry wider than that alone
    /// on its row, its text cut with an ellipsis.</summary>
    internal static List<List<Key>> KeyRows(IReadOnlyList<Key> keys, LabelStyle style, Paint paint, float room)
    {
        var rows = new List<List<Key>>();
        float used = 0;
        foreach (var key in keys)
        {
            var fitted = key;
            while (fitted.Text.Length > 1 && KeyWidth(fitted, style, paint) > room) fitted = fitted with { Text = fitted.Text[..^2].TrimEnd() + "…" };
            float wide = KeyWidth(fitted, style, paint);
            if (rows.Count == 0 || used + KeyGap + wide > room) { rows.Add(new List<Key>()); used = -KeyGap; }
            rows[^1].Add(fitted);
            used += KeyGap + wide;
        }
        return rows;
    }

    private const float KeySample = 28, KeySampleGap = 6, KeyGap = 18;

    private static float KeyWidth(Key key, LabelStyle style, Paint paint) => KeySample + KeySampleGap + style.Measure(key.Text, paint).Width;

    // Each row centred; returns where each entry (its sample and text) was drawn.
    private static List<PixelRect> DrawKeys(SKCanvas canvas, Paint paint, List<List<Key>> rows, LabelStyle style, int width, float top, float rowHeight)
    {
        var drawn = new List<PixelRect>();
        foreach (var row in rows)
        {
            float total = row.Sum(k => KeyWidth(k, style, paint)) + KeyGap * (row.Count - 1);
            float x = Math.Max(Pad, (width - total) / 2), middle = top + rowHeight / 2;
            foreach (var key in row)
            {
                Drawing.DrawLine(canvas, paint, new Pixel(x, middle), new Pixel(x + KeySample, middle), key.Color, key.Width, true, key.Pattern);
                style.Text = key.Text;
                style.Render(canvas, new Pixel(x + KeySample + KeySampleGap, middle), paint);
                var text = style.LastRenderPixelRect;
                drawn.Add(new PixelRect(x, text.Right, Math.Max(middle + key.Width, text.Bottom), Math.Min(middle - key.Width, text.Top)));
                x += KeyWidth(key, style, paint) + KeyGap;
            }
            top += rowHeight;
        }
        return drawn;
    }

    /// <summary>The room a drawn panel's axes, title and legend take on each side of its data: on each edge, the
    /// farthest that any of its panels reaches from the data area.</summary>
    internal static PixelPadding Needs(RenderDetails drawn)
    {
        float Edge(Edge edge) => drawn.Layout.PanelSizes.Where(p => p.Key.Edge == edge && p.Key.IsVisible)
            .Select(p => drawn.Layout.PanelOffsets[p.Key] + p.Value).DefaultIfEmpty(0).Max();
        return new PixelPadding(Edge(ScottPlot.Edge.Left), Edge(ScottPlot.Edge.Right), Edge(ScottPlot.Edge.Bottom), Edge(ScottPlot.Edge.Top));
    }

    /// <summary>The words of <paramref name="text"/> in lines at most <paramref name="room"/> pixels wide (a word wider
    /// than that alone on its line, cut with an ellipsis).</summary>
    internal static List<string> Wrap(string text, LabelStyle style, Paint paint, float room)
    {
        var lines = new List<string>();
        string line = "";
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string longer = line.Length == 0 ? word : $"{line} {word}";
            if (line.Length > 0 && style.Measure(longer, paint).Width > room)
            {
                lines.Add(line);
                line = word;
            }
            else line = longer;
        }
        if (line.Length > 0) lines.Add(line);
        for (int i = 0; i < lines.Count; i++)
            while (lines[i].Length > 1 && style.Measure(lines[i], paint).Width > room) lines[i] = lines[i][..^2].TrimEnd() + "…";
        return lines;
    }
}
