namespace ParityNet.Commands.Tests;

/// <summary>Issue 28: a sparse-parity network's diagram rings its support, the input bits its label reads, and names
/// them in its title; other networks' diagrams are drawn as before (tests/pester/Pictures.Tests.ps1 holds the docs'
/// pictures to the byte).</summary>
public class NetworkDiagramTests
{
    [Fact]
    public void ASparseNetwork_IsDrawnWithItsSupportRinged_AndNamedInTheTitle()
    {
        var sparseSpec = new NetworkSpec { Bits = 6, HiddenSizes = new[] { 4 }, Task = ParityTask.SparseParity, Support = new[] { 0, 4 }, Seed = 3 };
        var sparse = ParityNetwork.Create(sparseSpec);
        var parity = ParityNetwork.Create(sparseSpec with { Task = ParityTask.BitParity, Support = null });
        Assert.Equal(parity.Weights[0].AsSpan().ToArray(), sparse.Weights[0].AsSpan().ToArray()); // the same weights

        byte[] sparsePng = NetworkDiagram.RenderPng(sparse, null, 400, 300, title: "same title");
        byte[] parityPng = NetworkDiagram.RenderPng(parity, null, 400, 300, title: "same title");
        Assert.NotEqual(parityPng, sparsePng); // only the rings and the column's name differ

        // The default title names the support.
        Assert.Contains("6-4-1 SparseParity (bits 0, 4) network", NetworkDiagram.DefaultTitle(sparse, null));
        Assert.Contains("6-4-1 BitParity network", NetworkDiagram.DefaultTitle(parity, null));
        byte[] titled = NetworkDiagram.RenderPng(sparse, null, 400, 300, title: null);
        Assert.NotEqual(sparsePng, titled);
        Assert.Equal(NetworkDiagram.RenderPng(sparse, null, 400, 300, title: null), titled); // drawn the same way twice
    }

    [Fact]
    public void AWideSparseNetwork_DrawnAsHeatmaps_MarksItsSupportRows()
    {
        var spec = new NetworkSpec { Bits = 20, HiddenSizes = new[] { 128 }, Task = ParityTask.SparseParity, Relevant = 3, Seed = 1 };
        var sparse = ParityNetwork.Create(spec);
        var parity = ParityNetwork.Create(spec with { Task = ParityTask.BitParity, Relevant = null });
        Assert.True(NetworkDiagram.AsHeatmaps(sparse));
        Assert.NotEqual(NetworkDiagram.RenderPng(parity, null, 500, 350, title: "t"), NetworkDiagram.RenderPng(sparse, null, 500, 350, title: "t"));
        Assert.Contains($"SparseParity (bits {string.Join(", ", sparse.Support)}) network: its weight matrices", NetworkDiagram.DefaultTitle(sparse, null));
    }
}
