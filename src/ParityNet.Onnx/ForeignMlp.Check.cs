using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>The checking half of <see cref="ForeignMlp"/>: the model's signature, and the walk from its input to its output
/// that finds the layers and checks every tensor's shape and stored size before any value is read.</summary>
internal static partial class ForeignMlp
{
    private const int FloatType = 1, DoubleType = 11;

    /// <summary>The model's one input and one output.</summary>
    public static OnnxSignature Signature(ModelProto model, string source)
    {
        var graph = model.Graph;
        var initializerNames = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializerNames.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw Unsupported(source, $"it has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); ParityNet gives a model one input, the bits");
        var (inputName, inputDouble, batch, bits) = Tensor2D(source, inputs[0], "input");
        if (bits is null || bits < 1 || bits > EngineLimits.MaxBits)
            throw Unsupported(source, $"its input '{inputName}' is {bits?.ToString() ?? "of unknown"} wide; the bit count must be fixed, 1 to {EngineLimits.MaxBits}");
        if (graph.Output.Count != 1)
            throw Unsupported(source, $"it has {graph.Output.Count} outputs ({string.Join(", ", graph.Output.Select(o => $"'{o.Name}'"))}); ParityNet reads one");
        var (outputName, outputDouble, outBatch, width) = Tensor2D(source, graph.Output[0], "output");
        if (width is not (1 or 2))
            throw Unsupported(source, $"its output '{outputName}' is {width?.ToString() ?? "of unknown"} wide; ParityNet reads [N, 1] (label 1's probability or logit) or [N, 2] (two classes)");
        string? lastOp = graph.Node.LastOrDefault(n => n.Output.Contains(outputName))?.OpType;
        return new OnnxSignature(inputName, inputDouble, (int)bits, batch, outputName, outputDouble, (int)width, lastOp);
    }

    private static (string Name, bool IsDouble, long? Batch, long? Width) Tensor2D(string source, ValueInfoProto value, string what)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null || tensor.ElemType is not (FloatType or DoubleType))
            throw Unsupported(source, $"its {what} '{value.Name}' is {(tensor is null ? "not a tensor" : $"of element type {tensor.ElemType}")}, not float or double");
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != 2)
            throw Unsupported(source, $"its {what} '{value.Name}' has {dims?.Count ?? 0} dimensions; ParityNet takes [N, Bits] in and [N, 1] or [N, 2] out");
        long? batch = dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[0].DimValue : null;
        if (batch is < 1)
            throw Unsupported(source, $"its {what} '{value.Name}' has a batch of {batch}");
        long? width = dims[1].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[1].DimValue : null;
        return (value.Name, tensor.ElemType == DoubleType, batch, width);
    }

    /// <summary>Checks that the graph is a chain of layers that ONNX Runtime may run for ParityNet: the path from the
    /// input to the output is Gemm or MatMul (+ Add) layers with Sigmoid, Tanh or Relu between them, ending in as many
    /// units as the output is wide, then Sigmoid, Softmax (two columns) or nothing. Every row of such a graph is
    /// computed on its own, and its work is bounded by its weights. No weight is read.</summary>
    /// <returns>The multiply-adds a row costs (the weights' count), which sizes the runs.</returns>
    /// <exception cref="ParityNetException"><see cref="ErrorIds.UnsupportedGraph"/> naming the first node off that path.</exception>
    public static long CheckRunnable(ModelProto model, string source, OnnxSignature signature)
    {
        var layers = Walk(model, source, signature, forRun: true);
        if (layers.Count < 1)
            throw Unsupported(source, "it has no Gemm or MatMul layer between its input and output");
        var last = layers[^1];
        if (last.Units != signature.OutputWidth)
            throw Unsupported(source, $"its last layer ({last.Where}) has {last.Units} units, but its output '{signature.OutputName}' is declared {signature.OutputWidth} wide");
        if (last.ActivationOp == "Softmax" && last.Units != 2)
            throw Unsupported(source, $"its Softmax spreads over {last.Units} columns; ParityNet reads two classes");
        return layers.Sum(l => (long)l.Inputs * l.Units);
    }

    /// <summary>The layers on the path from the input to the output, in order. The graph passed
    /// <see cref="GraphCheck.Check"/>: names are defined once and nodes come in topological order, so each step
    /// moves to a later node and the walk ends within the node count. With <paramref name="forRun"/>, a last
    /// Softmax is taken as the output layer's activation (ONNX Runtime runs two-class models as they are).</summary>
    private static List<Layer> Walk(ModelProto model, string source, OnnxSignature signature, bool forRun)
    {
        var graph = model.Graph;
        var constants = new Constants();
        foreach (var t in graph.Initializer) constants.TryAdd(t.Name, t);
        var nodes = graph.Node;
        var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.Domain is not ("" or "ai.onnx"))
                throw Unsupported(source, $"{Describe(node, i)} is in the domain '{node.Domain}', not ONNX's own");
            if (node.OpType == "Constant")
            {
                if (node.Output.Count != 1) throw Unsupported(source, $"{Describe(node, i)} has {node.Output.Count} outputs");
                constants[node.Output[0]] = ConstantValue(source, node, i);
                continue;
            }
            foreach (string input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = new List<int>();
                list.Add(i);
            }
        }

        var layers = new List<Layer>();
        Layer? open = null; // the layer whose activation has not come yet
        string current = signature.InputName;
        int width = signature.Bits;
        var used = new HashSet<int>();
        while (current != signature.OutputName)
        {
            if (!consumers.TryGetValue(current, out var readers) || readers.Count == 0)
                throw Unsupported(source, $"'{current}' leads to no node, and it is not the output '{signature.OutputName}'");
            if (readers.Count > 1)
                throw Unsupported(source, $"'{current}' feeds {readers.Count} nodes ({string.Join(", ", readers.Select(r => Describe(nodes[r], r)))}); ParityNet takes a chain of layers");
            int index = readers[0];
            var node = nodes[index];
            if (!used.Add(index)) // cannot happen after GraphCheck; kept so that no graph can make this loop
                throw Unsupported(source, $"{Describe(node, index)} is reached twice: the graph has a cycle");
            if (node.Output.Count != 1)
                throw Unsupported(source, $"{Describe(node, index)} has {node.Output.Count} outputs");
            switch (node.OpType)
            {
                case "Identity":
                    break;
                case "Flatten":
                    long axis = Attribute(node, "axis")?.I ?? 1;
                    if (axis != 1) throw Unsupported(source, $"{Describe(node, index)} flattens at axis {axis}; on [N, B] only axis 1 passes through");
                    break;
                case "Gemm":
                    {
                        CheckAttributes(source, node, index, ("alpha", 1), ("beta", 1), ("transA", 0));
                        long transB = Attribute(node, "transB")?.I ?? 0;
                        if (transB is not (0 or 1)) throw Unsupported(source, $"{Describe(node, index)} has transB {transB}");
                        if (node.Input.Count is < 2 or > 3 || node.Input[0] != current)
                            throw Unsupported(source, $"{Describe(node, index)} does not take '{current}' as its first input A");
                        if (open is not null) throw TwoLinear(source, node, index);
                        var (w, rows, columns) = Matrix(source, constants, node.Input[1], node, index, transpose: transB == 1);
                        if (rows != width) throw Unsupported(source, $"{Describe(node, index)} has weights for {rows} inputs, but '{current}' has {width}");
                        open = new Layer(rows, columns, w, transB == 1, Describe(node, index));
                        if (node.Input.Count == 3 && node.Input[2].Length > 0) open.Bias = Vector(source, constants, node.Input[2], columns, node, index);
                        width = columns;
                        break;
                    }
                case "MatMul":
                    {
                        if (node.Input.Count != 2 || node.Input[0] != current)
                            throw Unsupported(source, $"{Describe(node, index)} does not multiply '{current}' by a weight matrix (x · W)");
                        if (open is not null) throw TwoLinear(source, node, index);
                        var (w, rows, columns) = Matrix(source, constants, node.Input[1], node, index, transpose: false);
                        if (rows != width) throw Unsupported(source, $"{Describe(node, index)} has weights for {rows} inputs, but '{current}' has {width}");
                        open = new Layer(rows, columns, w, false, Describe(node, index));
                        width = columns;
                        // An Add of a constant vector right after it is the layer's bias.
                        string z = node.Output[0];
                        if (z != signature.OutputName && consumers.TryGetValue(z, out var next) && next.Count == 1 && nodes[next[0]].OpType == "Add")
                        {
                            var add = nodes[next[0]];
                            string other = add.Input.Count == 2 ? (add.Input[0] == z ? add.Input[1] : add.Input[1] == z ? add.Input[0] : "") : "";
                            if (other.Length > 0 && constants.ContainsKey(other))
                            {
                                open.Bias = Vector(source, constants, other, columns, add, next[0]);
                                if (!used.Add(next[0])) throw Unsupported(source, $"{Describe(add, next[0])} is reached twice: the graph has a cycle");
                                if (add.Output.Count != 1) throw Unsupported(source, $"{Describe(add, next[0])} has {add.Output.Count} outputs");
                                current = add.Output[0];
                                continue;
                            }
                        }
                        break;
                    }
                case "Sigmoid" or "Tanh" or "Relu":
                    if (open is null)
                        throw Unsupported(source, $"{Describe(node, index)} follows no Gemm or MatMul layer");
                    open.ActivationOp = node.OpType;
                    layers.Add(open);
                    open = null;
                    break;
                case "Softmax" when forRun && open is not null && node.Output[0] == signature.OutputName:
                    {
                        long softmaxAxis = Attribute(node, "axis")?.I ?? -1;
                        if (softmaxAxis is not (1 or -1))
                            throw Unsupported(source, $"{Describe(node, index)} spreads over axis {softmaxAxis}; ParityNet reads a Softmax over each row's classes (axis 1)");
                        open.ActivationOp = node.OpType;
                        layers.Add(open);
                        open = null;
                        break;
                    }
                case "Softmax":
                    throw Unsupported(source, $"{Describe(node, index)} reads two or more classes; a ParityNet network has one output unit (ONNX Runtime can still run two-class models as they are: ⟦OnnxPath⟧)");
                default:
                    throw Unsupported(source, $"{Describe(node, index)} is {node.OpType}, which a ParityNet network does not have (it takes Gemm, MatMul, Add, Sigmoid, Tanh, Relu, Identity and Flatten)");
            }
            current = node.Output[0];
        }
        if (open is not null) layers.Add(open); // the last layer without an activation: a logit

        for (int i = 0; i < nodes.Count; i++)
            if (!used.Contains(i) && nodes[i].OpType != "Constant")
                throw Unsupported(source, $"{Describe(nodes[i], i)} is not on the path from '{signature.InputName}' to '{signature.OutputName}'");
        // Only what the layers read reaches ONNX Runtime: a tensor no layer reads could still cost its load.
        foreach (string name in constants.Keys)
            if (!constants.Read.Contains(name))
                throw Unsupported(source, $"the tensor '{name}' is read by no layer; ParityNet runs a model only when every tensor in it is a layer's weights or biases");
        return layers;
    }

    /// <summary>The tensors fixed in the file (initializers and Constant outputs), and which of them the layers read.</summary>
    private sealed class Constants : Dictionary<string, TensorProto>
    {
        public Constants() : base(StringComparer.Ordinal) { }

        public HashSet<string> Read { get; } = new(StringComparer.Ordinal);
    }

    private static string Describe(NodeProto node, int index) =>
        node.Name is { Length: > 0 } name ? $"node {index} '{name}' ({node.OpType})" : $"node {index} ({node.OpType})";

    private static ParityNetException TwoLinear(string source, NodeProto node, int index) =>
        Unsupported(source, $"{Describe(node, index)} follows a layer with no activation between them");

    private static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static void CheckAttributes(string source, NodeProto node, int index, params (string Name, double Value)[] expected)
    {
        foreach (var (name, value) in expected)
        {
            var a = Attribute(node, name);
            if (a is null) continue;
            double actual = a.HasF ? a.F : a.I;
            if (actual != value) throw Unsupported(source, $"{Describe(node, index)} has {name} = {actual}; ParityNet takes {name} = {value}");
        }
    }

    private static TensorProto ConstantValue(string source, NodeProto node, int index)
    {
        var a = node.Attribute.Count == 1 ? node.Attribute[0] : null;
        if (a?.Name == "value" && a.T is not null) return a.T;
        if (a?.Name == "value_float") return new TensorProto { DataType = FloatType, FloatData = { a.F } };
        if (a?.Name == "value_floats") { var t = new TensorProto { DataType = FloatType }; t.Dims.Add(a.Floats.Count); t.FloatData.Add(a.Floats); return t; }
        throw Unsupported(source, $"{Describe(node, index)} holds {(a is null ? "no single value" : $"'{a.Name}'")}, not a float tensor");
    }

    /// <summary>The weight matrix <paramref name="name"/>: its tensor and its rows and columns as the layer uses
    /// them (swapped when <paramref name="transpose"/>), after checking its shape and that the file holds exactly
    /// that many values. Nothing is allocated: a declared size cannot make work before the network's size is checked.</summary>
    private static (TensorProto Tensor, int Rows, int Columns) Matrix(string source, Constants constants, string name, NodeProto node, int index, bool transpose)
    {
        var t = Constant(source, constants, name, node, index);
        if (t.Dims.Count != 2 || t.Dims[0] < 1 || t.Dims[1] < 1 || t.Dims[0] > EngineLimits.MaxHiddenSize || t.Dims[1] > EngineLimits.MaxHiddenSize)
            throw Unsupported(source, $"the weights '{name}' of {Describe(node, index)} have shape [{string.Join(", ", t.Dims)}], not a matrix of 1 to {EngineLimits.MaxHiddenSize} rows and columns");
        int r = (int)t.Dims[0], c = (int)t.Dims[1];
        CheckStored(source, t, (long)r * c, name);
        return transpose ? (t, c, r) : (t, r, c);
    }

    /// <summary>The bias <paramref name="name"/> of a layer of <paramref name="units"/>: [units], or one value broadcast.</summary>
    private static TensorProto Vector(string source, Constants constants, string name, int units, NodeProto node, int index)
    {
        var t = Constant(source, constants, name, node, index);
        bool shapeOk = t.Dims.Count switch
        {
            0 => true,
            1 => t.Dims[0] == units || t.Dims[0] == 1,
            2 => t.Dims[0] == 1 && (t.Dims[1] == units || t.Dims[1] == 1),
            _ => false,
        };
        if (!shapeOk)
            throw Unsupported(source, $"the bias '{name}' of {Describe(node, index)} has shape [{string.Join(", ", t.Dims)}], not [{units}]");
        CheckStored(source, t, StoredCount(t), name);
        return t;
    }

    /// <summary>The number of values a tensor's dims declare (dims already checked to be small and positive).</summary>
    private static long StoredCount(TensorProto t) => t.Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>Throws unless the tensor is float32 or float64 and the file holds exactly <paramref name="count"/> values.</summary>
    private static void CheckStored(string source, TensorProto t, long count, string name)
    {
        int size = t.DataType switch { FloatType => 4, DoubleType => 8, _ => 0 };
        if (size == 0) throw Unsupported(source, $"the tensor '{name}' has data type {t.DataType}; ParityNet reads float (1) and double (11)");
        if (t.HasRawData)
        {
            if (t.RawData.Length != count * size)
                throw Unsupported(source, $"the tensor '{name}' holds {t.RawData.Length} bytes for {count} values of {size} bytes");
            return;
        }
        int held = size == 4 ? t.FloatData.Count : t.DoubleData.Count;
        if (held != count)
            throw Unsupported(source, $"the tensor '{name}' holds {held} values for shape [{string.Join(", ", t.Dims)}]");
    }

    private static TensorProto Constant(string source, Constants constants, string name, NodeProto node, int index)
    {
        if (!constants.TryGetValue(name, out var t))
            throw Unsupported(source, $"{Describe(node, index)} reads '{name}', which is not an initializer or a Constant: ParityNet takes weights fixed in the file");
        // One tensor, one use: a matrix read by many layers would make a row's work far larger than the file.
        if (!constants.Read.Add(name))
            throw Unsupported(source, $"{Describe(node, index)} reads '{name}', which an earlier layer reads too; each weight matrix and bias of a network is its own tensor");
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw Unsupported(source, $"the tensor '{name}' keeps its data in an external file");
        return t;
    }

    private static ParityNetException Unsupported(string source, string why) =>
        new(ErrorIds.UnsupportedGraph, ParityErrorKind.InvalidData,
            $"'{source}' is ONNX, but not a network ParityNet can take: {why}. ParityNet takes {Takes}.", source);
}
