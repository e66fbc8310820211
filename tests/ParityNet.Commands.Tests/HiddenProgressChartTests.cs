using ParityNet.Commands;
using ScottPlot;

namespace ParityNet.Commands.Tests;

/// <summary>Issue 28: the chart on a step axis (linear or log) and the hidden-progress view, as a learner reads them:
/// the records where they were taken, every panel and legend entry there, nothing over anything else.</summary>
public class HiddenProgressChartTests
{
    // A small sparse parity in the paper's regime, checked every 100 steps: 2 000 steps, 21 records (steps 0, 100, ...).
    private static NetworkSpec Sparse() => new()
    {
        Bits = 20, HiddenSizes = new[] { 64 }, Task = ParityTask.SparseParity, Relevant = 3, Seed = 5,
        Activation = Activation.ReLU, Initialization = Initialization.PyTorch, SignedInputs = true,
    };

    private static TrainingOptions Regime(int epochs, bool randomLabels = false) => new()
    {
        Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 32, CheckEvery = 100,
        HeldOutSize = 1024, Epochs = epochs, RandomLabels = randomLabels, ReportInterval = TimeSpan.Zero,
    };

    private static readonly Lazy<ParityNetwork> s_start = new(() => ParityNetwork.Create(Sparse()));
    private static readonly Lazy<ChartSeries> s_run = new(() => new("run", Trainer.Train(s_start.Value, Regime(20)).History!));
    private static readonly Lazy<ChartSeries> s_control = new(() => new("control", Trainer.Train(s_start.Value, Regime(10, randomLabels: true)).History!));
    // The lesson's network: no support, no CheckEvery; one full-batch step per epoch.
    private static readonly Lazy<ChartSeries> s_lesson = new(() => new("lesson",
        Trainer.Train(ParityNetwork.Create(new NetworkSpec()), new TrainingOptions { Alpha = 0.5, Epochs = 300, ReportInterval = TimeSpan.Zero }).History!));
    // A history that knows no steps, as one read from an ONNX file.
    private static readonly Lazy<ChartSeries> s_summary = new(() => new("summary",
        TrainingHistory.FromSummary("GradientDescent", new TrainingOptions { Epochs = 300 }, 300, 0.01, 1, TimeSpan.FromSeconds(1), StopReason.EpochsDone)));

    private static ChartSeries[] Pair => new[] { s_run.Value, s_control.Value };

    private static double[] Xs(Plot plot) =>
        plot.PlottableList.OfType<ScottPlot.Plottables.Scatter>().First().Data.GetScatterPoints().Select(c => c.X).ToArray();

    [Fact]
    public void TheDefaultAxis_IsSteps_OnlyWhenEveryRunWasCheckedEverySoManySteps()
    {
        Assert.Equal(100, s_run.Value.History.StepsPerEpoch);
        Assert.Equal(ChartXAxis.Steps, ChartAxis.DefaultUnit(Pair.Select(s => s.History)));
        Assert.Equal(ChartXAxis.Epochs, ChartAxis.DefaultUnit(new[] { s_lesson.Value.History }));
        Assert.Equal(ChartXAxis.Epochs, ChartAxis.DefaultUnit(new[] { s_run.Value.History, s_lesson.Value.History }));
        Assert.Equal(ChartXAxis.Epochs, ChartAxis.DefaultUnit(new[] { s_summary.Value.History }));
    }

    [Fact]
    public void TheStepAxis_PlacesEachRecordAtItsStep_AndEndsAtTheLastStep()
    {
        var history = s_run.Value.History;
        var plot = TrainingChart.Build(new[] { s_run.Value }, null, axis: new ChartAxis(ChartXAxis.Steps));
        plot.GetImageBytes(800, 500, ImageFormat.Png);
        Assert.Equal("step", plot.Axes.Bottom.Label.Text);
        Assert.Equal(history.RecordedSteps.Select(s => (double)s), Xs(plot));
        Assert.Equal(0, plot.Axes.Bottom.Min);
        Assert.Equal(history.RecordedSteps[^1], plot.Axes.Bottom.Max);
        Assert.Equal(2000, history.RecordedSteps[^1]);
        var last = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).MaxBy(t => t.Position);
        Assert.Equal("2,000", last.Label); // in steps, not the 20 "epochs" of 100 steps

        // The same history on the epoch axis, as before steps were recorded.
        var epochs = TrainingChart.Build(new[] { s_run.Value }, null);
        Assert.Equal("epoch", epochs.Axes.Bottom.Label.Text);
        Assert.Equal(history.RecordedEpochs.Select(e => (double)e), Xs(epochs));
    }

    [Fact]
    public void TheLogStepAxis_LeavesOutStep0_AndLabelsStepsNotTheirLogs()
    {
        var history = s_run.Value.History;
        var axis = new ChartAxis(ChartXAxis.Steps, Log: true);
        var (x, first) = axis.Positions(history);
        Assert.Equal(1, first);
        Assert.Equal(history.RecordedSteps.Skip(1).Select(s => Math.Log10(s)), x);
        var plot = TrainingChart.Build(new[] { s_run.Value }, null, axis: axis);
        plot.GetImageBytes(800, 500, ImageFormat.Png);
        Assert.Contains("log scale", plot.Axes.Bottom.Label.Text);
        Assert.Contains("step 0", plot.Axes.Bottom.Label.Text);
        Assert.Equal(2, plot.Axes.Bottom.Min, 12);               // step 100
        Assert.Equal(Math.Log10(2000), plot.Axes.Bottom.Max, 12); // step 2000
        var labels = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.Equal(new[] { "100", "200", "500", "1,000", "2,000" }, labels);
    }

    [Theory]
    [InlineData(700, new[] { "100", "200", "500", "1,000", "2,000", "5,000", "10,000" })]
    [InlineData(160, new[] { "100", "1,000", "10,000" })]
    [InlineData(60, new[] { "100", "10,000" })]
    public void LogTicks_LabelAsManyMultiplesAsHaveRoom(float pixels, string[] expected)
    {
        var ticks = new ChartAxis.LogTicks();
        using var paint = Paint.NewDisposablePaint();
        ticks.Regenerate(new CoordinateRange(2, 4), Edge.Bottom, new PixelLength(pixels), paint, new LabelStyle());
        Assert.Equal(expected, ticks.Ticks.Where(t => t.IsMajor).Select(t => t.Label));
        Assert.Contains(ticks.Ticks, t => !t.IsMajor && Math.Abs(t.Position - Math.Log10(300)) < 1e-12);
    }

    [Fact]
    public void AStepAxis_ForAHistoryWithoutSteps_IsRefused()
    {
        Assert.Null(s_summary.Value.History.StepsPerEpoch);
        var error = Assert.Throws<ArgumentException>(() => new ChartAxis(ChartXAxis.Steps).Positions(s_summary.Value.History));
        Assert.Contains("no steps", error.Message);
        Assert.Throws<ArgumentException>(() => TrainingChart.Build(new[] { s_summary.Value }, null, axis: new ChartAxis(ChartXAxis.Steps, Log: true)));
    }

    [Fact]
    public void HiddenProgress_WithASupport_DrawsThreePanels_TheControlFaded()
    {
        var figure = HiddenProgressChart.Build(Pair, null, new ChartAxis(ChartXAxis.Steps));
        Assert.Equal(3, figure.Panels.Count);
        Assert.NotNull(figure.Weights);
        var hp = s_run.Value.History.HiddenProgress!;
        // Weights: support and other bits, per run; movement: DriftMax, support and control, per run.
        Assert.Equal(4, figure.Weights!.Plot.PlottableList.OfType<ScottPlot.Plottables.Scatter>().Count());
        Assert.Equal(6, figure.Movement.Plot.PlottableList.OfType<ScottPlot.Plottables.Scatter>().Count());
        var keys = figure.Weights.Keys.Select(k => k.Text).ToArray();
        Assert.Equal(new[] { $"from support bits {string.Join(", ", hp.SupportBits)}", "from the 17 other bits" }, keys);
        var movement = figure.Movement.Keys.Select(k => k.Text).ToArray();
        Assert.Contains($"control bits {string.Join(", ", hp.ControlBits)}: the same", movement);
        Assert.Contains("largest change of any one weight (DriftMax)", movement);
        Assert.Equal(new[] { "run", "control" }, figure.Curves.Keys.Select(k => k.Text));
        var (runKey, controlKey) = (figure.Curves.Keys[0], figure.Curves.Keys[1]);
        Assert.Equal(1, runKey.Color.Alpha / 255.0, 2);
        Assert.True(controlKey.Color.Alpha < runKey.Color.Alpha, "the control is faded");
        Assert.NotEqual(runKey.Pattern.Name, controlKey.Pattern.Name);
        Assert.Contains("pull away", figure.Caption);
        Assert.Contains("'control' (-RandomLabels)", figure.Caption);
        Assert.Equal("Hidden progress of 2 runs: run, control", figure.Title);
        // Every panel on the step axis; only the bottom one names it.
        Assert.All(figure.Panels, p => Assert.Equal(2000, p.Plot.Axes.Bottom.Max));
        Assert.Equal(new[] { "", "", "step" }, figure.Panels.Select(p => p.Plot.Axes.Bottom.Label.Text));
        // The support's values are those recorded, at the recorded steps.
        var support = figure.Weights.Plot.PlottableList.OfType<ScottPlot.Plottables.Scatter>().First().Data.GetScatterPoints();
        Assert.Equal(hp.SupportWeightMax, support.Select(c => c.Y));
        Assert.Equal(s_run.Value.History.RecordedSteps.Select(s => (double)s), support.Select(c => c.X));
    }

    [Fact]
    public void HiddenProgress_WithoutASupport_DrawsDriftMaxAlone_AndSaysSo()
    {
        var figure = HiddenProgressChart.Build(new[] { s_lesson.Value }, null, ChartAxis.Epochs);
        Assert.Null(figure.Weights);
        Assert.Equal(2, figure.Panels.Count);
        Assert.Single(figure.Movement.Plot.PlottableList.OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal(new[] { "largest change of any one weight (DriftMax)" }, figure.Movement.Keys.Select(k => k.Text));
        Assert.Contains("no support, so only DriftMax is drawn", figure.Caption);
        Assert.Equal("epoch", figure.Movement.Plot.Axes.Bottom.Label.Text);
    }

    [Fact]
    public void HiddenProgress_RefusesAHistoryWithoutItsMeasures()
    {
        var error = Assert.Throws<ArgumentException>(() => HiddenProgressChart.Build(new[] { s_summary.Value }, null, ChartAxis.Epochs));
        Assert.Contains("'summary' has no hidden-progress measures", error.Message);
    }

    [Theory]
    [InlineData(800, 900, false)] // the view's default
    [InlineData(400, 700, false)]
    [InlineData(1200, 700, true)]
    public void HiddenProgress_NothingOverlaps_AndEverythingIsInThePicture(int width, int height, bool log)
    {
        var drawn = HiddenProgressChart.Render(Pair, width, height, null, new ChartAxis(ChartXAxis.Steps, log));
        Assert.True(drawn.Png.Length > 20_000, $"{drawn.Png.Length} bytes");
        Assert.False(drawn.CaptionLeftOut);
        var inside = new PixelRect(0, width, height, 0);
        // Top to bottom: title, then each panel's plot and its legend, then the caption; nothing reaches into the next.
        var order = new List<(string What, PixelRect Rect)> { ("title", drawn.TitleRect) };
        for (int i = 0; i < drawn.PanelRects.Count; i++)
        {
            order.Add(($"panel {i}", drawn.PanelRects[i]));
            Assert.NotEmpty(drawn.KeyRects[i]);
            order.Add(($"legend {i}", Union(drawn.KeyRects[i])));
        }
        order.Add(("caption", Union(drawn.CaptionRects)));
        foreach (var (what, rect) in order)
        {
            Assert.True(rect.Left >= inside.Left && rect.Right <= inside.Right && rect.Top >= inside.Top && rect.Bottom <= inside.Bottom,
                $"{what} {rect} is not inside the {width}x{height} picture");
        }
        for (int i = 1; i < order.Count; i++)
            Assert.True(order[i - 1].Rect.Bottom <= order[i].Rect.Top, $"{order[i - 1].What} (bottom {order[i - 1].Rect.Bottom}) reaches into {order[i].What} (top {order[i].Rect.Top})");
        // The data areas line up: one step is one column of pixels in every panel.
        Assert.All(drawn.DataRects, r => Assert.Equal(drawn.DataRects[0].Left, r.Left));
        Assert.All(drawn.DataRects, r => Assert.Equal(drawn.DataRects[0].Right, r.Right));
        Assert.All(drawn.DataRects, r => Assert.True(r.Height > 60, $"a data area {r.Height} px high"));
        // Legend entries of a row do not overlap.
        foreach (var keys in drawn.KeyRects)
            for (int a = 0; a < keys.Count; a++)
                for (int b = a + 1; b < keys.Count; b++)
                    Assert.False(Overlap(keys[a], keys[b]), $"legend entries {keys[a]} and {keys[b]} overlap");
    }

    [Fact]
    public void HiddenProgress_InASmallPicture_LeavesTheCaptionOut()
    {
        var drawn = HiddenProgressChart.Render(Pair, 300, 300, null, new ChartAxis(ChartXAxis.Steps));
        Assert.True(drawn.CaptionLeftOut);
        Assert.Empty(drawn.CaptionRects);
    }

    [Fact]
    public void HiddenProgress_IsDrawnTheSameEachTime()
    {
        var a = HiddenProgressChart.Render(Pair, 800, 900, null, new ChartAxis(ChartXAxis.Steps)).Png;
        var b = HiddenProgressChart.Render(Pair, 800, 900, null, new ChartAxis(ChartXAxis.Steps)).Png;
        Assert.Equal(a, b);
    }

    private static PixelRect Union(IReadOnlyList<PixelRect> rects) =>
        new(rects.Min(r => r.Left), rects.Max(r => r.Right), rects.Max(r => r.Bottom), rects.Min(r => r.Top));

    private static bool Overlap(PixelRect a, PixelRect b) =>
        a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;
}
