using System.Reflection;
using ParityNet.Onnx.Proto;

namespace ParityNet.Onnx.Tests;

/// <summary>The written model's fields, its metadata round trip, and the independent checker.</summary>
public class ModelFormatTests
{
    private static ModelProto Written(ParityNetwork network, ScratchFolder folder)
    {
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network, path);
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
    }

    [Fact]
    public void TheModelHasThePinnedVersionsNamesAndShapes()
    {
        using var folder = new ScratchFolder();
        var model = Written(Nets.Make(8, new[] { 4 }, true, 100), folder);

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("ParityNet", model.ProducerName);
        string version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.Equal(version, model.ProducerVersion);
        Assert.False(string.IsNullOrWhiteSpace(model.DocString));

        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("bits", input.Name);
        Assert.Equal(1, input.Type.TensorType.ElemType);
        Assert.Equal("N", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(8, input.Type.TensorType.Shape.Dim[1].DimValue);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("probability", output.Name);
        Assert.Equal("N", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(1, output.Type.TensorType.Shape.Dim[1].DimValue);

        Assert.Equal(new[] { "MatMul", "Add", "Sigmoid", "MatMul", "Add", "Sigmoid" }, model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(new[] { "layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias" }, model.Graph.Initializer.Select(t => t.Name));
        Assert.All(model.Graph.Initializer, t => Assert.Equal(1, t.DataType));
        Assert.Equal(new long[] { 8, 4 }, model.Graph.Initializer[0].Dims);
        Assert.Equal(new long[] { 4 }, model.Graph.Initializer[1].Dims);
    }

    [Fact]
    public void WithoutBiasThereIsNoAdd()
    {
        using var folder = new ScratchFolder();
        var model = Written(Nets.Make(4, new[] { 3, 2 }, false, 10), folder);
        Assert.Equal(new[] { "MatMul", "Sigmoid", "MatMul", "Sigmoid", "MatMul", "Sigmoid" }, model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(new[] { "layer0.weight", "layer1.weight", "layer2.weight" }, model.Graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void MetadataHoldsWhatRebuildsTheNetwork()
    {
        using var folder = new ScratchFolder();
        var network = Trainer.Train(
            ParityNetwork.Create(new NetworkSpec { Bits = 5, HiddenSizes = new[] { 6, 3 }, Task = ParityTask.BitParity, HasBias = true, Seed = 42 }),
            new TrainingOptions { Alpha = 0.75, Epochs = 300, TargetAccuracy = 0.99 });
        var meta = Written(network, folder).MetadataProps.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("BitParity", meta["paritynet.task"]);
        Assert.Equal("5", meta["paritynet.bits"]);
        Assert.Equal("5,6,3,1", meta["paritynet.layer_sizes"]);
        Assert.Equal("Sigmoid", meta["paritynet.activation"]);
        Assert.Equal("true", meta["paritynet.has_bias"]);
        Assert.Equal("42", meta["paritynet.seed"]);
        Assert.Equal("true", meta["paritynet.trained"]);
        Assert.Equal("0.75", meta["paritynet.training.alpha"]);
        Assert.Equal("300", meta["paritynet.training.epochs_requested"]);
        Assert.Equal(network.History!.EpochsRun.ToString(), meta["paritynet.training.epochs_run"]);
        Assert.Equal(network.History.StopReason.ToString(), meta["paritynet.training.stop_reason"]);
    }

    [Fact]
    public void ImportRebuildsTheNetworkAndItsTrainingSummary()
    {
        using var folder = new ScratchFolder();
        var network = Trainer.Train(
            ParityNetwork.Create(new NetworkSpec { Bits = 6, HiddenSizes = new[] { 5, 4 }, Task = ParityTask.BitParity, HasBias = true, Seed = 9 }),
            new TrainingOptions { Alpha = 2, Epochs = 400, TargetLoss = 0.001 });
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network, path);

        var back = OnnxImporter.Import(path);
        Assert.Equal(network.Spec.Task, back.Task);
        Assert.Equal(network.Bits, back.Bits);
        Assert.Equal(network.LayerSizes, back.LayerSizes);
        Assert.Equal(network.HasBias, back.HasBias);
        Assert.Equal(network.Seed, back.Seed);
        Assert.Equal(network.Activation, back.Activation);
        for (int l = 0; l < network.Weights.Count; l++)
        {
            // The file holds float32: each weight comes back as its float32 rounding, exactly.
            Assert.Equal(network.Weights[l].AsSpan().ToArray().Select(w => (double)(float)w), back.Weights[l].AsSpan().ToArray());
            Assert.Equal(network.Biases[l].Select(b => (double)(float)b), back.Biases[l]);
        }
        var h = network.History!;
        var hb = back.History!;
        Assert.Equal(h.Optimizer, hb.Optimizer);
        Assert.Equal(h.Alpha, hb.Alpha);
        Assert.Equal(h.EpochsRequested, hb.EpochsRequested);
        Assert.Equal(h.EpochsRun, hb.EpochsRun);
        Assert.Equal(h.TargetAccuracy, hb.TargetAccuracy);
        Assert.Equal(h.TargetLoss, hb.TargetLoss);
        Assert.Equal(h.FinalLoss, hb.FinalLoss);
        Assert.Equal(h.FinalAccuracy, hb.FinalAccuracy);
        Assert.Equal(h.StopReason, hb.StopReason);
        Assert.Equal(h.WallTime.TotalMilliseconds, hb.WallTime.TotalMilliseconds, tolerance: 1e-3); // a tick either way: the text and TimeSpan round differently
        Assert.Equal(new[] { h.EpochsRun }, hb.RecordedEpochs);

        var all = Nets.All(6);
        var before = Nets.Managed(network, all);
        var after = Nets.Managed(back, all);
        for (int i = 0; i < all.Length; i++) Assert.True(Math.Abs(before[i] - after[i]) <= 1e-6, $"input {i}: {before[i]} vs {after[i]}");
    }

    [Fact]
    public void AnUntrainedNetworkComesBackUntrained()
    {
        using var folder = new ScratchFolder();
        var network = Nets.Make(3, new[] { 2 }, false, 0, seed: -5);
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network, path);
        var back = OnnxImporter.Import(path);
        Assert.Null(back.History);
        Assert.False(back.HasBias);
        Assert.Equal(-5, back.Seed);
    }

    [OnnxCheckerFact]
    public void TheIndependentOnnxCheckerAcceptsTheFiles()
    {
        using var folder = new ScratchFolder();
        var networks = new[]
        {
            Nets.Make(1, new[] { 2 }, true, 10),
            Nets.Make(8, new[] { 4 }, false, 100),
            Nets.Make(6, new[] { 5, 3 }, true, 100),
            Nets.Make(16, new[] { 8 }, false, 0),
        };
        for (int i = 0; i < networks.Length; i++)
        {
            string path = folder.File($"m{i}.onnx");
            OnnxExporter.Export(networks[i], path);
            var (exit, output) = OnnxChecker.Check(path);
            Assert.True(exit == 0, $"onnx.checker rejected {networks[i]}: {output}");
            Assert.StartsWith("ok 8 17", output);
        }
    }

    [OnnxCheckerFact]
    public void TheIndependentCheckerRejectsABrokenModel()
    {
        // The checker is a real check: a MatMul whose weight shape does not fit fails it.
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        OnnxExporter.Export(Nets.Make(4, new[] { 3 }, true, 0), path);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Node[0].OpType = "NoSuchOp";
        string broken = folder.File("broken.onnx");
        File.WriteAllBytes(broken, Google.Protobuf.MessageExtensions.ToByteArray(model));
        Assert.NotEqual(0, OnnxChecker.Check(broken).ExitCode);
    }
}
