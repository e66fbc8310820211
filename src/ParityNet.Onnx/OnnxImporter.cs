using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>What an import read: the network, and how well ONNX Runtime and the engine agreed on the file.</summary>
/// <param name="Network">The network.</param>
/// <param name="Path">The file.</param>
/// <param name="InputsCompared">The inputs ONNX Runtime and the engine were compared on.</param>
/// <param name="MaxAbsDifference">The largest |engine − ONNX Runtime| probability over them.</param>
/// <param name="Foreign">Whether another tool wrote the file (no ParityNet metadata).</param>
/// <param name="Description">What was read, in a sentence.</param>
public sealed record OnnxImport(ParityNetwork Network, string Path, long InputsCompared, double MaxAbsDifference, bool Foreign, string Description)
{
    /// <summary>The tolerance the largest difference was held to: <see cref="OnnxExporter.ToleranceFloor"/>, or that input's float32 bound.</summary>
    public double Tolerance { get; init; } = OnnxExporter.ToleranceFloor;
}

/// <summary>
/// Reads a ParityNet ONNX file back into a network. The graph must be exactly the one
/// <see cref="OnnxExporter"/> writes; every size is checked against the engine's limits before
/// any weight array is allocated. Errors say which problem it is: <see cref="ErrorIds.NotOnnx"/>,
/// <see cref="ErrorIds.Truncated"/> or <see cref="ErrorIds.UnsupportedGraph"/>.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The largest file read: 1 GiB, more than the weights of any network the engine can train.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Reads the network in <paramref name="path"/>, cross-checked (see <see cref="ImportChecked"/>).</summary>
    /// <exception cref="ParityNetException">the file is missing, not ONNX, truncated, not a network ParityNet can
    /// take, or ONNX Runtime and the engine disagree on it.</exception>
    public static ParityNetwork Import(string path, ForeignOptions? options = null) => ImportChecked(path, options).Network;

    /// <summary>Reads the network in <paramref name="path"/>: a ParityNet file, or a standard MLP another tool
    /// wrote (read as <paramref name="options"/> say). Then ONNX Runtime runs the file and the engine runs the
    /// network over every input up to 16 bits (a seeded sample beyond); unless they agree within
    /// <see cref="OnnxExporter.ToleranceFloor"/> or, above it, what float32 arithmetic allows for that input
    /// (<see cref="Float32Bound"/>), no network is returned.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled during the cross-check.</exception>
    public static OnnxImport ImportChecked(string path, ForeignOptions? options = null, IProgress<CrossCheckProgress>? progress = null, CancellationToken cancel = default)
    {
        byte[] bytes = ReadFile(path);
        cancel.ThrowIfCancellationRequested();
        var model = Parse(bytes, path);
        cancel.ThrowIfCancellationRequested();
        ParityNetwork network;
        string description;
        bool foreign = !IsParityNet(model);
        OnnxPredictor predictor;
        if (!foreign)
        {
            network = ToNetwork(model, path);
            description = $"a ParityNet file: {network}";
            predictor = OnnxPredictor.FromModel(model, path, null, network, cancel);
        }
        else
        {
            options ??= new ForeignOptions();
            var signature = ForeignMlp.Signature(model, path);
            (network, bool logit, description) = ForeignMlp.ToNetwork(model, path, signature, options);
            description = $"{model.ProducerName switch { { Length: > 0 } p => p, _ => "an unnamed tool" }}'s {description}; task {options.Task}, bits {(options.BitOrder == BitOrder.MsbFirst ? "most" : "least")} significant first";
            predictor = OnnxPredictor.FromModel(model, path, options with { OutputKind = logit ? OnnxOutputKind.Logit : OnnxOutputKind.Probability }, null, cancel);
        }
        CrossCheckOutcome check;
        using (predictor)
            check = OnnxExporter.CrossCheck(network, predictor, OnnxPredictor.DefaultBatchSize, progress, cancel);
        if (!check.Passed)
            throw new ParityNetException(ErrorIds.CrossCheckFailed, ParityErrorKind.InvalidData,
                $"ONNX Runtime's answer for {check.WorstInput} from '{path}' differs from the converted network's by {check.WorstDiff:0.###e+0}, more than float32 arithmetic allows there ({check.WorstTolerance:0.###e+0}), so no network was returned. The file computes something ParityNet's network does not.",
                check.WorstDiff);
        return new OnnxImport(network, path, check.Compared, check.MaxDiff, foreign, description) { Tolerance = check.Tolerance };
    }

    /// <summary>Reads a network from a model's bytes without running it; <paramref name="source"/> names it in errors.</summary>
    public static ParityNetwork Import(byte[] model, string source = "the model", ForeignOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parsed = Parse(model, source);
        if (IsParityNet(parsed)) return ToNetwork(parsed, source);
        return ForeignMlp.ToNetwork(parsed, source, ForeignMlp.Signature(parsed, source), options ?? new ForeignOptions()).Network;
    }

    /// <summary>Why bytes that failed as a model are not one: a text file named .onnx (a CSV, a JSON, a note) is told as
    /// text, quoting its start; anything else keeps the byte-level diagnosis a damaged model needs. Text here is UTF-8
    /// whose first 512 bytes hold no control characters but tab and line ends; ONNX's first byte never is one.</summary>
    internal static string NotModel(byte[] bytes, string why)
    {
        int length = Math.Min(bytes.Length, 512);
        string head = System.Text.Encoding.UTF8.GetString(bytes, 0, length);
        if (length < bytes.Length) head = head.TrimEnd('\uFFFD'); // a character cut at byte 512
        if (head.Contains('\uFFFD') || head.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))) return why;
        string line = head.Trim().Split('\n')[0].Trim();
        string start = line.Length == 0 ? "only blank lines" : $"'{(line.Length > 40 ? line[..40] + "…" : line)}'";
        return $"it is a text file (it starts {start}), and an ONNX model is a binary file";
    }

    /// <summary>Whether the model carries ParityNet's producer name or metadata, and so is held to ParityNet's own graph.</summary>
    internal static bool IsParityNet(ModelProto model) =>
        model.ProducerName == OnnxFormat.ProducerName || model.MetadataProps.Any(m => m.Key.StartsWith("paritynet.", StringComparison.Ordinal));

    /// <summary>The bytes of <paramref name="path"/>: a regular file (links followed) of at most <see cref="MaxFileBytes"/>,
    /// a cap that holds while reading, whatever size the file claims.</summary>
    internal static byte[] ReadFile(string path) => SafeFile.ReadAllBytes(path, MaxFileBytes, "an ONNX model such as model.onnx");

    // ModelProto's top-level fields and their wire types (onnx.proto): what a model may start with.
    private static readonly Dictionary<int, WireFormat.WireType> s_modelFields = new()
    {
        [1] = WireFormat.WireType.Varint, [2] = WireFormat.WireType.LengthDelimited, [3] = WireFormat.WireType.LengthDelimited,
        [4] = WireFormat.WireType.LengthDelimited, [5] = WireFormat.WireType.Varint, [6] = WireFormat.WireType.LengthDelimited,
        [7] = WireFormat.WireType.LengthDelimited, [8] = WireFormat.WireType.LengthDelimited, [14] = WireFormat.WireType.LengthDelimited,
        [20] = WireFormat.WireType.LengthDelimited, [25] = WireFormat.WireType.LengthDelimited,
    };

    private static readonly MessageParser<ModelProto> s_parser = ModelProto.Parser.WithDiscardUnknownFields(true);

    /// <summary>Parses the bytes as an ONNX model, tells "not ONNX" from "truncated", and checks that its graph
    /// is safe to walk and run (<see cref="GraphCheck.Check"/>).</summary>
    internal static ModelProto Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw OnnxErrors.NotOnnx(source, "the file is empty");

        // Walk the top-level fields first: a file that starts with ir_version and whose fields are all
        // ModelProto's until the data runs out is a cut-off model; anything else is not ONNX.
        var input = new CodedInputStream(bytes);
        bool startsAsModel = bytes[0] == WireFormat.MakeTag(1, WireFormat.WireType.Varint);
        try
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                if (!s_modelFields.TryGetValue(field, out var wire) || wire != WireFormat.GetTagWireType(tag))
                    throw OnnxErrors.NotOnnx(source, NotModel(bytes, $"byte {input.Position} holds field {field} (wire type {WireFormat.GetTagWireType(tag)}), which no ONNX model has"));
                input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            if (startsAsModel && IsTruncation(ex))
                throw OnnxErrors.Truncated(source, $"it ends in the middle of a field after {bytes.Length} bytes", ex);
            throw OnnxErrors.NotOnnx(source, NotModel(bytes, "its bytes are not an ONNX protobuf message"), ex);
        }

        ModelProto model;
        try
        {
            // Unknown fields are dropped: what ONNX Runtime later runs is re-serialized from this model, so a
            // field ParityNet does not know can neither hide from the checks nor reach ONNX Runtime.
            model = s_parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw OnnxErrors.NotOnnx(source, NotModel(bytes, "a message inside it is corrupt (" + ex.Message.Split('.')[0] + ")"), ex);
        }
        if (!model.HasIrVersion || model.IrVersion <= 0)
            throw OnnxErrors.NotOnnx(source, NotModel(bytes, "it has no ONNX IR version"));
        if (model.Graph is null)
            throw OnnxErrors.Truncated(source, "it ends before its graph");
        GraphCheck.Check(model, source);
        return model;
    }

    private static bool IsTruncation(InvalidProtocolBufferException ex) =>
        ex.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("ended unexpectedly", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the graph against the exported form exactly and rebuilds the network.</summary>
    internal static ParityNetwork ToNetwork(ModelProto model, string source)
    {
        bool ours = model.ProducerName == OnnxFormat.ProducerName;
        var metadata = ReadMetadata(model, source);
        // Fields after the graph: a ParityNet file that lacks them was cut short on a field boundary.
        if (ours && (model.OpsetImport.Count == 0 || !metadata.ContainsKey(OnnxFormat.Keys.Trained) ||
                     metadata[OnnxFormat.Keys.Trained] == "true" && !metadata.ContainsKey(OnnxFormat.Keys.WallTimeMs)))
            throw OnnxErrors.Truncated(source, "its opset or ParityNet metadata is missing or incomplete");

        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < OnnxFormat.MinImportOpset)
            throw OnnxErrors.Unsupported(source, opset == 0 ? "it imports no default-domain opset" : $"it uses opset {opset}, older than {OnnxFormat.MinImportOpset}");

        var graph = model.Graph;
        int bits = CheckValue(source, graph.Input, OnnxFormat.InputName, "input");
        if (bits < 1 || bits > EngineLimits.MaxBits)
            throw OnnxErrors.Unsupported(source, $"its input has {bits} bits; the engine takes 1 to {EngineLimits.MaxBits}");
        int outputWidth = CheckValue(source, graph.Output, OnnxFormat.OutputName, "output");
        if (outputWidth != 1)
            throw OnnxErrors.Unsupported(source, $"its output has width {outputWidth}, not 1");

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (!initializers.TryAdd(t.Name, t))
                throw OnnxErrors.Unsupported(source, $"the initializer '{t.Name}' appears twice");

        // Walk the nodes: for ±1 inputs the prelude, then per layer MatMul(x, W) [→ Add(·, b)] → activation (the output's is Sigmoid).
        bool signedInputs = SignedInputs(source, metadata);
        var weightTensors = new List<TensorProto>();
        var biasTensors = new List<TensorProto>();
        var sizes = new List<int> { bits };
        bool? hasBias = null;
        var activationOps = new List<string>();
        string x = OnnxFormat.InputName;
        int i = 0;
        var nodes = graph.Node;
        var preludeTensors = new List<string>();
        if (signedInputs)
        {
            (x, string constant) = Prelude(source, nodes, initializers);
            i = 2;
            preludeTensors.Add(constant);
        }
        else if (nodes.Count > 0 && nodes[0].OpType == "Add")
            throw OnnxErrors.Unsupported(source, $"its graph starts with Add, as the ±1 prelude of a network with signed inputs does, but its metadata does not say '{OnnxFormat.Keys.Inputs}' = '{OnnxFormat.SignedInputs}': " +
                "a graph of 0/1 inputs starts with layer 0's MatMul");
        while (i < nodes.Count)
        {
            int layer = weightTensors.Count;
            if (layer > EngineLimits.MaxHiddenLayers)
                throw OnnxErrors.Unsupported(source, $"it has more than {EngineLimits.MaxHiddenLayers + 1} layers");
            var matMul = Expect(source, nodes, i++, "MatMul", 2);
            if (matMul.Input[0] != x)
                throw OnnxErrors.Unsupported(source, $"node {i - 1} (MatMul) reads '{matMul.Input[0]}' instead of '{x}'");
            var w = Initializer(source, initializers, matMul.Input[1], 2);
            if (w.Dims[0] != sizes[^1])
                throw OnnxErrors.Unsupported(source, $"layer {layer}'s weights have {w.Dims[0]} rows, but the layer below has {sizes[^1]} units");
            if (w.Dims[1] < 1 || w.Dims[1] > EngineLimits.MaxHiddenSize)
                throw OnnxErrors.Unsupported(source, $"layer {layer} has {w.Dims[1]} units; the engine takes 1 to {EngineLimits.MaxHiddenSize}");
            int units = (int)w.Dims[1];
            string z = matMul.Output[0];

            bool layerBias = i < nodes.Count && nodes[i].OpType == "Add";
            if (hasBias is bool hb && hb != layerBias)
                throw OnnxErrors.Unsupported(source, $"layer {layer} {(layerBias ? "has" : "lacks")} a bias Add while layer 0 {(hb ? "has one" : "does not")}");
            hasBias = layerBias;
            if (layerBias)
            {
                var add = Expect(source, nodes, i++, "Add", 2);
                if (add.Input[0] != z)
                    throw OnnxErrors.Unsupported(source, $"node {i - 1} (Add) reads '{add.Input[0]}' instead of '{z}'");
                var b = Initializer(source, initializers, add.Input[1], 1);
                if (b.Dims[0] != units)
                    throw OnnxErrors.Unsupported(source, $"layer {layer}'s bias has {b.Dims[0]} values for {units} units");
                biasTensors.Add(b);
                z = add.Output[0];
            }
            string op = i < nodes.Count && OnnxModelBuilder.ActivationOps.Contains(nodes[i].OpType) ? nodes[i].OpType : "Sigmoid";
            var act = Expect(source, nodes, i++, op, 1);
            if (act.Input[0] != z)
                throw OnnxErrors.Unsupported(source, $"node {i - 1} ({op}) reads '{act.Input[0]}' instead of '{z}'");
            activationOps.Add(op);
            weightTensors.Add(w);
            sizes.Add(units);
            x = act.Output[0];
        }
        if (weightTensors.Count < 2)
            throw OnnxErrors.Unsupported(source, $"it has {weightTensors.Count} layers; a ParityNet network has at least one hidden layer and the output");
        if (x != OnnxFormat.OutputName)
            throw OnnxErrors.Unsupported(source, $"its last node writes '{x}', not the output '{OnnxFormat.OutputName}'");
        if (sizes[^1] != 1)
            throw OnnxErrors.Unsupported(source, $"its last layer has {sizes[^1]} units, not 1");
        if (activationOps[^1] != "Sigmoid")
            throw OnnxErrors.Unsupported(source, $"its output unit is {activationOps[^1]}, not Sigmoid");
        var hiddenOps = activationOps.Take(activationOps.Count - 1).Distinct().ToList();
        if (hiddenOps.Count != 1)
            throw OnnxErrors.Unsupported(source, $"its hidden layers mix activations ({string.Join(", ", hiddenOps)})");
        // Each initializer read once: a tensor read twice (the prelude's −1 as the output's bias, say) would leave another
        // unread while the counts still matched.
        var read = preludeTensors.Concat(weightTensors.Concat(biasTensors).Select(t => t.Name)).ToList();
        if (read.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(n => n.Count() > 1) is { } twice)
            throw OnnxErrors.Unsupported(source, $"the initializer '{Clip(twice.Key)}' is read by {twice.Count()} nodes; each layer{(signedInputs ? " and the prelude" : "")} reads its own");
        if (initializers.Count != read.Count)
            throw OnnxErrors.Unsupported(source, $"it has {initializers.Count} initializers but its {(signedInputs ? "prelude and " : "")}layers use {read.Count}");

        // The shape is known: check it against the metadata and the engine's limits before allocating.
        var spec = Spec(source, metadata, sizes, hasBias == true, signedInputs);
        if (OnnxModelBuilder.ActivationOp(spec.Activation) != hiddenOps[0])
            throw OnnxErrors.Unsupported(source, $"its metadata gives the activation {spec.Activation}, its graph {hiddenOps[0]}");
        ParityNetwork.Validate(spec);
        var weights = weightTensors.Select(t => ReadFloats(source, t)).ToArray();
        var biases = hasBias == true ? biasTensors.Select(t => ReadFloats(source, t)).ToArray() : null;
        try
        {
            return ParityNetwork.FromWeights(spec, weights, biases, History(source, metadata));
        }
        catch (ParityNetException ex) when (ex.ErrorId == ErrorIds.InvalidWeights)
        {
            throw OnnxErrors.Unsupported(source, ex.Message);
        }
    }

    /// <summary>Whether the metadata says the inputs are ±1 (<see cref="OnnxFormat.Keys.Inputs"/>); absent, they are the bits as 0/1.</summary>
    private static bool SignedInputs(string source, Dictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(OnnxFormat.Keys.Inputs, out var value)) return false;
        if (value == OnnxFormat.SignedInputs) return true;
        throw OnnxErrors.Unsupported(source, $"its metadata '{OnnxFormat.Keys.Inputs}' is '{Clip(value)}'; this version knows '{OnnxFormat.SignedInputs}' (±1 inputs), or no such key (the bits as 0/1)");
    }

    /// <summary>Checks that the graph opens with the ±1 prelude exactly as <see cref="OnnxModelBuilder"/> writes it,
    /// Add(bits, bits) → Add(·, c) with c a float32 [1] holding −1, and returns the name layer 0's MatMul must read, and the constant's.
    /// Anything else (no prelude, other operands, another constant) would compute other inputs than the ±1 the
    /// metadata promises, and the network read from the file would not be the one the file runs.</summary>
    private static (string Output, string Constant) Prelude(string source, IList<NodeProto> nodes, Dictionary<string, TensorProto> initializers)
    {
        string claim = $"its metadata says '{OnnxFormat.Keys.Inputs}' = '{OnnxFormat.SignedInputs}' (bit b enters as 2b − 1)";
        if (nodes.Count == 0 || nodes[0].OpType != "Add")
            throw OnnxErrors.Unsupported(source, $"{claim}, but its graph has no ±1 prelude: {(nodes.Count == 0 ? "it has no nodes" : $"node 0 is {nodes[0].OpType}")} where " +
                $"Add('{OnnxFormat.InputName}', '{OnnxFormat.InputName}') → Add(·, −1) belongs, before layer 0's MatMul");
        var doubled = Expect(source, nodes, 0, "Add", 2);
        if (doubled.Input[0] != OnnxFormat.InputName || doubled.Input[1] != OnnxFormat.InputName)
            throw OnnxErrors.Unsupported(source, $"{claim}, but its prelude's node 0 (Add) reads '{Clip(doubled.Input[0])}' and '{Clip(doubled.Input[1])}', not '{OnnxFormat.InputName}' twice (b + b)");
        var shifted = Expect(source, nodes, 1, "Add", 2);
        if (shifted.Input[0] != doubled.Output[0])
            throw OnnxErrors.Unsupported(source, $"{claim}, but its prelude's node 1 (Add) reads '{Clip(shifted.Input[0])}' instead of '{Clip(doubled.Output[0])}'");
        var constant = Initializer(source, initializers, shifted.Input[1], 1);
        if (constant.Dims[0] != 1)
            throw OnnxErrors.Unsupported(source, $"{claim}, but its prelude's constant '{Clip(constant.Name)}' has {constant.Dims[0]} values, not the one −1");
        double value = ReadFloats(source, constant)[0];
        if (BitConverter.DoubleToInt64Bits(value) != BitConverter.DoubleToInt64Bits(-1.0))
            throw OnnxErrors.Unsupported(source, $"{claim}, but its prelude adds {value.ToString("R", CultureInfo.InvariantCulture)} to the doubled bits, not −1, so the graph's inputs are not ±1");
        return (shifted.Output[0], constant.Name);
    }

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private static Dictionary<string, string> ReadMetadata(ModelProto model, string source)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
            if (!metadata.TryAdd(entry.Key, entry.Value))
                throw OnnxErrors.Unsupported(source, $"the metadata key '{entry.Key}' appears twice");
        return metadata;
    }

    private static NetworkSpec Spec(string source, Dictionary<string, string> metadata, List<int> sizes, bool hasBias, bool signedInputs)
    {
        if (!metadata.TryGetValue(OnnxFormat.Keys.Format, out var format))
            throw OnnxErrors.Unsupported(source, $"it has no ParityNet metadata ('{OnnxFormat.Keys.Format}'), so its task is unknown");
        if (format != "1")
            throw OnnxErrors.Unsupported(source, $"its ParityNet metadata format is '{format}'; this version reads format 1");
        var task = EnumValue<ParityTask>(source, metadata, OnnxFormat.Keys.Task);
        var activation = EnumValue<Activation>(source, metadata, OnnxFormat.Keys.Activation);
        string graphSizes = string.Join(",", sizes);
        if (Required(source, metadata, OnnxFormat.Keys.LayerSizes) != graphSizes)
            throw OnnxErrors.Unsupported(source, $"its metadata gives layer sizes {metadata[OnnxFormat.Keys.LayerSizes]}, its graph {graphSizes}");
        if (Int64(source, metadata, OnnxFormat.Keys.Bits) != sizes[0])
            throw OnnxErrors.Unsupported(source, $"its metadata gives {metadata[OnnxFormat.Keys.Bits]} bits, its graph {sizes[0]}");
        if (Required(source, metadata, OnnxFormat.Keys.HasBias) != (hasBias ? "true" : "false"))
            throw OnnxErrors.Unsupported(source, $"its metadata says has_bias {metadata[OnnxFormat.Keys.HasBias]}, its graph {(hasBias ? "has" : "has no")} bias");
        if (signedInputs && !hasBias)
            throw OnnxErrors.Unsupported(source, "its metadata says its inputs are ±1, but its graph has no biases: a network with ±1 inputs always has them");
        if (metadata.TryGetValue(OnnxFormat.Keys.BitOrder, out var order) && order != "msb-first")
            throw OnnxErrors.Unsupported(source, $"its bit order is '{order}', not msb-first");
        return new NetworkSpec
        {
            Bits = sizes[0],
            HiddenSizes = sizes.Skip(1).Take(sizes.Count - 2).ToArray(),
            Task = task,
            Activation = activation,
            Initialization = metadata.ContainsKey(OnnxFormat.Keys.Initialization) ? EnumValue<Initialization>(source, metadata, OnnxFormat.Keys.Initialization) : Initialization.Uniform,
            HasBias = hasBias,
            SignedInputs = signedInputs,
            Seed = Int64(source, metadata, OnnxFormat.Keys.Seed),
            Support = Support(source, metadata, task, sizes[0]),
        };
    }

    /// <summary>SparseParity's support from the metadata: bit numbers from 0 to bits − 1, each once; named as the file's
    /// problem (<see cref="ErrorIds.UnsupportedGraph"/>), not as a parameter the caller gave.</summary>
    private static int[]? Support(string source, Dictionary<string, string> metadata, ParityTask task, int bits)
    {
        if (!metadata.TryGetValue(OnnxFormat.Keys.Support, out var text))
            return task == ParityTask.SparseParity ? throw OnnxErrors.Unsupported(source, $"its task is SparseParity but it has no '{OnnxFormat.Keys.Support}'") : null;
        if (task != ParityTask.SparseParity) throw OnnxErrors.Unsupported(source, $"it gives a support ('{OnnxFormat.Keys.Support}') for the {task} task");
        int count = text.AsSpan().Count(',') + 1; // counted before splitting: a key of a gigabyte of "1," is not split
        if (count > bits) throw OnnxErrors.Unsupported(source, $"its support lists {count} bits, more than the {bits} of its input");
        var items = text.Split(',');
        var support = items.Select(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int bit) ? bit
            : throw OnnxErrors.Unsupported(source, $"its support '{Clip(text)}' is not a list of bit numbers")).ToArray();
        var seen = new HashSet<int>();
        foreach (int bit in support)
        {
            if (bit >= bits) throw OnnxErrors.Unsupported(source, $"its support names bit {bit}, outside 0 to {bits - 1}, the bits of its input");
            if (!seen.Add(bit)) throw OnnxErrors.Unsupported(source, $"its support names bit {bit} twice");
        }
        return support;
    }

    private static readonly TrainingOptions Defaults = new();

    private static TrainingHistory? History(string source, Dictionary<string, string> metadata)
    {
        string trained = Required(source, metadata, OnnxFormat.Keys.Trained);
        if (trained == "false") return null;
        if (trained != "true") throw OnnxErrors.Unsupported(source, $"'{OnnxFormat.Keys.Trained}' is '{trained}', not true or false");
        // One of the names the exporter writes (OptimizerKind's), exactly: another is refused, not read as gradient descent.
        var optimizer = EnumValue<OptimizerKind>(source, metadata, OnnxFormat.Keys.Optimizer);
        // The rows per update: gradient descent's full batch is no setting; a mini-batch optimizer's is the one asked for
        // (or its default), which CheckEvery's limit on the rows between checks is measured by.
        int? batch = metadata.ContainsKey(OnnxFormat.Keys.BatchSize) ? Int32(source, metadata, OnnxFormat.Keys.BatchSize) : null;
        var options = new TrainingOptions
        {
            Optimizer = optimizer,
            Loss = metadata.ContainsKey(OnnxFormat.Keys.Loss) ? EnumValue<LossFunction>(source, metadata, OnnxFormat.Keys.Loss) : LossFunction.MeanSquaredError,
            Alpha = Double(source, metadata, OnnxFormat.Keys.Alpha),
            Epochs = Int32(source, metadata, OnnxFormat.Keys.EpochsRequested),
            BatchSize = optimizer == OptimizerKind.GradientDescent ? null : batch,
            TargetAccuracy = metadata.ContainsKey(OnnxFormat.Keys.TargetAccuracy) ? Double(source, metadata, OnnxFormat.Keys.TargetAccuracy) : null,
            TargetLoss = metadata.ContainsKey(OnnxFormat.Keys.TargetLoss) ? Double(source, metadata, OnnxFormat.Keys.TargetLoss) : null,
            // Settings added with issue 28; a file written before has none of them, and gets their defaults.
            HeldOutSize = metadata.ContainsKey(OnnxFormat.Keys.HeldOutSize) ? Int32(source, metadata, OnnxFormat.Keys.HeldOutSize) : null,
            CheckEvery = metadata.ContainsKey(OnnxFormat.Keys.CheckEvery) ? Int32(source, metadata, OnnxFormat.Keys.CheckEvery) : null,
            WeightDecay = metadata.ContainsKey(OnnxFormat.Keys.WeightDecay) ? Double(source, metadata, OnnxFormat.Keys.WeightDecay) : 0,
            RandomLabels = Flag(source, metadata, OnnxFormat.Keys.RandomLabels),
            // Settings added after issue 28; absent, each takes its default.
            Seed = metadata.ContainsKey(OnnxFormat.Keys.TrainingSeed) ? Int64(source, metadata, OnnxFormat.Keys.TrainingSeed) : null,
            SampleSize = metadata.ContainsKey(OnnxFormat.Keys.SampleSize) ? Int32(source, metadata, OnnxFormat.Keys.SampleSize) : TrainingOptions.DefaultSampleSize,
            Momentum = metadata.ContainsKey(OnnxFormat.Keys.Momentum) ? Double(source, metadata, OnnxFormat.Keys.Momentum) : Defaults.Momentum,
            Nesterov = Flag(source, metadata, OnnxFormat.Keys.Nesterov),
            Beta1 = metadata.ContainsKey(OnnxFormat.Keys.Beta1) ? Double(source, metadata, OnnxFormat.Keys.Beta1) : Defaults.Beta1,
            Beta2 = metadata.ContainsKey(OnnxFormat.Keys.Beta2) ? Double(source, metadata, OnnxFormat.Keys.Beta2) : Defaults.Beta2,
            Epsilon = metadata.ContainsKey(OnnxFormat.Keys.Epsilon) ? Double(source, metadata, OnnxFormat.Keys.Epsilon) : null,
        };
        int epochsRun = Int32(source, metadata, OnnxFormat.Keys.EpochsRun);
        double finalLoss = Double(source, metadata, OnnxFormat.Keys.FinalLoss), finalAccuracy = Double(source, metadata, OnnxFormat.Keys.FinalAccuracy);
        try
        {
            return TrainingHistory.Restore(
                Required(source, metadata, OnnxFormat.Keys.Optimizer), options, epochsRun,
                new[] { epochsRun }, new[] { finalLoss }, new[] { finalAccuracy }, finalLoss, finalAccuracy,
                TimeSpan.FromMilliseconds(Double(source, metadata, OnnxFormat.Keys.WallTimeMs)),
                EnumValue<StopReason>(source, metadata, OnnxFormat.Keys.StopReason),
                batch, Flag(source, metadata, OnnxFormat.Keys.Sampled),
                metadata.ContainsKey(OnnxFormat.Keys.StepsPerEpoch) ? Int32(source, metadata, OnnxFormat.Keys.StepsPerEpoch) : null);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw OnnxErrors.Unsupported(source, $"its training summary is invalid ({ex.Message})");
        }
    }

    private static string Required(string source, Dictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw OnnxErrors.Unsupported(source, $"its metadata lacks '{key}'");

    private static long Int64(string source, Dictionary<string, string> metadata, string key) =>
        long.TryParse(Required(source, metadata, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v : throw OnnxErrors.Unsupported(source, $"its metadata '{key}' is '{metadata[key]}', not an integer");

    private static int Int32(string source, Dictionary<string, string> metadata, string key) =>
        int.TryParse(Required(source, metadata, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)
            ? v : throw OnnxErrors.Unsupported(source, $"its metadata '{key}' is '{Clip(metadata[key])}', not an integer from {int.MinValue} to {int.MaxValue}");

    /// <summary>An optional "true" or "false"; absent is false.</summary>
    private static bool Flag(string source, Dictionary<string, string> metadata, string key) =>
        !metadata.TryGetValue(key, out var text) ? false
            : text == "true" ? true
            : text == "false" ? false
            : throw OnnxErrors.Unsupported(source, $"its metadata '{key}' is '{Clip(text)}', not true or false");

    private static double Double(string source, Dictionary<string, string> metadata, string key) =>
        double.TryParse(Required(source, metadata, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw OnnxErrors.Unsupported(source, $"its metadata '{key}' is '{metadata[key]}', not a number");

    private static T EnumValue<T>(string source, Dictionary<string, string> metadata, string key) where T : struct, Enum
    {
        string text = Required(source, metadata, key);
        if (Enum.GetNames<T>().Contains(text, StringComparer.Ordinal)) return Enum.Parse<T>(text);
        throw OnnxErrors.Unsupported(source, $"its metadata '{key}' is '{text}'; known: {string.Join(", ", Enum.GetNames<T>())}");
    }

    /// <summary>Checks that <paramref name="values"/> is exactly one float[N, width] tensor named <paramref name="name"/>; returns width.</summary>
    private static int CheckValue(string source, IList<ValueInfoProto> values, string name, string what)
    {
        if (values.Count != 1 || values[0].Name != name)
            throw OnnxErrors.Unsupported(source, $"its {what}s are [{string.Join(", ", values.Select(v => v.Name))}], not exactly '{name}'");
        var tensor = values[0].Type?.TensorType;
        if (tensor is null || tensor.ElemType != OnnxFormat.FloatType)
            throw OnnxErrors.Unsupported(source, $"its {what} '{name}' is not a float tensor");
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != 2)
            throw OnnxErrors.Unsupported(source, $"its {what} '{name}' has {dims?.Count ?? 0} dimensions, not 2");
        if (dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            throw OnnxErrors.Unsupported(source, $"its {what} '{name}' has a fixed batch size {dims[0].DimValue}, not a symbolic one");
        if (dims[1].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[1].DimValue < 1 || dims[1].DimValue > int.MaxValue)
            throw OnnxErrors.Unsupported(source, $"its {what} '{name}' has no fixed width");
        return (int)dims[1].DimValue;
    }

    private static NodeProto Expect(string source, IList<NodeProto> nodes, int index, string op, int inputs)
    {
        if (index >= nodes.Count)
            throw OnnxErrors.Unsupported(source, $"it ends after {nodes.Count} nodes where a {op} should follow");
        var node = nodes[index];
        if (node.OpType != op)
            throw OnnxErrors.Unsupported(source, $"node {index} is {node.OpType} where {op} belongs");
        if (node.Domain is not ("" or "ai.onnx"))
            throw OnnxErrors.Unsupported(source, $"node {index} ({op}) is in domain '{node.Domain}'");
        if (node.Input.Count != inputs || node.Output.Count != 1 || node.Attribute.Count != 0)
            throw OnnxErrors.Unsupported(source, $"node {index} ({op}) has {node.Input.Count} inputs, {node.Output.Count} outputs and {node.Attribute.Count} attributes; expected {inputs}, 1 and 0");
        return node;
    }

    private static TensorProto Initializer(string source, Dictionary<string, TensorProto> initializers, string name, int rank)
    {
        if (!initializers.TryGetValue(name, out var t))
            throw OnnxErrors.Unsupported(source, $"'{name}' is not an initializer");
        if (t.DataType != OnnxFormat.FloatType)
            throw OnnxErrors.Unsupported(source, $"the initializer '{name}' has data type {t.DataType}, not float (1)");
        if (t.Dims.Count != rank || t.Dims.Any(d => d < 1))
            throw OnnxErrors.Unsupported(source, $"the initializer '{name}' has shape [{string.Join(", ", t.Dims)}], not {rank} positive dimensions");
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw OnnxErrors.Unsupported(source, $"the initializer '{name}' keeps its data in an external file");
        return t;
    }

    /// <summary>The tensor's values as doubles; the dims were checked against the engine's limits already.</summary>
    private static double[] ReadFloats(string source, TensorProto t)
    {
        long count = t.Dims.Aggregate(1L, (a, d) => checked(a * d));
        var values = new double[count];
        if (t.HasRawData)
        {
            if (t.RawData.Length != count * sizeof(float) || t.FloatData.Count != 0)
                throw OnnxErrors.Unsupported(source, $"the initializer '{t.Name}' holds {t.RawData.Length} bytes for {count} floats");
            var raw = t.RawData.Span;
            for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
        }
        else
        {
            if (t.FloatData.Count != count)
                throw OnnxErrors.Unsupported(source, $"the initializer '{t.Name}' holds {t.FloatData.Count} floats for shape [{string.Join(", ", t.Dims)}]");
            for (int i = 0; i < count; i++) values[i] = t.FloatData[i];
        }
        return values;
    }
}
