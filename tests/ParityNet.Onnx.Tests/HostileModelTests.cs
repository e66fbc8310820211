using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet.Onnx.Tests;

/// <summary>
/// Issue 20: the hostile models of corpus/hostile (made by make_hostile.py with the onnx package), each refused by
/// name or answered within bounds by both readers: the importer (<see cref="OnnxImporter"/>) and ONNX Runtime's
/// predictor (<see cref="OnnxPredictor"/>). Each runs on a worker with a deadline, so a hang fails the test rather
/// than stalling the run (before the fixes, three of them hung or grew memory without end).
/// </summary>
public class HostileModelTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "corpus", "hostile");

    private static string FileOf(string name) => Path.Combine(Folder, name + ".onnx");

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The error <paramref name="action"/> ends in, or null; a run past the deadline fails the test.</summary>
    private static ParityNetException? ErrorOf(Action action)
    {
        var work = Task.Run(() =>
        {
            try { action(); return null; }
            catch (ParityNetException ex) { return ex; }
        });
        Assert.True(work.Wait(Deadline), $"still running after {Deadline.TotalSeconds} s: a hang");
        return work.Result;
    }

    [Theory]
    [InlineData("cycle-redefine", ErrorIds.GraphMalformed, "writes 'x'")]
    [InlineData("cycle-identity", ErrorIds.GraphMalformed, "writes 'x'")]
    [InlineData("cycle-mutual", ErrorIds.GraphMalformed, "reads 'b'")]
    [InlineData("loop-huge", ErrorIds.OperatorNotAllowed, "Loop")]
    [InlineData("function-op", ErrorIds.OperatorNotAllowed, "function")]
    [InlineData("sparse-initializer", ErrorIds.OperatorNotAllowed, "sparse")]
    [InlineData("external-relative", ErrorIds.ExternalData, "'secret.bin'")]
    [InlineData("external-absolute", ErrorIds.ExternalData, "'/etc/hostname'")]
    [InlineData("duplicate-attribute", ErrorIds.OperatorNotAllowed, "gives its attribute 'axis' twice")]
    [InlineData("shared-weights", ErrorIds.UnsupportedGraph, "reads 'W', which an earlier layer reads too")]
    [InlineData("unused-initializer", ErrorIds.UnsupportedGraph, "the tensor 'ballast' is read by no layer")]
    public void AHostileGraph_IsRefusedByName_BeforeAnythingWalksOrRunsIt(string name, string id, string named)
    {
        foreach (var (reader, read) in new (string, Action)[]
        {
            ("import", () => OnnxImporter.Import(FileOf(name))),
            ("predictor", () => { using var p = OnnxPredictor.Open(FileOf(name), new ForeignOptions { OutputKind = OnnxOutputKind.Probability }); }),
        })
        {
            var ex = ErrorOf(read);
            Assert.True(ex is not null, $"{reader} accepted {name}");
            Assert.Equal(id, ex!.ErrorId);
            Assert.Contains(named, ex.Message);
        }
    }

    [Theory]
    [InlineData("fixed-batch-2p24", 1L << 24)]
    [InlineData("fixed-batch-2p40", 1L << 40)]
    public void ADeclaredBatch_DoesNotDecideTheWork_TheRowsAtHandAreRun(string name, long declared)
    {
        using var predictor = OnnxPredictor.Open(FileOf(name));
        Assert.Equal(declared, predictor.Signature.FixedBatch);
        Assert.Contains($"declared batch of {declared}", predictor.Reading);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var answers = predictor.Test(new long[] { 0, 1, 2 });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before; // the old fixed-batch path allocated the whole declared batch
        Assert.Equal(3, answers.Length);
        Assert.All(answers, a => Assert.InRange(a.Probability, 0, 1));
        Assert.True(allocated < 1 << 20, $"three answers allocated {allocated} managed bytes");
        // The same model imported: the batch it declares is no part of the network.
        Assert.Equal(8, OnnxImporter.Import(FileOf(name)).Bits);
    }

    [Fact]
    public void NaNAnswers_AreErrorsNamingTheNumber_NeverPredictions()
    {
        using var predictor = OnnxPredictor.Open(FileOf("nan-weights"));
        var answers = predictor.TestEach(new long[] { 0, 1, 255 });
        Assert.All(answers, a => Assert.Null(a.Prediction));
        Assert.Equal(ErrorIds.OutputNotProbability, answers[2].Error!.ErrorId);
        Assert.Contains("answered 255 with NaN", answers[2].Error!.Message);
        var thrown = Assert.Throws<ParityNetException>(() => predictor.Test(new long[] { 3 }));
        Assert.Equal(ErrorIds.OutputNotProbability, thrown.ErrorId);
        // The importer refuses the NaN weight itself.
        Assert.Equal(ErrorIds.UnsupportedGraph, ErrorOf(() => OnnxImporter.Import(FileOf("nan-weights")))!.ErrorId);
    }

    [Fact]
    public void AnAnswerOutsideZeroToOne_ReadAsAProbability_IsAnErrorThatSaysToGiveOutputKindLogit()
    {
        using var predictor = OnnxPredictor.Open(FileOf("relu-output"), new ForeignOptions { OutputKind = OnnxOutputKind.Probability });
        var answer = predictor.TestEach(new long[] { 0 })[0];
        Assert.Null(answer.Prediction);
        Assert.Equal(ErrorIds.OutputNotProbability, answer.Error!.ErrorId);
        Assert.Contains("answered 0 with 7.6", answer.Error.Message);
        Assert.Contains("OutputKind", answer.Error.Settings);
        // Read as a logit, the same output is a probability.
        using var logit = OnnxPredictor.Open(FileOf("relu-output"), new ForeignOptions { OutputKind = OnnxOutputKind.Logit });
        Assert.InRange(logit.Test(new long[] { 0 })[0].Probability, 0.99, 1);
    }

    [Fact]
    public void ARunIsCancelled_WithOperationCanceled_AndTheSessionStillAnswersAfterwards()
    {
        using var predictor = OnnxPredictor.Open(Path.Combine(AppContext.BaseDirectory, "corpus", "bias-3-2-1.onnx"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => predictor.Test(new long[] { 1, 2 }, cancel: cancelled.Token));
        Assert.InRange(predictor.Test(new long[] { 1 })[0].Probability, 0, 1);
    }

    [Fact]
    public void WhatOnnxRuntimeGets_IsTheCheckedModel_UnknownFieldsDropped_BatchSymbolic()
    {
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(FileOf("fixed-batch-2p24")));
        // An unknown field (number 99, "evil") added to the graph: parsed, dropped, never handed on.
        var extra = new byte[] { 0x9A, 0x06, 0x04, (byte)'e', (byte)'v', (byte)'i', (byte)'l' };
        var graphBytes = original.Graph.ToByteArray().Concat(extra).ToArray();
        original.Graph = null;
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        original.WriteTo(output);
        output.WriteTag(7, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(graphBytes));
        output.Flush();
        Assert.Contains("evil", System.Text.Encoding.ASCII.GetString(stream.ToArray()));
        var model = OnnxImporter.Parse(stream.ToArray(), "test");
        var runnable = GraphCheck.RunnableBytes(model, "x");
        Assert.DoesNotContain("evil", System.Text.Encoding.ASCII.GetString(runnable));
        var back = ModelProto.Parser.ParseFrom(runnable);
        Assert.Equal("N", back.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", back.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(model.Graph.Initializer.Select(t => t.RawData), back.Graph.Initializer.Select(t => t.RawData));
    }

    [Fact]
    public void AGraphWithMoreNodesThanAnyNetwork_IsRefusedBeforeItIsWalked()
    {
        var model = OnnxImporter.Parse(File.ReadAllBytes(FileOf("fixed-batch-2p24")), "test");
        for (int i = 0; i <= GraphCheck.MaxNodes; i++)
            model.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { $"copy{i}" } });
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Parse(model.ToByteArray(), "many"));
        Assert.Equal(ErrorIds.GraphMalformed, ex.ErrorId);
        Assert.Contains($"at most {GraphCheck.MaxNodes}", ex.Message);
    }

    [Fact]
    public void ANodeWithoutOutputs_IsRefusedByName_NotAnUnnamedCrash()
    {
        var model = OnnxImporter.Parse(File.ReadAllBytes(FileOf("fixed-batch-2p24")), "test");
        model.Graph.Node.Add(new NodeProto { OpType = "Add", Input = { "x", "x" } });
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Parse(model.ToByteArray(), "no-output"));
        Assert.Equal(ErrorIds.GraphMalformed, ex.ErrorId);
        Assert.Contains("has no output", ex.Message);
    }

    [Fact]
    public void ControlCharactersFromTheFile_AreEscapedInMessages()
    {
        var model = OnnxImporter.Parse(File.ReadAllBytes(FileOf("fixed-batch-2p24")), "test");
        model.Graph.Node[0].Name = "evil\u001b]52;c;aGVsbG8=\u0007\nFAKE LINE";
        model.Graph.Node[0].OpType = "Loop";
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Parse(model.ToByteArray(), "escape"));
        Assert.DoesNotContain(ex.Message, char.IsControl);
        Assert.Contains("evil\\u001B]52", ex.Message);
        Assert.Contains("\\u000AFAKE LINE", ex.Message);
    }

    [Fact]
    public void ASubgraphAttributeOnAnAllowedOperator_IsRefused()
    {
        var model = OnnxImporter.Parse(File.ReadAllBytes(FileOf("fixed-batch-2p24")), "test");
        model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "then_branch", G = ByteString.CopyFromUtf8("x") });
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Parse(model.ToByteArray(), "sub"));
        Assert.Equal(ErrorIds.OperatorNotAllowed, ex.ErrorId);
        Assert.Contains("subgraph", ex.Message);
    }
}
