using Google.Protobuf;
using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>
/// The checks every model passes before anything walks it or ONNX Runtime sees it (issue 20). A model is
/// untrusted: its graph must be a graph (each name defined once, nodes in topological order, so no cycle can
/// exist), use only the feed-forward operators an MLP needs (no control flow, subgraphs, functions or custom
/// domains), and keep every tensor inside the file (no external data). What passes is handed to ONNX Runtime
/// as <see cref="RunnableBytes"/>: re-serialized from what was parsed and checked, so fields ParityNet does not
/// read never reach it, and with a symbolic batch so that the rows at hand, not a declared size, decide the work.
/// </summary>
internal static class GraphCheck
{
    /// <summary>The most nodes, initializers or graph inputs a model may have: far more than a 17-layer MLP
    /// needs (about five nodes a layer), far fewer than would make the checks themselves slow.</summary>
    public const int MaxNodes = 4096;

    /// <summary>The operators ParityNet runs: those of a feed-forward MLP as PyTorch and the onnx helpers write it.</summary>
    public static readonly IReadOnlySet<string> AllowedOps = new HashSet<string>(StringComparer.Ordinal)
    {
        "Gemm", "MatMul", "Add", "Sigmoid", "Tanh", "Relu", "Softmax", "Identity", "Flatten", "Constant",
    };

    // The attributes each allowed operator may carry, with their AttributeProto.AttributeType (ONNX's numbering).
    private const int AttrFloat = 1, AttrInt = 2, AttrTensor = 4, AttrFloats = 6;
    private static readonly Dictionary<int, string> s_typeNames = new() { [AttrFloat] = "FLOAT", [AttrInt] = "INT", [AttrTensor] = "TENSOR", [AttrFloats] = "FLOATS" };
    private static readonly Dictionary<string, Dictionary<string, int>> s_attributes = new(StringComparer.Ordinal)
    {
        ["Gemm"] = new() { ["alpha"] = AttrFloat, ["beta"] = AttrFloat, ["transA"] = AttrInt, ["transB"] = AttrInt },
        ["Flatten"] = new() { ["axis"] = AttrInt },
        ["Softmax"] = new() { ["axis"] = AttrInt },
        ["Constant"] = new() { ["value"] = AttrTensor, ["value_float"] = AttrFloat, ["value_floats"] = AttrFloats },
        ["MatMul"] = new(), ["Add"] = new(), ["Sigmoid"] = new(), ["Tanh"] = new(), ["Relu"] = new(), ["Identity"] = new(),
    };

    /// <summary>What ParityNet runs, in a phrase for messages and help.</summary>
    public static string AllowedList => string.Join(", ", AllowedOps);

    /// <summary>Throws <see cref="ErrorIds.OperatorNotAllowed"/>, <see cref="ErrorIds.GraphMalformed"/> or
    /// <see cref="ErrorIds.ExternalData"/> unless the model is safe to walk and to run.</summary>
    public static void Check(ModelProto model, string source)
    {
        if (model.Functions.Count > 0)
            throw NotAllowed(source, $"it defines {model.Functions.Count} model-local function{(model.Functions.Count == 1 ? "" : "s")}, whose bodies ParityNet does not check");
        if (model.TrainingInfo.Count > 0)
            throw NotAllowed(source, "it carries training information (training_info), a second graph ParityNet does not check");
        var graph = model.Graph;
        if (graph.SparseInitializer.Count > 0)
            throw NotAllowed(source, $"it keeps {graph.SparseInitializer.Count} initializer{(graph.SparseInitializer.Count == 1 ? "" : "s")} as sparse tensors, which ParityNet does not read");
        if (graph.Node.Count > MaxNodes || graph.Initializer.Count > MaxNodes || graph.Input.Count > MaxNodes || graph.Output.Count > MaxNodes)
            throw Malformed(source, $"it has {graph.Node.Count} nodes, {graph.Initializer.Count} initializers, {graph.Input.Count} inputs and {graph.Output.Count} outputs; ParityNet reads at most {MaxNodes} of each");

        // Every name is defined once: by a graph input, an initializer (which older files also list as an
        // input: that pair is one definition), or one node's output. A node may read only names defined
        // before it, which the ONNX spec requires ("nodes are topologically sorted") and which rules out cycles.
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (!initializers.Add(t.Name))
                throw Malformed(source, $"the initializer '{t.Name}' is defined twice");
            CheckTensor(source, t, $"the initializer '{t.Name}'");
        }
        foreach (var input in graph.Input)
            if (!defined.Add(input.Name))
                throw Malformed(source, $"the input '{input.Name}' is declared twice");
        defined.UnionWith(initializers);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            string where = Describe(node, i);
            if (node.Domain is not ("" or "ai.onnx"))
                throw NotAllowed(source, $"{where} is in the domain '{node.Domain}', not ONNX's own");
            if (!AllowedOps.Contains(node.OpType))
                throw NotAllowed(source, $"{where} is {Shown(node.OpType)}");
            if (node.Output.Count == 0 || node.Output.Any(o => o.Length == 0))
                throw Malformed(source, $"{where} has {(node.Output.Count == 0 ? "no output" : "an output with no name")}; every node of a network writes a named tensor");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var a in node.Attribute)
            {
                // ONNX Runtime keeps the last of two attributes of one name, a reader that takes the first would
                // check one value and run another: each name once, only the names and types the operator has.
                if (!names.Add(a.Name))
                    throw NotAllowed(source, $"{where} gives its attribute '{Clip(a.Name)}' twice");
                if (!s_attributes.TryGetValue(node.OpType, out var known) || !known.TryGetValue(a.Name, out int type))
                    throw NotAllowed(source, $"{where} has an attribute '{Clip(a.Name)}', which ParityNet does not read on {node.OpType} " +
                        $"({(s_attributes.TryGetValue(node.OpType, out var k) && k.Count > 0 ? "it reads " + string.Join(", ", k.Keys) : "it reads none")})");
                if (a.Type != type)
                    throw NotAllowed(source, $"{where}'s attribute '{a.Name}' is of type {a.Type}, not {type} ({s_typeNames[type]}) as ONNX defines it");
                if (a.HasG || a.Graphs.Count > 0)
                    throw NotAllowed(source, $"{where} carries a subgraph in its attribute '{a.Name}'");
                if (a.HasSparseTensor || a.SparseTensors.Count > 0 || a.Tensors.Count > 0 || a.HasTp || a.TypeProtos.Count > 0)
                    throw NotAllowed(source, $"{where} has an attribute '{a.Name}' of a kind ParityNet does not read (tensor lists, sparse tensors or types)");
                if (a.T is not null) CheckTensor(source, a.T, $"the tensor in {where}'s attribute '{a.Name}'");
            }
            foreach (string read in node.Input)
                if (read.Length > 0 && !defined.Contains(read))
                    throw Malformed(source, $"{where} reads '{read}', which no input, initializer or earlier node defines " +
                        "(the nodes form a cycle, or are out of order: ONNX requires each name to be written before it is read)");
            foreach (string written in node.Output)
                if (written.Length > 0 && !defined.Add(written))
                    throw Malformed(source, $"{where} writes '{written}', which {(initializers.Contains(written) ? "an initializer" : "an input or an earlier node")} already defines: each name has one definition");
        }
        foreach (var output in graph.Output)
            if (!defined.Contains(output.Name))
                throw Malformed(source, $"its output '{output.Name}' is written by no node");
    }

    /// <summary>The model as ONNX Runtime gets it: what was parsed (unknown fields were discarded when parsing)
    /// and checked, with the first dimension of the input <paramref name="inputName"/> and of every output made
    /// the symbolic 'N' and the optional shape hints (value_info) dropped. The graph is checked to be row by row
    /// (<see cref="ForeignMlp"/>), so a declared batch size is only a size: the caller's rows are run instead.</summary>
    public static byte[] RunnableBytes(ModelProto model, string inputName)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        graph.ValueInfo.Clear();
        foreach (var value in graph.Input.Where(v => v.Name == inputName).Concat(graph.Output))
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (dims is { Count: > 0 } && dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                dims[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        }
        return copy.ToByteArray();
    }

    private static void CheckTensor(string source, TensorProto t, string what)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
        {
            string location = t.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "(no location given)";
            throw new ParityNetException(ErrorIds.ExternalData, ParityErrorKind.InvalidData,
                $"'{source}': {what} keeps its data in another file, '{Clip(location)}' (ONNX external data). ParityNet reads only the file it is given, never a file the model names. " +
                "Save the model with its weights inside it (in Python: onnx.save_model(model, path, save_as_external_data=False)).",
                source);
        }
    }

    private static string Shown(string op) => op.Length == 0 ? "an operator with no name" : $"the operator {Clip(op)}";

    private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";

    internal static string Describe(NodeProto node, int index) =>
        node.Name is { Length: > 0 } name ? $"node {index} '{Clip(name)}' ({Clip(node.OpType)})" : $"node {index} ({Clip(node.OpType)})";

    private static ParityNetException Malformed(string source, string why) =>
        new(ErrorIds.GraphMalformed, ParityErrorKind.InvalidData,
            $"'{source}' is not a well-formed ONNX graph: {why}. Nothing was run. Export the model again with its tool (its checker, onnx.checker.check_model, refuses such graphs).",
            source);

    private static ParityNetException NotAllowed(string source, string why) =>
        new(ErrorIds.OperatorNotAllowed, ParityErrorKind.InvalidData,
            $"'{source}' uses what ParityNet does not run: {why}. ParityNet reads and runs feed-forward networks made only of {AllowedList} (default ONNX domain, " +
            "no subgraphs or functions), so that a model cannot loop, branch or grow without bound.",
            source);
}
