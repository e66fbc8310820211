using System.Text.Json;

namespace ParityNet.Onnx.Tests;

/// <summary>
/// Models other tools really wrote (corpus/foreign, made by make_foreign.py with PyTorch 1.13 and the onnx
/// package): imported and run through ONNX Runtime, each held to the model's own outputs as its maker
/// computed them, for every input.
/// </summary>
public class ForeignModelTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "corpus", "foreign");

    private static string FileOf(string name) => Path.Combine(Folder, name + ".onnx");

    private sealed record Expected(int Bits, BitOrder Order, ParityTask Task, double[] Probabilities, string MadeBy);

    private static Expected ExpectedOf(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".expected.json")));
        var root = json.RootElement;
        return new Expected(root.GetProperty("bits").GetInt32(),
            root.GetProperty("bit_order").GetString() == "lsb-first" ? BitOrder.LsbFirst : BitOrder.MsbFirst,
            Enum.Parse<ParityTask>(root.GetProperty("task").GetString()!),
            root.GetProperty("probability_of_label_1").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            root.GetProperty("made_by").GetString()!);
    }

    private static ForeignOptions OptionsOf(Expected e, OnnxOutputKind? kind = null) => new() { Task = e.Task, BitOrder = e.Order, OutputKind = kind };

    public static TheoryData<string, double> Importable => new()
    {
        // name, tolerance against the maker's own output: float32 models differ from the engine's doubles by float32 rounding.
        { "torch-gemm-sigmoid-op13", 1e-6 }, { "torch-gemm-sigmoid-op17", 1e-6 }, { "torch-relu-logit-op17", 1e-6 },
        { "torch-tanh-two-layers-op13", 1e-6 }, { "torch-float64-op13", 1e-12 }, { "torch-batch1-op13", 1e-6 },
        { "torch-matmul-op17", 1e-6 }, { "torch-lsb-first-op13", 1e-6 }, { "onnx-helper-constants-op15", 1e-6 },
    };

    [Theory]
    [MemberData(nameof(Importable))]
    public void Import_GivesTheNetworkTheMakerComputed_OnEveryInput(string name, double tolerance)
    {
        var e = ExpectedOf(name);
        var result = OnnxImporter.ImportChecked(FileOf(name), OptionsOf(e));
        Assert.True(result.Foreign);
        Assert.Equal(1L << e.Bits, result.InputsCompared);
        Assert.InRange(result.MaxAbsDifference, 0, OnnxExporter.ToleranceFloor);
        var network = result.Network;
        Assert.Equal(e.Bits, network.Bits);
        Assert.Equal(e.Task, network.Task);
        for (long n = 0; n < 1L << e.Bits; n++)
            Assert.True(Math.Abs(network.Predict(n) - e.Probabilities[n]) <= tolerance,
                $"{name}: {n} gives {network.Predict(n):R}, its maker {e.Probabilities[n]:R} ({e.MadeBy})");
    }

    public static TheoryData<string, OnnxOutputKind?> Runnable => new()
    {
        { "torch-gemm-sigmoid-op13", null }, { "torch-relu-logit-op17", OnnxOutputKind.Logit }, { "torch-float64-op13", null },
        { "torch-batch1-op13", null }, { "torch-lsb-first-op13", null }, { "torch-softmax-two-classes-op13", null },
        { "onnx-helper-constants-op15", null }, { "torch-tanh-two-layers-op13", null },
    };

    [Theory]
    [MemberData(nameof(Runnable))]
    public void OnnxRuntime_AnswersAsTheMakerDid_AndNamesTheFile(string name, OnnxOutputKind? kind)
    {
        var e = ExpectedOf(name);
        using var predictor = OnnxPredictor.Open(FileOf(name), OptionsOf(e, kind));
        Assert.False(predictor.IsParityNet);
        var numbers = Enumerable.Range(0, 1 << e.Bits).Select(i => (long)i).ToArray();
        // Batches of 7 rows: a symbolic batch takes them as they come, a fixed batch of 1 one at a time.
        var predictions = predictor.Test(numbers, batchSize: 7);
        for (int n = 0; n < numbers.Length; n++)
        {
            Assert.Equal(PredictionEngine.OnnxRuntime, predictions[n].Engine);
            Assert.Equal(FileOf(name), predictions[n].Source);
            Assert.Equal(e.Task, predictions[n].Task);
            Assert.True(Math.Abs(predictions[n].Probability - e.Probabilities[n]) <= 1e-6,
                $"{name}: {n} gives {predictions[n].Probability:R}, its maker {e.Probabilities[n]:R}");
        }
    }

    [Fact]
    public void TheBitOrderMatters_ReadingAnLsbFirstModelMsbFirstGetsEvenAndOddWrong()
    {
        var e = ExpectedOf("torch-lsb-first-op13");
        using var right = OnnxPredictor.Open(FileOf("torch-lsb-first-op13"), OptionsOf(e));
        using var wrong = OnnxPredictor.Open(FileOf("torch-lsb-first-op13"), OptionsOf(e) with { BitOrder = BitOrder.MsbFirst });
        var numbers = Enumerable.Range(0, 16).Select(i => (long)i).ToArray();
        Assert.All(right.Test(numbers), p => Assert.True(p.Correct));
        Assert.Contains(wrong.Test(numbers), p => !p.Correct);
    }

    [Fact]
    public void ALogitOutputWithoutOutputKind_IsANamedErrorThatSaysWhichParameterToGive()
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxPredictor.Open(FileOf("torch-relu-logit-op17")));
        Assert.Equal(ErrorIds.OutputKindUnknown, ex.ErrorId);
        Assert.Contains("OutputKind Logit", ex.Message);      // the engine names the setting...
        Assert.Contains("OutputKind", ex.Settings);           // ...and the cmdlets word it as -OutputKind
        Assert.Contains("Gemm", ex.Message);
    }

    [Theory]
    [InlineData("onnx-helper-two-inputs-op15", "2 inputs ('a', 'b')")]
    [InlineData("torch-softmax-two-classes-op13", "(Softmax)")]
    public void WhatIsNotAnMlpIsRefused_NamingTheFirstNodeOrInput(string name, string named)
    {
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(FileOf(name)));
        Assert.Equal(ErrorIds.UnsupportedGraph, ex.ErrorId);
        Assert.Contains(named, ex.Message);
        Assert.Contains("ParityNet takes", ex.Message);
    }

    [Fact]
    public void AConvolution_IsNeitherImportedNorRun_NamingItsFirstOperatorOutsideTheAllowList()
    {
        // Issue 20: ONNX Runtime runs only the feed-forward operators of an MLP (GraphCheck.AllowedOps).
        var imported = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(FileOf("torch-conv-op13")));
        var run = Assert.Throws<ParityNetException>(() => OnnxPredictor.Open(FileOf("torch-conv-op13")));
        foreach (var ex in new[] { imported, run })
        {
            Assert.Equal(ErrorIds.OperatorNotAllowed, ex.ErrorId);
            Assert.Contains("(Unsqueeze)", ex.Message);
            Assert.Contains("Gemm, MatMul, Add", ex.Message);
        }
    }

    [OnnxCheckerFact]
    public void AForeignModel_ImportedThenExported_PassesTheCheckerAndPredictsTheSame()
    {
        using var folder = new ScratchFolder();
        foreach (var name in new[] { "torch-gemm-sigmoid-op13", "torch-matmul-op17", "torch-lsb-first-op13", "torch-relu-logit-op17" })
        {
            var e = ExpectedOf(name);
            var imported = OnnxImporter.Import(FileOf(name), OptionsOf(e));
            string path = Path.Combine(folder.Path, name + ".paritynet.onnx");
            var result = OnnxExporter.Export(imported, path);
            Assert.InRange(result.MaxAbsDifference, 0, OnnxExporter.ToleranceFloor);
            var (exit, output) = OnnxChecker.Check(path);
            Assert.True(exit == 0, $"{name}: the checker said {output}");
            var back = OnnxImporter.Import(path);
            for (long n = 0; n < 1L << e.Bits; n++)
            {
                Assert.True(Math.Abs(back.Predict(n) - imported.Predict(n)) <= 1e-6, $"{name}: {n}");
                Assert.True(Math.Abs(back.Predict(n) - e.Probabilities[n]) <= 2e-6, $"{name}: {n} against its maker");
            }
        }
    }
}
