using ScottPlot;

namespace ParityNet.Commands;

/// <summary>
/// A plottable that draws nothing and takes no room: placed between the others, it ends ScottPlot's render
/// with <see cref="OperationCanceledException"/> once the token is cancelled. A render cannot be stopped from
/// outside, and a large chart or diagram takes minutes to draw, so the pictures are built of pieces a fraction
/// of a second each with a checkpoint between them (Ctrl+C stops within one piece).
/// </summary>
internal sealed class RenderCheckpoint(CancellationToken cancellationToken) : IPlottable
{
    public bool IsVisible { get; set; } = true;

    public IAxes Axes { get; set; } = new Axes();

    public IEnumerable<LegendItem> LegendItems => LegendItem.None;

    public AxisLimits GetAxisLimits() => AxisLimits.NoLimits;

    public void Render(RenderPack rp) => cancellationToken.ThrowIfCancellationRequested();

    /// <summary>Adds a checkpoint to <paramref name="plot"/> (and checks the token now, while the plot is built).</summary>
    public static void Add(Plot plot, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (cancellationToken.CanBeCanceled) plot.Add.Plottable(new RenderCheckpoint(cancellationToken));
    }
}
