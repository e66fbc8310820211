namespace ParityNet.Onnx.Tests;

/// <summary>Export → ONNX Runtime agrees with the managed engine within 1e-6 on every input.</summary>
public class ExportAgreementTests
{
    public static TheoryData<int, int[], bool, int> Networks => new()
    {
        { 1, new[] { 2 }, true, 200 },         // 1 bit
        { 1, new[] { 3 }, false, 0 },          // 1 bit, no bias, untrained
        { 8, new[] { 4 }, true, 1000 },        // the lesson's shape with biases
        { 8, new[] { 4 }, false, 1000 },       // the lesson's network exactly: no bias
        { 6, new[] { 6, 3 }, true, 500 },      // two hidden layers
        { 5, new[] { 4, 4 }, false, 300 },     // two hidden layers, no bias
        { 16, new[] { 8 }, true, 20 },         // 16 bits: 65 536 inputs
        { 16, new[] { 5, 3 }, false, 0 },      // 16 bits, two hidden layers, no bias
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeAgreesWithTheEngineOnEveryInput(int bits, int[] hidden, bool bias, int epochs)
    {
        var network = Nets.Make(bits, hidden, bias, epochs);
        using var folder = new ScratchFolder();
        string path = folder.File("model.onnx");

        var result = OnnxExporter.Export(network, path);

        Assert.Equal(path, result.Path);
        Assert.Equal(1L << bits, result.InputsCompared);
        Assert.InRange(result.MaxAbsDifference, 0, 1e-6);
        Assert.Equal(new FileInfo(path).Length, result.Bytes);
        Assert.Equal(OnnxFormat.Opset, result.Opset);
        Assert.Equal(OnnxFormat.IrVersion, result.IrVersion);
        Assert.Equal(new[] { "model.onnx" }, folder.Entries()); // no temporary file left

        // Independently of the exporter's own check: the final file through ORT against the engine.
        var all = Nets.All(bits);
        var expected = Nets.Managed(network, all);
        var actual = new double[all.Length];
        using (var predictor = OnnxPredictor.Open(path)) predictor.Predict(all, actual);
        for (int i = 0; i < all.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"input {all[i]}: engine {expected[i]}, ORT {actual[i]}");
        Assert.Equal(result.MaxAbsDifference, all.Select((_, i) => Math.Abs(expected[i] - actual[i])).Max());
    }

    [Fact]
    public void TheBatchDimensionIsDynamic()
    {
        var network = Nets.Make(8, new[] { 5 }, true, 500);
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network, path);
        var all = Nets.All(8);
        using var predictor = OnnxPredictor.Open(path);
        var one = new double[all.Length];
        var seven = new double[all.Length];
        var full = new double[all.Length];
        predictor.Predict(all, one, batchSize: 1);
        predictor.Predict(all, seven, batchSize: 7);
        predictor.Predict(all, full, batchSize: all.Length);
        Assert.Equal(full, one);
        Assert.Equal(full, seven);
        // And the answers are real: the trained network separates even from odd.
        Assert.All(predictor.Test(all), p => Assert.True(p.Correct, p.ToString()));
        Assert.All(predictor.Test(new long[] { 3, 4 }, batchSize: 1), p => Assert.Equal(PredictionEngine.OnnxRuntime, p.Engine));
    }

    [Fact]
    public void ExportingTheSameNetworkTwiceGivesTheSameBytes()
    {
        var network = Nets.Make(4, new[] { 3 }, true, 100);
        using var folder = new ScratchFolder();
        OnnxExporter.Export(network, folder.File("a.onnx"));
        OnnxExporter.Export(network, folder.File("b.onnx"));
        Assert.Equal(File.ReadAllBytes(folder.File("a.onnx")), File.ReadAllBytes(folder.File("b.onnx")));
    }

    [Fact]
    public void AnExistingFileIsKeptUnlessOverwriteIsAsked()
    {
        var network = Nets.Make(3, new[] { 2 }, true, 0);
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        File.WriteAllText(path, "keep me");
        var ex = Assert.Throws<ParityNetException>(() => OnnxExporter.Export(network, path));
        Assert.Equal(ErrorIds.FileExists, ex.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Single(folder.Entries());

        OnnxExporter.Export(network, path, overwrite: true);
        Assert.Equal(3, OnnxImporter.Import(path).Bits);
    }

    [Fact]
    public void AMissingFolderIsNamed()
    {
        var network = Nets.Make(3, new[] { 2 }, true, 0);
        using var folder = new ScratchFolder();
        var ex = Assert.Throws<ParityNetException>(() => OnnxExporter.Export(network, folder.File("no/such/m.onnx")));
        Assert.Equal(ErrorIds.FileNotFound, ex.ErrorId);
    }

    [Fact]
    public void ADisagreementFailsTheExportAndLeavesNoFile()
    {
        // 2^24 + 1 has no float32: the hidden unit's input is 0.5 in double and 0 in float32, so
        // ORT's answer really differs from the engine's (by about 0.03), far above 1e-6.
        var spec = new NetworkSpec { Bits = 1, HiddenSizes = new[] { 1 }, HasBias = true };
        var network = ParityNetwork.FromWeights(spec,
            new[] { new[] { 16777217.0 }, new[] { 4.0 } },
            new[] { new[] { -16777216.5 }, new[] { -2.0 } });
        using var folder = new ScratchFolder();
        string path = folder.File("bad.onnx");
        var ex = Assert.Throws<ParityNetException>(() => OnnxExporter.Export(network, path));
        Assert.Equal(ErrorIds.CrossCheckFailed, ex.ErrorId);
        Assert.InRange((double)ex.Target!, 1e-3, 1);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void VeryWideNetworksAreCheckedOnASeededSampleOfAtLeast10000()
    {
        var network = Nets.Make(20, new[] { 128 }, true, 0);
        var rows = OnnxExporter.CrossCheckInputs(network);
        Assert.Equal(1, rows.Chunks);
        var inputs = rows.Numbers();
        Assert.True(inputs.Length >= 10_000);
        Assert.True(inputs.Length < 1 << 20);
        Assert.Contains(0L, inputs);
        Assert.Contains((1L << 20) - 1, inputs);
        Assert.All(inputs, n => Assert.InRange(n, 0, (1L << 20) - 1));
        Assert.Equal(inputs, OnnxExporter.CrossCheckInputs(network).Numbers()); // seeded: the same each time
        Assert.Equal(1 << 10, OnnxExporter.CrossCheckInputs(Nets.Make(10, new[] { 4 }, true, 0)).Count);

        ExportsAgreeingOn(network, "wide.onnx", inputs.Length);
    }

    [Fact]
    public void WideNetworks_AreCheckedWithEveryInputBitDrawn()
    {
        // Past 62 bits the sample's rows are WideNumbers chunks: every bit drawn, the first row all 0, the second all 1.
        var network = Nets.Make(100, new[] { 16 }, true, 0);
        var rows = OnnxExporter.CrossCheckInputs(network);
        Assert.Equal(2, rows.Chunks);
        Assert.Equal(OnnxExporter.SampleSize, rows.Count);
        Assert.Equal(new long[] { 0, 0 }, rows.Slice(0, 1).ToArray());
        Assert.Equal(new[] { (1L << 62) - 1, (1L << 38) - 1 }, rows.Slice(1, 1).ToArray()); // chunk 0 the low 62 bits, chunk 1 the top 38
        var inputZero = new double[100];
        int setTop = 0;
        for (int i = 2; i < rows.Count; i++) { rows.Encode(i, inputZero); setTop += (int)inputZero[0]; } // input 0: bit 99
        Assert.InRange(setTop, rows.Count / 2 - 400, rows.Count / 2 + 400);
        Assert.Equal(rows.Slice(0, rows.Count).ToArray(), OnnxExporter.CrossCheckInputs(network).Slice(0, rows.Count).ToArray()); // seeded

        ExportsAgreeingOn(network, "wide100.onnx", OnnxExporter.SampleSize);
    }

    // The export compares the expected number of inputs and finds the engine and ONNX Runtime within 1e-6 on every one.
    private static void ExportsAgreeingOn(ParityNetwork network, string name, int inputs)
    {
        using var folder = new ScratchFolder();
        var result = OnnxExporter.Export(network, folder.File(name));
        Assert.Equal(inputs, result.InputsCompared);
        Assert.InRange(result.MaxAbsDifference, 0, 1e-6);
    }

    [Fact]
    public void AWideNetworkWrongOnlyInItsTopBit_FailsTheExport()
    {
        // As ADisagreementFailsTheExportAndLeavesNoFile, on input 0 of 100 (bit 99): the float32 graph differs from the
        // engine only when that bit is set, which a check of integers below 2^63 would never draw.
        var spec = new NetworkSpec { Bits = 100, HiddenSizes = new[] { 1 }, HasBias = true };
        var first = new double[100];
        first[0] = 16777217.0;
        var network = ParityNetwork.FromWeights(spec, new[] { first, new[] { 4.0 } }, new[] { new[] { -16777216.5 }, new[] { -2.0 } });
        using var folder = new ScratchFolder();
        var ex = Assert.Throws<ParityNetException>(() => OnnxExporter.Export(network, folder.File("top-bit.onnx")));
        Assert.Equal(ErrorIds.CrossCheckFailed, ex.ErrorId);
        Assert.Matches("answer for 0x[89a-f][0-9a-f]{24} ", ex.Message); // the input named in hexadecimal, 100 bits with the top one set
        Assert.Empty(folder.Entries());
    }
}
