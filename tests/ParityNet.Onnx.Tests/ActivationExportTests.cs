namespace ParityNet.Onnx.Tests;

/// <summary>Tanh and ReLU hidden layers, cross-entropy-trained and wide networks: ONNX Runtime agrees
/// with the engine within 1e-6, the import rebuilds the same network, and the checker accepts the file.</summary>
public class ActivationExportTests
{
    public static TheoryData<Activation, Initialization> Activations => new()
    {
        { Activation.Tanh, Initialization.Xavier },
        { Activation.ReLU, Initialization.He },
        { Activation.Sigmoid, Initialization.Xavier },
    };

    private static ParityNetwork Make(Activation activation, Initialization init) =>
        Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 7, HiddenSizes = new[] { 6, 4 }, Activation = activation, Initialization = init, Seed = 3 }),
            new TrainingOptions { Optimizer = OptimizerKind.Adam, Loss = LossFunction.CrossEntropy, Epochs = 40, BatchSize = 16 });

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationRoundTrips(Activation activation, Initialization init)
    {
        var network = Make(activation, init);
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        var result = OnnxExporter.Export(network, path);
        Assert.Equal(128, result.InputsCompared);
        Assert.InRange(result.MaxAbsDifference, 0, 1e-6);

        var back = OnnxImporter.Import(path);
        Assert.Equal(activation, back.Activation);
        Assert.Equal(init, back.Spec.Initialization);
        Assert.Equal(LossFunction.CrossEntropy, back.History!.LossFunction);
        Assert.Equal(OptimizerKind.Adam, back.History.Settings.Optimizer);
        var all = Nets.All(7);
        var expected = Nets.Managed(network, all);
        var imported = Nets.Managed(back, all);
        for (int i = 0; i < all.Length; i++) Assert.True(Math.Abs(expected[i] - imported[i]) <= 1e-6);
    }

    [OnnxCheckerFact]
    public void TheCheckerAcceptsTanhAndReluGraphs()
    {
        using var folder = new ScratchFolder();
        foreach (var (activation, init) in new[] { (Activation.Tanh, Initialization.Xavier), (Activation.ReLU, Initialization.He) })
        {
            string path = folder.File($"{activation}.onnx");
            OnnxExporter.Export(Make(activation, init), path);
            var (exit, output) = OnnxChecker.Check(path);
            Assert.True(exit == 0, $"onnx.checker rejected the {activation} graph: {output}");
        }
    }

    [Fact]
    public void WideNetworksExportOnASample_AndImport()
    {
        var network = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 40, HiddenSizes = new[] { 4 } }),
            new TrainingOptions { Optimizer = OptimizerKind.Adam, Alpha = 0.05, Epochs = 5, SampleSize = 512 });
        using var folder = new ScratchFolder();
        string path = folder.File("wide.onnx");
        var result = OnnxExporter.Export(network, path);
        Assert.InRange(result.InputsCompared, 10_000, 100_000);
        Assert.InRange(result.MaxAbsDifference, 0, 1e-6);
        var back = OnnxImporter.Import(path);
        Assert.Equal(40, back.Bits);
        long big = (1L << 40) - 12345;
        Assert.True(Math.Abs(back.Predict(big) - network.Predict(big)) <= 1e-6);
    }
}
