using ParityNet.Commands;
using ScottPlot;

namespace ParityNet.Commands.Tests;

/// <summary>The chart as a learner reads it: no negative loss, one zero for both axes, a legend that leaves the
/// data most of the width.</summary>
public class TrainingChartTests
{
    private const int DefaultWidth = 800, DefaultHeight = 500; // Export-TrainingChart's defaults

    // The lesson's alpha sweep (docs/lesson.md): the lesson's network, five learning rates, 400 epochs; the large ones leap and
    // settle, the small one crawls, so the losses span 0 to 0.5 and touch 0.
    private static readonly Lazy<ChartSeries[]> s_sweep = new(() =>
    {
        var start = ParityNetwork.Create(new NetworkSpec { Bits = 8, HiddenSizes = new[] { 4 }, HasBias = false, Seed = 1 });
        return new[] { 0.05, 0.5, 5, 50, 500 }.Select(alpha =>
        {
            var history = Trainer.Train(start, new TrainingOptions { Alpha = alpha, Epochs = 400, ReportInterval = TimeSpan.Zero }).History!;
            return new ChartSeries($"{history.Optimizer} α={alpha}", history); // the cmdlet's default label
        }).ToArray();
    });

    private static Plot Drawn(IReadOnlyList<ChartSeries> series, ChartCurves curves = ChartCurves.Both, bool logLoss = false, bool legend = true)
    {
        var plot = TrainingChart.Build(series, null, curves, logLoss);
        if (!legend)
            foreach (var panel in plot.Axes.GetPanels().Where(p => p is not IAxis && p.Edge == Edge.Bottom).ToArray())
                plot.Axes.Remove(panel); // the legend under the data
        byte[] png = plot.GetImageBytes(DefaultWidth, DefaultHeight, ImageFormat.Png);
        Assert.True(png.Length > 5000);
        return plot;
    }

    [Theory]
    [InlineData(ChartCurves.Both)]
    [InlineData(ChartCurves.Loss)]
    [InlineData(ChartCurves.Accuracy)]
    public void NoAxisShowsANegativeTick_AndZeroIsATick(ChartCurves curves)
    {
        var plot = Drawn(s_sweep.Value, curves);
        foreach (var axis in new IYAxis[] { plot.Axes.Left, plot.Axes.Right }.Where(a => a.TickGenerator.Ticks.Length > 0))
        {
            var majors = axis.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
            Assert.All(majors, t => Assert.True(t.Position >= 0, $"a tick at {t.Position} ('{t.Label}')"));
            Assert.Contains(majors, t => t.Position == 0);
            Assert.DoesNotContain(majors, t => t.Label.StartsWith('-'));
        }
    }

    [Fact]
    public void LossAndAccuracy_ShareTheirZero_AndTheirTop()
    {
        var plot = Drawn(s_sweep.Value);
        var x = plot.Axes.Bottom;
        float lossZero = plot.GetPixel(new Coordinates(0, 0), x, plot.Axes.Left).Y;
        float accuracyZero = plot.GetPixel(new Coordinates(0, 0), x, plot.Axes.Right).Y;
        Assert.InRange(Math.Abs(lossZero - accuracyZero), 0, 0.5);
        // The highest loss is level with 100 % accuracy: both axes give the same room above.
        double highest = TrainingChart.HighestLoss(s_sweep.Value);
        float lossTop = plot.GetPixel(new Coordinates(0, highest), x, plot.Axes.Left).Y;
        float accuracyTop = plot.GetPixel(new Coordinates(0, 1), x, plot.Axes.Right).Y;
        Assert.InRange(Math.Abs(lossTop - accuracyTop), 0, 0.5);
        // Curves at 0 are drawn whole, above the frame's bottom edge.
        Assert.True(lossZero < plot.RenderManager.LastRender.DataRect.Bottom - 5);
    }

    [Fact]
    public void TheLegend_TakesNoWidthFromTheData_AndLessThanAFifthOfTheHeight()
    {
        var withLegend = Drawn(s_sweep.Value).RenderManager.LastRender.DataRect;
        var without = Drawn(s_sweep.Value, legend: false).RenderManager.LastRender.DataRect;
        Assert.Equal(without.Width, withLegend.Width);
        Assert.True(withLegend.Width > DefaultWidth * 0.75f, $"the data have {withLegend.Width} px of {DefaultWidth}");
        Assert.True(without.Height > withLegend.Height, "the legend takes some room");
        Assert.True(without.Height - withLegend.Height < DefaultHeight / 5f, $"the legend takes {without.Height - withLegend.Height} px of {DefaultHeight}");
    }

    [Theory]
    [InlineData(800)]
    [InlineData(400)]
    public void TheTitle_FitsTheWidth(int width)
    {
        var plot = TrainingChart.Build(s_sweep.Value, null); // the default title names all five runs
        using var paint = Paint.NewDisposablePaint();
        Assert.True(plot.Axes.Title.Label.Measure(paint).Width > width, "the default title is wider than the picture before it is fitted");
        TrainingChart.FitTitle(plot, width);
        Assert.True(plot.Axes.Title.Label.Measure(paint).Width <= width - 20);
        Assert.True(plot.Axes.Title.Label.FontSize >= TrainingChart.SmallestTitle);
    }

    [Fact]
    public void OneLegendEntryPerRun()
    {
        var plot = Drawn(s_sweep.Value);
        var entries = plot.PlottableList.OfType<IHasLegendText>().Select(p => p.LegendText).Where(t => !string.IsNullOrEmpty(t)).ToArray();
        Assert.Equal(s_sweep.Value.Select(s => s.Label), entries);
    }

    [Fact]
    public void TheEpochAxis_StartsAtTheFirstRecordedEpoch()
    {
        var plot = Drawn(s_sweep.Value);
        Assert.All(plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor), t => Assert.True(t.Position >= 0, $"an epoch tick at {t.Position}"));
        Assert.Equal(s_sweep.Value.Min(s => s.History.RecordedEpochs[0]), plot.Axes.Bottom.Min);
    }

    [Theory]
    [InlineData(0, -0.05, 1.05)]
    [InlineData(double.NaN, -0.05, 1.05)]
    [InlineData(0.5, -0.025, 0.525)]
    public void Limits_LeaveTheSameFractionOfRoomBelowZeroAndAboveTheTop(double highest, double bottom, double top)
    {
        var (b, t) = TrainingChart.Limits(highest);
        Assert.Equal(bottom, b, 12);
        Assert.Equal(top, t, 12);
    }
}
