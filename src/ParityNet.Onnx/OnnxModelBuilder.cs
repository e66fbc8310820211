using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>Turns a network into an ONNX model: for ±1 inputs the prelude 2b − 1, then per layer MatMul, Add (with biases),
/// the activation; float32 initializers.</summary>
internal static class OnnxModelBuilder
{
    public static ModelProto Build(ParityNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var graph = new GraphProto
        {
            Name = "ParityNet",
            DocString = $"{network.Task} network {string.Join("-", network.LayerSizes)} ({(network.HasBias ? "with" : "no")} bias). " +
                        $"Input '{OnnxFormat.InputName}': the integer's {network.Bits} bits, most significant first, as 0/1" +
                        (network.SignedInputs ? ", mapped to ±1 (2b − 1) by the first two nodes" : "") + "; " +
                        $"output '{OnnxFormat.OutputName}': the probability of label 1.",
        };
        graph.Input.Add(TensorInfo(OnnxFormat.InputName, network.Bits));
        graph.Output.Add(TensorInfo(OnnxFormat.OutputName, 1));

        string activationOp = ActivationOp(network.Activation);
        string x = OnnxFormat.InputName;
        if (network.SignedInputs)
        {
            // The input stays the bits as 0/1, so every consumer feeds the file as it feeds any other; b + b − 1 is
            // 2b − 1 exactly in float32, with operators every reader of ParityNet's files already runs.
            graph.Initializer.Add(FloatTensor(OnnxFormat.MinusOneName, new[] { -1.0 }, 1));
            graph.Node.Add(Node("inputs/Double", "Add", [x, x], OnnxFormat.DoubledName));
            graph.Node.Add(Node("inputs/Signed", "Add", [OnnxFormat.DoubledName, OnnxFormat.MinusOneName], OnnxFormat.SignedName));
            x = OnnxFormat.SignedName;
        }
        int layers = network.Weights.Count;
        for (int l = 0; l < layers; l++)
        {
            var w = network.Weights[l];
            graph.Initializer.Add(FloatTensor(OnnxFormat.WeightName(l), w.AsSpan(), w.Rows, w.Columns));
            string z = $"layer{l}.matmul";
            graph.Node.Add(Node($"layer{l}/MatMul", "MatMul", [x, OnnxFormat.WeightName(l)], z));
            if (network.HasBias)
            {
                graph.Initializer.Add(FloatTensor(OnnxFormat.BiasName(l), network.Biases[l], w.Columns));
                string added = $"layer{l}.add";
                graph.Node.Add(Node($"layer{l}/Add", "Add", [z, OnnxFormat.BiasName(l)], added));
                z = added;
            }
            bool last = l == layers - 1;
            // The output unit is always a sigmoid; hidden layers use the network's activation.
            string op = last ? "Sigmoid" : activationOp;
            string y = last ? OnnxFormat.OutputName : $"layer{l}.{op.ToLowerInvariant()}";
            graph.Node.Add(Node($"layer{l}/{op}", op, [z], y));
            x = y;
        }

        var model = new ModelProto
        {
            IrVersion = OnnxFormat.IrVersion,
            ProducerName = OnnxFormat.ProducerName,
            ProducerVersion = ModuleVersion,
            Domain = "ai.paritynet",
            ModelVersion = 1,
            DocString = $"A ParityNet network: {network}. Written by Export-NetworkOnnx; read back with Import-NetworkOnnx.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxFormat.Opset });
        foreach (var (key, value) in Metadata(network))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    public static byte[] Serialize(ParityNetwork network) => Build(network).ToByteArray();

    /// <summary>The module version: the assembly's informational version without a source-revision suffix.</summary>
    public static string ModuleVersion
    {
        get
        {
            var info = typeof(OnnxModelBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return string.IsNullOrEmpty(info) ? "0.0.0" : info.Split('+')[0];
        }
    }

    /// <summary>The ONNX operators of the activations, in <see cref="Activation"/> order.</summary>
    internal static readonly string[] ActivationOps = { "Sigmoid", "Tanh", "Relu" };

    internal static string ActivationOp(Activation activation) => activation switch
    {
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.ReLU => "Relu",
        _ => throw new ParityNetException(ErrorIds.UnsupportedGraph, ParityErrorKind.InvalidArgument,
            $"The activation {activation} has no ONNX mapping yet.", activation),
    };

    internal static IEnumerable<(string Key, string Value)> Metadata(ParityNetwork network)
    {
        yield return (OnnxFormat.Keys.Format, "1");
        yield return (OnnxFormat.Keys.Task, network.Task.ToString());
        if (network.Support.Count > 0) yield return (OnnxFormat.Keys.Support, string.Join(",", network.Support.Select(b => Text(b))));
        yield return (OnnxFormat.Keys.Bits, Text(network.Bits));
        yield return (OnnxFormat.Keys.LayerSizes, string.Join(",", network.LayerSizes.Select(s => Text(s))));
        yield return (OnnxFormat.Keys.Activation, network.Activation.ToString());
        yield return (OnnxFormat.Keys.Initialization, network.Spec.Initialization.ToString());
        yield return (OnnxFormat.Keys.HasBias, network.HasBias ? "true" : "false");
        if (network.SignedInputs) yield return (OnnxFormat.Keys.Inputs, OnnxFormat.SignedInputs); // before 'trained': a cut file cannot lose it unseen
        yield return (OnnxFormat.Keys.Seed, Text(network.Seed));
        yield return (OnnxFormat.Keys.BitOrder, "msb-first");
        yield return (OnnxFormat.Keys.Trained, network.History is null ? "false" : "true");
        if (network.History is not { } h) yield break;
        yield return (OnnxFormat.Keys.Optimizer, h.Optimizer);
        yield return (OnnxFormat.Keys.Alpha, Text(h.Alpha));
        yield return (OnnxFormat.Keys.Loss, h.LossFunction.ToString());
        if (h.BatchSize is int batch) yield return (OnnxFormat.Keys.BatchSize, Text(batch));
        yield return (OnnxFormat.Keys.EpochsRequested, Text(h.EpochsRequested));
        yield return (OnnxFormat.Keys.EpochsRun, Text(h.EpochsRun));
        if (h.TargetAccuracy is double ta) yield return (OnnxFormat.Keys.TargetAccuracy, Text(ta));
        if (h.TargetLoss is double tl) yield return (OnnxFormat.Keys.TargetLoss, Text(tl));
        yield return (OnnxFormat.Keys.FinalLoss, Text(h.FinalLoss));
        yield return (OnnxFormat.Keys.FinalAccuracy, Text(h.FinalAccuracy));
        yield return (OnnxFormat.Keys.StopReason, h.StopReason.ToString());
        // Added with issue 28: each setting only when it differs from its default, the steps per epoch when known.
        var settings = h.Settings;
        if (settings.HeldOutSize is int held) yield return (OnnxFormat.Keys.HeldOutSize, Text(held));
        if (settings.CheckEvery is int every) yield return (OnnxFormat.Keys.CheckEvery, Text(every));
        if (settings.WeightDecay != 0) yield return (OnnxFormat.Keys.WeightDecay, Text(settings.WeightDecay));
        if (settings.RandomLabels) yield return (OnnxFormat.Keys.RandomLabels, "true");
        // The rest of the settings, so that an imported history's Settings are those of the run.
        var defaults = new TrainingOptions();
        if (settings.Seed is long trainingSeed) yield return (OnnxFormat.Keys.TrainingSeed, Text(trainingSeed));
        if (settings.SampleSize != defaults.SampleSize) yield return (OnnxFormat.Keys.SampleSize, Text(settings.SampleSize));
        if (settings.Momentum != defaults.Momentum) yield return (OnnxFormat.Keys.Momentum, Text(settings.Momentum));
        if (settings.Nesterov) yield return (OnnxFormat.Keys.Nesterov, "true");
        if (settings.Beta1 != defaults.Beta1) yield return (OnnxFormat.Keys.Beta1, Text(settings.Beta1));
        if (settings.Beta2 != defaults.Beta2) yield return (OnnxFormat.Keys.Beta2, Text(settings.Beta2));
        if (settings.Epsilon is double epsilon) yield return (OnnxFormat.Keys.Epsilon, Text(epsilon));
        if (h.Sampled) yield return (OnnxFormat.Keys.Sampled, "true");
        if (h.StepsPerEpoch is int steps) yield return (OnnxFormat.Keys.StepsPerEpoch, Text(steps));
        yield return (OnnxFormat.Keys.WallTimeMs, Text(h.WallTime.TotalMilliseconds)); // last: the importer's sign of a whole file
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static ValueInfoProto TensorInfo(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxFormat.BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxFormat.FloatType, Shape = shape } },
        };
    }

    private static NodeProto Node(string name, string op, string[] inputs, string output)
    {
        var node = new NodeProto { Name = name, OpType = op, Domain = "" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto FloatTensor(string name, ReadOnlySpan<double> values, params long[] dims)
    {
        // raw_data is little-endian float32, as the spec fixes it.
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
        var tensor = new TensorProto { Name = name, DataType = OnnxFormat.FloatType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
