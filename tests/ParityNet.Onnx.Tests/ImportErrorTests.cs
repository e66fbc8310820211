using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet.Onnx.Tests;

/// <summary>Files that are not ParityNet ONNX get the named error that says which problem it is.</summary>
public class ImportErrorTests
{
    private static byte[] GoodBytes(ParityNetwork? network = null)
    {
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network ?? Nets.Make(3, new[] { 2 }, true, 50), path);
        return File.ReadAllBytes(path);
    }

    private static ModelProto GoodModel(ParityNetwork? network = null) => ModelProto.Parser.ParseFrom(GoodBytes(network));

    private static string ErrorOf(byte[] bytes) =>
        Assert.Throws<ParityNetException>(() => OnnxImporter.Import(bytes, "test.onnx")).ErrorId;

    private static string ErrorOf(ModelProto model) => ErrorOf(model.ToByteArray());

    [Fact]
    public void TheGoodBytesImport() => Assert.Equal(3, OnnxImporter.Import(GoodBytes(), "ok").Bits);

    [Fact]
    public void EveryTruncationIsReportedAsTruncated()
    {
        foreach (var network in new[] { Nets.Make(3, new[] { 2 }, true, 50), Nets.Make(2, new[] { 2 }, false, 0) })
        {
            byte[] good = GoodBytes(network);
            for (int length = 1; length < good.Length; length++)
            {
                var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(good[..length], "cut.onnx"));
                Assert.True(ex.ErrorId == ErrorIds.Truncated, $"cut at {length} of {good.Length}: {ex.ErrorId}: {ex.Message}");
            }
        }
    }

    [Fact]
    public void EmptyTextAndRandomBytesAreNotOnnx()
    {
        Assert.Equal(ErrorIds.NotOnnx, ErrorOf(Array.Empty<byte>()));
        Assert.Equal(ErrorIds.NotOnnx, ErrorOf("hello, this is not a model\n"u8.ToArray()));
        Assert.Equal(ErrorIds.NotOnnx, ErrorOf("{\"ir_version\": 8}"u8.ToArray()));
        var rng = new Random(1234);
        foreach (int length in new[] { 1, 2, 16, 100, 1000, 10_000 })
            for (int trial = 0; trial < 20; trial++)
            {
                var bytes = new byte[length];
                rng.NextBytes(bytes);
                if (bytes[0] == 0x08) bytes[0] = 0x09; // an ONNX file starts with ir_version (0x08); these must not
                var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(bytes, "random.bin"));
                Assert.True(ex.ErrorId == ErrorIds.NotOnnx, $"{length} random bytes (trial {trial}): {ex.ErrorId}: {ex.Message}");
            }
    }

    [Theory]
    [InlineData("hello, this is not a model\n", "'hello, this is not a model'")]
    [InlineData("{\"ir_version\": 8}", "'{\"ir_version\": 8}'")]
    [InlineData("Number\r\n1\r\n2\r\n", "'Number'")]
    [InlineData("\"quoted\", \"csv\"\n", "'\"quoted\", \"csv\"'")] // 0x22 is field 4's tag: the walk gets further before it fails
    public void ATextFileIsToldAsText(string text, string quoted)
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(System.Text.Encoding.UTF8.GetBytes(text), "notes.onnx"));
        Assert.Equal(ErrorIds.NotOnnx, ex.ErrorId);
        Assert.Contains($"is a text file (it starts {quoted})", ex.Message);
        Assert.DoesNotContain("holds field", ex.Message);
    }

    [Fact]
    public void DamagedModelsAndBinaryJunkKeepTheirByteDiagnosis()
    {
        byte[] bytes = { 0x6A, 0x01, 0x00, 0x7F, 0xFF }; // field 13, as "hello" gave before, but binary
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(bytes, "junk.onnx"));
        Assert.Contains("byte 1 holds field 13", ex.Message);
        byte[] damaged = GoodBytes().Concat(new byte[] { 0x6A, 0x01, 0xFF }).ToArray(); // a real model with junk after it
        var failed = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(damaged, "damaged.onnx"));
        Assert.DoesNotContain("text file", failed.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".onnx")));
        Assert.Equal(ErrorIds.FileNotFound, ex.ErrorId);
    }

    public static TheoryData<string> WrongGraphs => new()
    {
        "relu", "extra-output", "fixed-batch", "wrong-width", "double-weights",
        "metadata-mismatch", "bias-on-one-layer", "extra-node", "one-layer", "old-opset", "unknown-task",
        "short-weights",
    };

    [Theory]
    [MemberData(nameof(WrongGraphs))]
    public void OnnxOfAnotherShapeIsAnUnsupportedGraph(string change)
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(Changed(change).ToByteArray(), "other.onnx"));
        Assert.True(ex.ErrorId == ErrorIds.UnsupportedGraph, $"{change}: {ex.ErrorId}: {ex.Message}");
        Assert.Contains("ParityNet metadata, but not the graph ParityNet's export (ExportCommand) writes", ex.Message);
    }

    // Changes the graph check refuses before the importer walks the graph (issue 20), each with its own id.
    [Theory]
    [InlineData("renamed-input", ErrorIds.GraphMalformed, "reads 'bits', which no input, initializer or earlier node defines")]
    [InlineData("external-data", ErrorIds.ExternalData, "keeps its data in another file")]
    [InlineData("attribute", ErrorIds.OperatorNotAllowed, "has an attribute 'alpha', which ParityNet does not read on Sigmoid")]
    public void OnnxThatIsNotAGraphToWalkIsRefusedFirst(string change, string id, string named)
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(Changed(change).ToByteArray(), "other.onnx"));
        Assert.True(ex.ErrorId == id, $"{change}: {ex.ErrorId}: {ex.Message}");
        Assert.Contains(named, ex.Message);
    }

    private static ModelProto Changed(string change)
    {
        var model = GoodModel(Nets.Make(3, new[] { 2 }, true, 50));
        var g = model.Graph;
        switch (change)
        {
            case "relu": g.Node[2].OpType = "Relu"; break;
            case "extra-output": g.Output.Add(g.Output[0].Clone()); g.Output[1].Name = "layer0.sigmoid"; break;
            case "fixed-batch": g.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 8; break;
            case "renamed-input": g.Input[0].Name = "x"; break;
            case "wrong-width": g.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 4; break;
            case "double-weights": g.Initializer[0].DataType = 11; break;
            case "no-metadata": model.MetadataProps.Clear(); model.ProducerName = "someone-else"; break;
            case "metadata-mismatch": model.MetadataProps.Single(e => e.Key == "paritynet.layer_sizes").Value = "3,3,1"; break;
            case "bias-on-one-layer":
                g.Node.RemoveAt(4); // layer 1's Add
                g.Node[4].Input[0] = "layer1.matmul";
                g.Initializer.RemoveAt(3);
                break;
            case "extra-node":
                g.Node.Add(new NodeProto { OpType = "Identity", Input = { "probability" }, Output = { "p2" } });
                break;
            case "one-layer":
                g.Node.RemoveAt(5); g.Node.RemoveAt(4); g.Node.RemoveAt(3);
                g.Node[2].Output[0] = "probability";
                g.Initializer.RemoveAt(3); g.Initializer.RemoveAt(2);
                break;
            case "old-opset": model.OpsetImport[0].Version = 11; break;
            case "attribute": g.Node[2].Attribute.Add(new AttributeProto { Name = "alpha", F = 1, Type = 1 }); break;
            case "unknown-task": model.MetadataProps.Single(e => e.Key == "paritynet.task").Value = "Prime"; break;
            case "short-weights": g.Initializer[0].RawData = ByteString.CopyFrom(new byte[8]); break;
            case "external-data": g.Initializer[0].DataLocation = TensorProto.Types.DataLocation.External; break;
            default: throw new ArgumentException(change);
        }
        return model;
    }

    [Fact]
    public void TheSameGraphWithoutParityNetMetadataIsReadAsAForeignMlp()
    {
        var network = Nets.Make(3, new[] { 2 }, true, 50);
        var model = GoodModel(network);
        model.MetadataProps.Clear();
        model.ProducerName = "someone-else";
        var back = OnnxImporter.Import(model.ToByteArray(), "other.onnx", new ForeignOptions { Task = ParityTask.BitParity });
        Assert.Equal(ParityTask.BitParity, back.Task);
        Assert.Equal(network.LayerSizes, back.LayerSizes);
        for (long n = 0; n < 8; n++) Assert.Equal(network.Predict(n), back.Predict(n), 1e-6);
    }

    [Fact]
    public void ATensorDeclaring2To40ElementsIsRefusedBeforeAllocating()
    {
        // 2^4 × 2^36 weights declared in a file of a few hundred bytes.
        var model = GoodModel(Nets.Make(3, new[] { 2 }, true, 0));
        var g = model.Graph;
        g.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 16;
        g.Initializer[0].Dims[0] = 16; g.Initializer[0].Dims[1] = 1L << 36;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ErrorIds.UnsupportedGraph, ErrorOf(model));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "nothing of the declared size may be allocated");
    }

    [Fact]
    public void AGraphWithinTheLimitsButTooLargeToHoldIsRefusedBeforeAllocating()
    {
        // Two hidden layers of 65 536 units: each size is allowed, together they need tens of GiB.
        var model = GoodModel(Nets.Make(3, new[] { 2, 2 }, true, 0));
        var g = model.Graph;
        g.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 16;
        g.Initializer[0].Dims[0] = 16; g.Initializer[0].Dims[1] = 65536;
        g.Initializer[1].Dims[0] = 65536;
        g.Initializer[2].Dims[0] = 65536; g.Initializer[2].Dims[1] = 65536;
        g.Initializer[3].Dims[0] = 65536;
        g.Initializer[4].Dims[0] = 65536;
        model.MetadataProps.Single(e => e.Key == "paritynet.bits").Value = "16";
        model.MetadataProps.Single(e => e.Key == "paritynet.layer_sizes").Value = "16,65536,65536,1";
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ErrorIds.TooLarge, ErrorOf(model));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "nothing of the declared size may be allocated");
    }

    [Fact]
    public void DeeplyNestedMessagesAreNotOnnx()
    {
        // 100 000 nested length-delimited fields inside the graph field: a parser without a recursion
        // limit would overflow its stack.
        var bytes = new List<byte> { 0x08, 0x08 }; // ir_version = 8
        var inner = new byte[] { 0x3A };           // field 7 (graph), length-delimited
        var nested = Array.Empty<byte>();
        for (int depth = 0; depth < 100_000; depth++)
        {
            var length = new List<byte>();
            uint n = (uint)nested.Length;
            do { byte b = (byte)(n & 0x7F); n >>= 7; length.Add(n != 0 ? (byte)(b | 0x80) : b); } while (n != 0);
            nested = inner.Concat(length).Concat(nested).ToArray();
            if (nested.Length > 1 << 20) break;
        }
        bytes.AddRange(nested);
        var id = ErrorOf(bytes.ToArray());
        Assert.True(id == ErrorIds.NotOnnx || id == ErrorIds.UnsupportedGraph, id);
    }
}
