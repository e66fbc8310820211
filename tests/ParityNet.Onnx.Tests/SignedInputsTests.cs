using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet.Onnx.Tests;

/// <summary>
/// Issue 28: networks with ±1 inputs in ONNX. The file's input stays the bits as 0/1; the graph maps them to 2b − 1
/// (Add(bits, bits) → Add(·, −1)) before layer 0's MatMul and says so in its metadata ('paritynet.inputs' = 'signed').
/// Export, import and ONNX Runtime agree with the engine; the prelude is read only in the form the export writes, and
/// only with that metadata. The training settings of issue 28 travel in the metadata too.
/// </summary>
public class SignedInputsTests
{
    /// <summary>The regime's network: 20-bit SparseParity of 3 bits, ReLU, PyTorch's initialization, ±1 inputs, trained a
    /// few checks of SGD with the hinge loss, CheckEvery, HeldOutSize and weight decay.</summary>
    private static readonly Lazy<ParityNetwork> s_regime = new(() => Trainer.Train(
        ParityNetwork.Create(new NetworkSpec
        {
            Bits = 20, HiddenSizes = new[] { 32 }, Task = ParityTask.SparseParity, Relevant = 3, Activation = Activation.ReLU,
            Initialization = Initialization.PyTorch, HasBias = true, SignedInputs = true, Seed = 28,
        }),
        new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, Alpha = 0.1, Loss = LossFunction.Hinge, BatchSize = 8, CheckEvery = 5, HeldOutSize = 64, Epochs = 3,
            WeightDecay = 1e-4,
        }));

    private static ParityNetwork Small(Activation activation = Activation.Sigmoid, int bits = 4, int epochs = 200, long seed = 3)
    {
        var network = ParityNetwork.Create(new NetworkSpec { Bits = bits, HiddenSizes = new[] { 3 }, Activation = activation, HasBias = true, SignedInputs = true, Seed = seed });
        return epochs == 0 ? network : Trainer.Train(network, new TrainingOptions { Alpha = 0.5, Epochs = epochs });
    }

    private static byte[] Exported(ParityNetwork network)
    {
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        OnnxExporter.Export(network, path);
        return File.ReadAllBytes(path);
    }

    private static ModelProto Model(ParityNetwork network) => ModelProto.Parser.ParseFrom(Exported(network));

    private static Dictionary<string, string> Meta(ModelProto model) => model.MetadataProps.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void TheGraphKeepsTheBitsAsInput_AndMapsThemToPlusMinusOne_BeforeTheFirstMatMul()
    {
        var model = Model(Small());
        var g = model.Graph;
        var input = Assert.Single(g.Input);
        Assert.Equal("bits", input.Name);
        Assert.Equal(1, input.Type.TensorType.ElemType);
        Assert.Equal(new[] { "Add", "Add", "MatMul", "Add", "Sigmoid", "MatMul", "Add", "Sigmoid" }, g.Node.Select(n => n.OpType));
        Assert.Equal(new[] { "bits", "bits" }, g.Node[0].Input);
        Assert.Equal(new[] { g.Node[0].Output[0], "inputs.minus_one" }, g.Node[1].Input);
        Assert.Equal(g.Node[1].Output[0], g.Node[2].Input[0]);
        var minusOne = g.Initializer.Single(t => t.Name == "inputs.minus_one");
        Assert.Equal(1, minusOne.DataType); // float32, the graph's type
        Assert.Equal(new long[] { 1 }, minusOne.Dims);
        Assert.Equal(-1f, BitConverter.ToSingle(minusOne.RawData.ToByteArray()));
        Assert.Equal("signed", Meta(model)["paritynet.inputs"]);
        Assert.Contains("±1", g.DocString);
    }

    [Fact]
    public void AnUnsignedNetworksFile_HasNeitherPreludeNorKey()
    {
        var model = Model(Nets.Make(4, new[] { 3 }, true, 50));
        Assert.Equal("MatMul", model.Graph.Node[0].OpType);
        Assert.DoesNotContain("paritynet.inputs", Meta(model).Keys);
        Assert.DoesNotContain(Meta(model).Keys, k => k is "paritynet.training.check_every" or "paritynet.training.held_out_size"
            or "paritynet.training.weight_decay" or "paritynet.training.random_labels" or "paritynet.training.sampled");
    }

    [Fact]
    public void TheRegimesNetwork_RoundTrips_WeightsBitForBit_SpecAndTrainingSummary()
    {
        var network = s_regime.Value;
        using var folder = new ScratchFolder();
        string path = folder.File("regime.onnx");
        var result = OnnxExporter.Export(network, path);
        Assert.Equal(OnnxExporter.SampleSize, result.InputsCompared); // 2^20 inputs: the seeded sample
        Assert.True(result.MaxAbsDifference <= result.Tolerance, $"{result.MaxAbsDifference} over {result.Tolerance}");

        var meta = Meta(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
        Assert.Equal("signed", meta["paritynet.inputs"]);
        Assert.Equal("PyTorch", meta["paritynet.initialization"]);
        Assert.Equal("Hinge", meta["paritynet.training.loss"]);
        Assert.Equal("5", meta["paritynet.training.check_every"]);
        Assert.Equal("64", meta["paritynet.training.held_out_size"]);
        Assert.Equal("0.0001", meta["paritynet.training.weight_decay"]);
        Assert.Equal("true", meta["paritynet.training.sampled"]);
        Assert.Equal("5", meta["paritynet.training.steps_per_epoch"]);
        Assert.Equal("paritynet.training.wall_time_ms", meta.Keys.Last()); // the last key: its absence tells a cut file

        var import = OnnxImporter.ImportChecked(path);
        var back = import.Network;
        Assert.False(import.Foreign);
        Assert.True(back.SignedInputs);
        Assert.Equal(network.Spec.ToString(), back.Spec.ToString()); // bits, sizes, task and support, activation, initialization, ±1, bias, seed
        Assert.Equal((network.Bits, network.Task, network.Activation, network.Spec.Initialization, network.HasBias, network.Seed),
            (back.Bits, back.Task, back.Activation, back.Spec.Initialization, back.HasBias, back.Seed));
        Assert.Equal(network.LayerSizes, back.LayerSizes);
        Assert.Equal(3, back.Support.Count);
        Assert.Equal(network.Support, back.Support);
        for (int l = 0; l < network.Weights.Count; l++)
        {
            // Bit for bit: each weight and bias comes back as its float32 rounding, exactly, unfolded.
            Assert.Equal(network.Weights[l].AsSpan().ToArray().Select(w => (double)(float)w), back.Weights[l].AsSpan().ToArray());
            Assert.Equal(network.Biases[l].Select(b => (double)(float)b), back.Biases[l]);
        }

        var h = network.History!;
        var hb = back.History!;
        Assert.Equal(h.Optimizer, hb.Optimizer);
        Assert.Equal(LossFunction.Hinge, hb.LossFunction);
        Assert.Equal(h.Alpha, hb.Alpha);
        Assert.Equal(h.EpochsRequested, hb.EpochsRequested);
        Assert.Equal(h.EpochsRun, hb.EpochsRun);
        Assert.Equal(h.FinalLoss, hb.FinalLoss);
        Assert.Equal(h.FinalAccuracy, hb.FinalAccuracy);
        Assert.Equal(h.StopReason, hb.StopReason);
        Assert.Equal(h.BatchSize, hb.BatchSize);
        Assert.Equal(h.Sampled, hb.Sampled);
        Assert.Equal(h.StepsPerEpoch, hb.StepsPerEpoch);
        Assert.Equal(h.StepsRun, hb.StepsRun);
        Assert.Equal(15, hb.StepsRun);
        Assert.Equal(h.Settings.CheckEvery, hb.Settings.CheckEvery);
        Assert.Equal(h.Settings.HeldOutSize, hb.Settings.HeldOutSize);
        Assert.Equal(h.Settings.WeightDecay, hb.Settings.WeightDecay);
        Assert.Equal(h.Settings.RandomLabels, hb.Settings.RandomLabels);
        Assert.Equal(h.Settings.BatchSize, hb.Settings.BatchSize);
        Assert.Equal(h.Settings.ToString(), hb.Settings.ToString());

        // Written again, the imported network gives the same graph: the prelude and the float32 weights as they were.
        string again = folder.File("again.onnx");
        OnnxExporter.Export(back, again);
        Assert.Equal(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph, ModelProto.Parser.ParseFrom(File.ReadAllBytes(again)).Graph);
    }

    [Fact]
    public void OnnxRuntimeAgreesWithTheEngine_OnTheRegimesNetwork()
    {
        var network = s_regime.Value;
        using var folder = new ScratchFolder();
        string path = folder.File("regime.onnx");
        OnnxExporter.Export(network, path);
        using var predictor = OnnxPredictor.Open(path);
        Assert.True(predictor.Network!.SignedInputs);
        Assert.Contains("fed as 0/1; the graph makes them ±1", predictor.Reading);
        var rng = new SeededRandom(2028);
        var numbers = new long[4096];
        numbers[0] = 0;
        numbers[1] = (1L << 20) - 1;
        for (int i = 2; i < numbers.Length; i++) numbers[i] = rng.NextInt64(1L << 20);
        AssertAgree(network, predictor, numbers);
    }

    [Theory]
    [InlineData(Activation.Sigmoid, 4)]
    [InlineData(Activation.Tanh, 6)]
    [InlineData(Activation.ReLU, 8)]
    public void OnnxRuntimeAgreesWithTheEngine_OnEveryInput(Activation activation, int bits)
    {
        var network = Small(activation, bits);
        using var folder = new ScratchFolder();
        string path = folder.File("m.onnx");
        var result = OnnxExporter.Export(network, path);
        Assert.Equal(1L << bits, result.InputsCompared);
        using var predictor = OnnxPredictor.Open(path);
        AssertAgree(network, predictor, Nets.All(bits));

        // The prelude matters: the same weights read as 0/1 inputs answer otherwise.
        var unsigned = ParityNetwork.FromWeights(network.Spec with { SignedInputs = false },
            network.Weights.Select(w => w.AsSpan().ToArray()).ToArray(), network.Biases.Select(b => b.ToArray()).ToArray());
        var all = Nets.All(bits);
        var onnx = new double[all.Length];
        predictor.Predict(all, onnx);
        Assert.Contains(Enumerable.Range(0, all.Length), i => Math.Abs(onnx[i] - unsigned.Predict(all[i])) > 1e-3);
    }

    /// <summary>ONNX Runtime against the engine, held as the export's cross-check holds them: 1e-6, or above it that
    /// number's float32 bound.</summary>
    private static void AssertAgree(ParityNetwork network, OnnxPredictor predictor, long[] numbers)
    {
        var onnx = new double[numbers.Length];
        predictor.Predict(numbers, onnx);
        var managed = Nets.Managed(network, numbers);
        var bounds = new double[numbers.Length];
        Float32Bound.For(network, numbers, bounds);
        for (int i = 0; i < numbers.Length; i++)
        {
            double tolerance = Math.Min(OnnxExporter.ToleranceCeiling, Math.Max(OnnxExporter.ToleranceFloor, bounds[i]));
            Assert.True(Math.Abs(onnx[i] - managed[i]) <= tolerance, $"input {numbers[i]}: ONNX Runtime {onnx[i]}, engine {managed[i]}, tolerance {tolerance}");
        }
    }

    [Fact]
    public void TheFloat32Bound_ReadsTheInputsAsPlusMinusOne()
    {
        // With ±1 inputs, negating the first weight row and flipping the most significant bit changes no product, so
        // no float32 rounding either: the bound must be the same, bit for bit. Read as 0/1, the flipped bit drops the
        // row from the sums or adds it, and the bounds differ. The weights are large (sums in the thousands, which
        // float32 rounds by about 1e-4) and cancel at the output, so that the bounds lie above the 1e-6 floor.
        const int bits = 6;
        var weights = new double[][] { new double[bits * 2], new[] { 0.01, -0.01 } };
        for (int p = 0; p < bits; p++)
        {
            weights[0][p * 2] = 100.0 * (p + 1) * (p % 2 == 0 ? 1 : -1);
            weights[0][p * 2 + 1] = weights[0][p * 2]; // two equal units, whose outputs cancel
        }
        var biases = new double[][] { new[] { 2500.0, 2500.0 }, new[] { 0.0 } };
        var spec = new NetworkSpec { Bits = bits, HiddenSizes = new[] { 2 }, Activation = Activation.ReLU, HasBias = true, SignedInputs = true };
        var flippedWeights = new double[][] { (double[])weights[0].Clone(), weights[1] };
        for (int k = 0; k < 2; k++) flippedWeights[0][k] = -flippedWeights[0][k];
        long msb = 1L << (bits - 1);
        var all = Nets.All(bits);

        var network = ParityNetwork.FromWeights(spec, weights, biases);
        var flipped = ParityNetwork.FromWeights(spec, flippedWeights, biases);
        Assert.All(all, n => Assert.True(Float32Bound.For(network, n) > OnnxExporter.ToleranceFloor, $"the bound at {n} is the floor"));
        foreach (long n in all)
        {
            Assert.Equal(Float32Bound.For(network, n), Float32Bound.For(flipped, n ^ msb));
            Assert.Equal(network.Predict(n), flipped.Predict(n ^ msb), 1e-12);
        }

        var asBits = ParityNetwork.FromWeights(spec with { SignedInputs = false }, weights, biases);
        var flippedAsBits = ParityNetwork.FromWeights(spec with { SignedInputs = false }, flippedWeights, biases);
        Assert.Contains(all, n => Float32Bound.For(asBits, n) != Float32Bound.For(flippedAsBits, n ^ msb));

        // And ONNX Runtime's answers lie within these bounds.
        using var folder = new ScratchFolder();
        string path = folder.File("large.onnx");
        OnnxExporter.Export(network, path);
        using var predictor = OnnxPredictor.Open(path);
        AssertAgree(network, predictor, all);
    }

    [OnnxCheckerFact]
    public void TheIndependentOnnxCheckerAcceptsSignedFiles()
    {
        using var folder = new ScratchFolder();
        foreach (var (network, i) in new[] { Small(), Small(Activation.ReLU, 8), s_regime.Value }.Select((n, i) => (n, i)))
        {
            string path = folder.File($"signed{i}.onnx");
            OnnxExporter.Export(network, path);
            var (exit, output) = OnnxChecker.Check(path);
            Assert.True(exit == 0, $"onnx.checker rejected {network}: {output}");
            Assert.StartsWith("ok 8 17", output);
        }
    }

    [Fact]
    public void EveryCutOfASignedFile_IsTruncated_NeverAFileWithoutItsKey()
    {
        // The key comes before 'trained' and the training keys before the wall time, so no cut on a field boundary
        // leaves the prelude without its key, or a summary without a setting, unseen.
        foreach (var network in new[] { Small(epochs: 20), Small(epochs: 0) })
        {
            byte[] good = Exported(network);
            for (int length = 1; length < good.Length; length++)
            {
                var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(good[..length], "cut.onnx"));
                Assert.True(ex.ErrorId == ErrorIds.Truncated, $"cut at {length} of {good.Length}: {ex.ErrorId}: {ex.Message}");
            }
        }
    }

    public static TheoryData<string, string> HostilePreludes => new()
    {
        { "key-without-prelude", "but its graph has no ±1 prelude: node 0 is MatMul" },
        { "prelude-without-key", "its graph starts with Add, as the ±1 prelude of a network with signed inputs does, but its metadata does not say 'paritynet.inputs' = 'signed'" },
        { "constant-minus-half", "its prelude adds -0.5 to the doubled bits, not −1" },
        { "constant-plus-one", "its prelude adds 1 to the doubled bits, not −1" },
        { "constant-float-data", "its prelude adds -2 to the doubled bits, not −1" },
        { "constant-two-values", "its prelude's constant 'inputs.minus_one' has 2 values, not the one −1" },
        { "constant-double", "the initializer 'inputs.minus_one' has data type 11, not float (1)" },
        { "constant-scalar", "the initializer 'inputs.minus_one' has shape [], not 1 positive dimensions" },
        { "bits-plus-constant", "its prelude's node 0 (Add) reads 'bits' and 'inputs.minus_one', not 'bits' twice" },
        { "operands-swapped", "its prelude's node 1 (Add) reads 'inputs.minus_one' instead of 'inputs.doubled'" },
        { "matmul-reads-bits", "node 2 (MatMul) reads 'bits' instead of 'inputs.signed'" },
        { "constant-shared-with-bias", "the initializer 'inputs.minus_one' is read by 2 nodes; each layer and the prelude reads its own" },
        { "other-value", "its metadata 'paritynet.inputs' is 'Signed'; this version knows 'signed'" },
        { "signed-without-bias", "its metadata says its inputs are ±1, but its graph has no biases" },
        { "foreign-claims-signed", "its inputs are [x], not exactly 'bits'" },
    };

    [Theory]
    [MemberData(nameof(HostilePreludes))]
    public void APreludeOrKeyNotAsTheExportWritesThem_IsRefusedByName_ByBothReaders(string change, string named)
    {
        byte[] bytes = Hostile(change).ToByteArray();
        using var folder = new ScratchFolder();
        string path = folder.File($"{change}.onnx");
        File.WriteAllBytes(path, bytes);
        foreach (var (reader, read) in new (string, Action)[]
        {
            ("import", () => OnnxImporter.Import(path)),
            ("predictor", () => { using var p = OnnxPredictor.Open(path); }),
        })
        {
            var ex = Assert.Throws<ParityNetException>(read);
            Assert.True(ex.ErrorId == ErrorIds.UnsupportedGraph, $"{change}, {reader}: {ex.ErrorId}: {ex.Message}");
            Assert.Contains(named, ex.Message);
        }
    }

    private static ModelProto Hostile(string change)
    {
        var model = Model(Small(epochs: 20));
        var g = model.Graph;
        var meta = model.MetadataProps;
        TensorProto MinusOne() => g.Initializer.Single(t => t.Name == "inputs.minus_one");
        void Floats(TensorProto t, params float[] values)
        {
            t.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
            t.Dims.Clear();
            t.Dims.Add(values.Length);
        }
        switch (change)
        {
            case "key-without-prelude":
                model = Model(Nets.Make(4, new[] { 3 }, true, 20));
                model.MetadataProps.Insert(0, new StringStringEntryProto { Key = "paritynet.inputs", Value = "signed" });
                break;
            case "prelude-without-key": meta.Remove(meta.Single(e => e.Key == "paritynet.inputs")); break;
            case "constant-minus-half": Floats(MinusOne(), -0.5f); break;
            case "constant-plus-one": Floats(MinusOne(), 1f); break;
            case "constant-float-data":
                MinusOne().ClearRawData();
                MinusOne().FloatData.Add(-2f);
                break;
            case "constant-two-values": Floats(MinusOne(), -1f, -1f); break;
            case "constant-double":
                MinusOne().DataType = 11;
                MinusOne().RawData = ByteString.CopyFrom(BitConverter.GetBytes(-1.0));
                break;
            case "constant-scalar": MinusOne().Dims.Clear(); break;
            case "bits-plus-constant": g.Node[0].Input[1] = "inputs.minus_one"; break;
            case "operands-swapped": (g.Node[1].Input[0], g.Node[1].Input[1]) = (g.Node[1].Input[1], g.Node[1].Input[0]); break;
            case "matmul-reads-bits": g.Node[2].Input[0] = "bits"; break;
            case "constant-shared-with-bias":
                // Layer 1's bias (one unit) read from the prelude's constant: the file would run another network.
                g.Node[6].Input[1] = "inputs.minus_one";
                break;
            case "other-value": meta.Single(e => e.Key == "paritynet.inputs").Value = "Signed"; break;
            case "signed-without-bias":
                // A network without biases, given the prelude and the key: a signed network always has biases.
                model = Model(Nets.Make(4, new[] { 3 }, false, 20));
                g = model.Graph;
                var minusOne = new TensorProto { Name = "inputs.minus_one", DataType = 1 };
                Floats(minusOne, -1f);
                g.Initializer.Add(minusOne);
                g.Node.Insert(0, new NodeProto { Name = "inputs/Signed", OpType = "Add", Input = { "inputs.doubled", "inputs.minus_one" }, Output = { "inputs.signed" } });
                g.Node.Insert(0, new NodeProto { Name = "inputs/Double", OpType = "Add", Input = { "bits", "bits" }, Output = { "inputs.doubled" } });
                g.Node[2].Input[0] = "inputs.signed";
                model.MetadataProps.Insert(0, new StringStringEntryProto { Key = "paritynet.inputs", Value = "signed" });
                break;
            case "foreign-claims-signed":
                model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "foreign", "torch-gemm-sigmoid-op13.onnx")));
                model.MetadataProps.Add(new StringStringEntryProto { Key = "paritynet.inputs", Value = "signed" });
                break;
            default: throw new ArgumentException(change);
        }
        return model;
    }

    [Fact]
    public void ASignedFileStrippedOfItsMetadata_IsNoForeignMlp()
    {
        // Without ParityNet's metadata the file is another tool's, read as a plain MLP of 0/1 inputs; the prelude is no
        // layer of one, so it is refused rather than read as a network that ignores it.
        var model = Model(Small(epochs: 20));
        model.MetadataProps.Clear();
        model.ProducerName = "someone-else";
        var bytes = model.ToByteArray();
        var import = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(bytes, "stripped.onnx"));
        Assert.Equal(ErrorIds.UnsupportedGraph, import.ErrorId);
        var run = Assert.Throws<ParityNetException>(() => OnnxPredictor.FromBytes(bytes, "stripped.onnx", null));
        Assert.Equal(ErrorIds.UnsupportedGraph, run.ErrorId);
    }

    [Fact]
    public void AFileWithoutTheNewTrainingKeys_ImportsWithTheirDefaults()
    {
        // A file written before issue 28 has none of the new keys: it reads as trained without them.
        var model = Model(Nets.Make(4, new[] { 3 }, true, 50));
        foreach (var key in new[] { "paritynet.training.steps_per_epoch", "paritynet.training.batch_size" })
            model.MetadataProps.Remove(model.MetadataProps.Single(e => e.Key == key));
        var back = OnnxImporter.Import(model.ToByteArray(), "old.onnx");
        Assert.False(back.SignedInputs);
        var h = back.History!;
        Assert.Null(h.Settings.HeldOutSize);
        Assert.Null(h.Settings.CheckEvery);
        Assert.Equal(0, h.Settings.WeightDecay);
        Assert.False(h.Settings.RandomLabels);
        Assert.False(h.Sampled);
        Assert.Null(h.StepsPerEpoch);
        Assert.Null(h.BatchSize);
    }

    [Theory]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Adam)]
    public void EverySettingOfTheRun_RoundTrips(OptimizerKind optimizer)
    {
        // Every setting away from its default, so that each must be written and read back to compare equal.
        var options = new TrainingOptions
        {
            Optimizer = optimizer, Alpha = 0.05, Loss = LossFunction.CrossEntropy, BatchSize = 16, Epochs = 2, Seed = 77, SampleSize = 96,
            Momentum = 0.8, Nesterov = true, Beta1 = 0.85, Beta2 = 0.99, Epsilon = 1e-7, ReportInterval = TimeSpan.Zero,
        };
        var network = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 12, HiddenSizes = new[] { 8 }, Seed = 4 }), options);
        using var folder = new ScratchFolder();
        string path = folder.File("settings.onnx");
        OnnxExporter.Export(network, path);
        var meta = Meta(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
        Assert.Equal("77", meta["paritynet.training.seed"]);
        Assert.Equal("96", meta["paritynet.training.sample_size"]);
        Assert.Equal("true", meta["paritynet.training.nesterov"]);
        var (a, b) = (network.History!.Settings, OnnxImporter.ImportChecked(path).Network.History!.Settings);
        Assert.Equal(a.Seed, b.Seed);
        Assert.Equal(a.SampleSize, b.SampleSize);
        Assert.Equal(a.Momentum, b.Momentum);
        Assert.Equal(a.Nesterov, b.Nesterov);
        Assert.Equal(a.Beta1, b.Beta1);
        Assert.Equal(a.Beta2, b.Beta2);
        Assert.Equal(a.Epsilon, b.Epsilon);
        Assert.Equal(a with { ReportInterval = b.ReportInterval }, b);
    }

    [Theory]
    [InlineData("paritynet.training.check_every", "many", "not an integer")]
    [InlineData("paritynet.training.check_every", "99999999999", "not an integer")]
    [InlineData("paritynet.training.held_out_size", "0", "its training summary is invalid")]
    [InlineData("paritynet.training.weight_decay", "-1", "its training summary is invalid")]
    [InlineData("paritynet.training.random_labels", "yes", "not true or false")]
    [InlineData("paritynet.training.steps_per_epoch", "0", "its training summary is invalid")]
    [InlineData("paritynet.training.epochs_requested", "99999999999", "not an integer")]
    [InlineData("paritynet.training.seed", "seven", "not an integer")]
    [InlineData("paritynet.training.sample_size", "0", "its training summary is invalid")]
    [InlineData("paritynet.training.momentum", "1.5", "its training summary is invalid")]
    [InlineData("paritynet.training.nesterov", "yes", "not true or false")]
    [InlineData("paritynet.training.beta1", "NaN", "its training summary is invalid")]
    [InlineData("paritynet.training.beta2", "x", "not a number")]
    [InlineData("paritynet.training.epsilon", "-1", "its training summary is invalid")]
    [InlineData("paritynet.training.optimizer", "RmsProp", "'paritynet.training.optimizer' is 'RmsProp'; known: GradientDescent, Sgd, Momentum, AdaGrad, Adam")]
    [InlineData("paritynet.training.optimizer", "7", "known: GradientDescent")]
    [InlineData("paritynet.training.optimizer", "sgd", "known: GradientDescent")]
    public void ABadTrainingSetting_IsRefusedByName(string key, string value, string named)
    {
        var model = Model(s_regime.Value);
        if (model.MetadataProps.SingleOrDefault(e => e.Key == key) is { } entry) entry.Value = value;
        else model.MetadataProps.Insert(0, new StringStringEntryProto { Key = key, Value = value });
        var ex = Assert.Throws<ParityNetException>(() => OnnxImporter.Import(model.ToByteArray(), "bad.onnx"));
        Assert.True(ex.ErrorId == ErrorIds.UnsupportedGraph, $"{key} = {value}: {ex.ErrorId}: {ex.Message}");
        Assert.Contains(named, ex.Message);
    }
}

/// <summary>The 'paritynet.support' key of a hostile file: refused by name, quickly, by both readers.</summary>
public class HostileSupportTests
{
    private static readonly Lazy<ModelProto> s_sparse = new(() =>
    {
        var network = ParityNetwork.Create(new NetworkSpec { Bits = 6, HiddenSizes = new[] { 4 }, Task = ParityTask.SparseParity, Support = new[] { 1, 4 }, HasBias = true, Seed = 5 });
        using var folder = new ScratchFolder();
        string path = folder.File("sparse.onnx");
        OnnxExporter.Export(network, path);
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
    });

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The error <paramref name="action"/> ends in, or null; a run past the deadline fails the test.</summary>
    private static ParityNetException? ErrorOf(Action action, string reader)
    {
        var work = Task.Run(() =>
        {
            try { action(); return null; }
            catch (ParityNetException ex) { return ex; }
        });
        Assert.True(work.Wait(Deadline), $"{reader} still running after {Deadline.TotalSeconds} s: a hang");
        return work.Result;
    }

    [Fact]
    public void TheSupportRoundTrips()
    {
        Assert.Equal("1,4", s_sparse.Value.MetadataProps.Single(e => e.Key == "paritynet.support").Value);
        Assert.Equal(new[] { 1, 4 }, OnnxImporter.Import(s_sparse.Value.ToByteArray(), "sparse.onnx").Support);
    }

    public static TheoryData<string, string, string> Supports => new()
    {
        { "SparseParity", "1,6", "its support names bit 6, outside 0 to 5, the bits of its input" },
        { "SparseParity", "1,99999", "its support names bit 99999, outside 0 to 5" },
        { "SparseParity", "4,1,4", "its support names bit 4 twice" },
        { "SparseParity", "1,x", "its support '1,x' is not a list of bit numbers" },
        { "SparseParity", "one", "is not a list of bit numbers" },
        { "SparseParity", "", "its support '' is not a list of bit numbers" },
        { "SparseParity", "-1", "is not a list of bit numbers" },
        { "SparseParity", " 1", "is not a list of bit numbers" },
        { "SparseParity", "99999999999", "is not a list of bit numbers" },
        { "SparseParity", "0,1,2,3,4,5,0", "its support lists 7 bits, more than the 6 of its input" },
        { "SparseParity", string.Join(",", Enumerable.Repeat("1", 1 << 20)), "its support lists 1048576 bits, more than the 6 of its input" },
        { "SparseParity", new string('7', 1 << 20), "is not a list of bit numbers" },
        { "Even", "1,4", "it gives a support ('paritynet.support') for the Even task" },
        { "BitParity", "1,4", "it gives a support ('paritynet.support') for the BitParity task" },
        { "SparseParity", null!, "its task is SparseParity but it has no 'paritynet.support'" },
    };

    [Theory]
    [MemberData(nameof(Supports))]
    public void AHostileSupport_IsRefusedByName_WithoutAHang(string task, string? support, string named)
    {
        var model = s_sparse.Value.Clone();
        model.MetadataProps.Single(e => e.Key == "paritynet.task").Value = task;
        var entry = model.MetadataProps.Single(e => e.Key == "paritynet.support");
        if (support is null) model.MetadataProps.Remove(entry);
        else entry.Value = support;
        using var folder = new ScratchFolder();
        string path = folder.File("support.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        foreach (var (reader, read) in new (string, Action)[]
        {
            ("import", () => OnnxImporter.Import(path)),
            ("predictor", () => { using var p = OnnxPredictor.Open(path); }),
        })
        {
            var ex = ErrorOf(read, reader);
            Assert.True(ex is not null, $"{reader} accepted support '{support}' on {task}");
            Assert.True(ex!.ErrorId == ErrorIds.UnsupportedGraph, $"{reader}: {ex.ErrorId}: {ex.Message}");
            Assert.Contains(named, ex.Message);
            Assert.True(ex.Message.Length < 2000, $"a message of {ex.Message.Length} characters quotes the file at length");
        }
    }
}
