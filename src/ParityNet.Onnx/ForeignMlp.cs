using System.Buffers.Binary;
using ParityNet.Onnx.Proto;

namespace ParityNet;

/// <summary>The order of an integer's bits along a model's input columns.</summary>
public enum BitOrder
{
    /// <summary>Most significant bit first: ParityNet's own order (5 in 4 bits is 0 1 0 1).</summary>
    MsbFirst,
    /// <summary>Least significant bit first (5 in 4 bits is 1 0 1 0).</summary>
    LsbFirst,
}

/// <summary>What a model's output holds, when its last node does not say (it is not Sigmoid or Softmax).</summary>
public enum OnnxOutputKind
{
    /// <summary>The probability of label 1 (or, with two columns, of each class).</summary>
    Probability,
    /// <summary>A logit: ParityNet applies σ (with two columns, softmax).</summary>
    Logit,
}

/// <summary>What ParityNet takes as given for a model that carries no ParityNet metadata: the task
/// (what Expected and Correct mean), the bit order, and, where the graph does not say, what the output holds.</summary>
public sealed record ForeignOptions
{
    /// <summary>The task the model was trained for.</summary>
    public ParityTask Task { get; init; } = ParityTask.Even;

    /// <summary>The order of the bits along the input.</summary>
    public BitOrder BitOrder { get; init; } = BitOrder.MsbFirst;

    /// <summary>What the output holds; null: read it from the last node (Sigmoid or Softmax: a probability).</summary>
    public OnnxOutputKind? OutputKind { get; init; }
}

/// <summary>A model's one input and one output as ParityNet runs them: float or double [N, Bits] in,
/// [N, 1] or [N, 2] out, with N symbolic or fixed.</summary>
/// <param name="InputName">The input tensor's name.</param>
/// <param name="InputIsDouble">Whether the input is float64 (else float32).</param>
/// <param name="Bits">The input's width, the bit count.</param>
/// <param name="FixedBatch">The input's fixed batch size, or null when it is symbolic.</param>
/// <param name="OutputName">The output tensor's name.</param>
/// <param name="OutputIsDouble">Whether the output is float64.</param>
/// <param name="OutputWidth">1, or 2 for two classes (column 1 is label 1).</param>
/// <param name="LastOp">The op type of the node that writes the output.</param>
public sealed record OnnxSignature(string InputName, bool InputIsDouble, int Bits, long? FixedBatch,
    string OutputName, bool OutputIsDouble, int OutputWidth, string? LastOp);

/// <summary>
/// Reads the standard multilayer perceptrons other tools export (PyTorch's torch.onnx.export, the onnx
/// package's helpers) into a <see cref="ParityNetwork"/>: a chain of Gemm (alpha = beta = 1, transA = 0,
/// transB 0 or 1, bias optional) or MatMul with an optional Add, with Sigmoid, Tanh or Relu between layers,
/// ending in one unit followed by Sigmoid or by nothing (a logit). Initializers are float32 or float64, as
/// initializers or Constant nodes; Identity and Flatten on [N, B] pass through. Anything else is refused
/// with <see cref="ErrorIds.UnsupportedGraph"/> naming the first node or input it cannot take.
/// </summary>
internal static class ForeignMlp
{
    private const int FloatType = 1, DoubleType = 11;

    private static readonly Dictionary<string, Activation> s_activations = new(StringComparer.Ordinal)
    {
        ["Sigmoid"] = Activation.Sigmoid, ["Tanh"] = Activation.Tanh, ["Relu"] = Activation.ReLU,
    };

    /// <summary>What ParityNet can take of any model, with or without ParityNet metadata.</summary>
    public const string Takes = "one float or double input [N, Bits] and one output [N, 1] or [N, 2]; to import it as a network (⟦ImportCommand⟧), " +
        "a chain of Gemm or MatMul (+ Add) layers with Sigmoid, Tanh or Relu between them, ending in one unit with Sigmoid or nothing (a logit)";

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

    /// <summary>One dense layer found in the graph: its shape, where its weights and biases are, its activation.
    /// Values are read only once the whole network's size has been checked (<see cref="ToNetwork"/>).</summary>
    private sealed class Layer(int inputs, int units, TensorProto weights, bool transpose, string where)
    {
        public int Inputs { get; } = inputs;
        public int Units { get; } = units;
        public TensorProto Weights { get; } = weights;
        public bool Transpose { get; } = transpose;
        public TensorProto? Bias { get; set; }
        public string? ActivationOp { get; set; }
        public string Where { get; } = where;

        /// <summary>The weights, inputs × units row-major.</summary>
        public double[] ReadWeights(string source)
        {
            var values = Values(source, Weights, (long)Inputs * Units, Weights.Name);
            if (!Transpose) return values;
            var transposed = new double[values.Length];
            for (int i = 0; i < Units; i++)
                for (int j = 0; j < Inputs; j++) transposed[j * Units + i] = values[i * Inputs + j];
            return transposed;
        }

        /// <summary>The biases, one per unit (a single stored value broadcast over the units); null without a bias.</summary>
        public double[]? ReadBiases(string source)
        {
            if (Bias is null) return null;
            var values = Values(source, Bias, StoredCount(Bias), Bias.Name);
            if (values.Length == Units) return values;
            var filled = new double[Units];
            Array.Fill(filled, values[0]);
            return filled;
        }
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

    /// <summary>The network the graph computes, and whether its output is a logit (no Sigmoid after the last layer).
    /// The network's size is checked against the engine's limits before any weight is read.</summary>
    public static (ParityNetwork Network, bool Logit, string Description) ToNetwork(ModelProto model, string source, OnnxSignature signature, ForeignOptions options)
    {
        var layers = Walk(model, source, signature, forRun: false);
        if (layers.Count < 2)
            throw Unsupported(source, $"it has {layers.Count} layer{(layers.Count == 1 ? "" : "s")}; a ParityNet network has at least one hidden layer and an output unit");
        if (layers.Count - 1 > EngineLimits.MaxHiddenLayers)
            throw Unsupported(source, $"it has {layers.Count - 1} hidden layers; the engine takes at most {EngineLimits.MaxHiddenLayers}");
        var last = layers[^1];
        if (last.Units != 1)
            throw Unsupported(source, $"its last layer ({last.Where}) has {last.Units} units; a ParityNet network ends in one unit (ONNX Runtime can still run two-class models as they are: ⟦OnnxPath⟧)");
        if (last.ActivationOp is not (null or "Sigmoid"))
            throw Unsupported(source, $"its output unit ends in {last.ActivationOp}; ParityNet reads Sigmoid (a probability) or nothing (a logit)");
        var hidden = layers.Take(layers.Count - 1).ToList();
        foreach (var layer in hidden)
        {
            if (layer.Units > EngineLimits.MaxHiddenSize)
                throw Unsupported(source, $"{layer.Where} has {layer.Units} units; the engine takes at most {EngineLimits.MaxHiddenSize} in a layer");
            if (layer.ActivationOp != hidden[0].ActivationOp)
                throw Unsupported(source, $"its hidden layers mix {hidden[0].ActivationOp} and {layer.ActivationOp} ({layer.Where}); a ParityNet network has one hidden activation");
        }

        bool hasBias = layers.Any(l => l.Bias is not null);
        var spec = new NetworkSpec
        {
            Bits = signature.Bits,
            HiddenSizes = hidden.Select(l => l.Units).ToArray(),
            Task = options.Task,
            Activation = s_activations[hidden[0].ActivationOp!],
            Initialization = Initialization.Uniform,
            HasBias = hasBias,
            Seed = 0,
        };
        try
        {
            ParityNetwork.Validate(spec);
        }
        catch (ParityNetException ex) when (ex.ErrorId == ErrorIds.TooLarge)
        {
            long needed = EngineLimits.TrainingBytes(spec);
            throw new ParityNetException(ErrorIds.TooLarge, ParityErrorKind.LimitsExceeded,
                $"'{source}' holds a {signature.Bits}-{string.Join("-", spec.HiddenSizes)}-1 network, which as a ParityNet network needs about {needed >> 20} MiB, " +
                $"over the engine's limit of {EngineLimits.MaxBytes >> 20} MiB. Its weights were not read. ONNX Runtime may still run it as it is: ⟦OnnxPath⟧.",
                needed, ex);
        }
        catch (ParityNetException ex)
        {
            throw Unsupported(source, ex.Message);
        }
        // The size is known and within the engine's limits (Validate): only now are the weights read.
        var weights = layers.Select(l => l.ReadWeights(source)).ToArray();
        if (options.BitOrder == BitOrder.LsbFirst)
        {
            // ParityNet's first row is the most significant bit: the file's last column.
            int h = layers[0].Units, b = signature.Bits;
            var reversed = new double[weights[0].Length];
            for (int r = 0; r < b; r++) Array.Copy(weights[0], (b - 1 - r) * h, reversed, r * h, h);
            weights[0] = reversed;
        }
        var biases = hasBias ? layers.Select(l => l.ReadBiases(source) ?? new double[l.Units]).ToArray() : null;
        ParityNetwork network;
        try
        {
            network = ParityNetwork.FromWeights(spec, weights, biases);
        }
        catch (ParityNetException ex)
        {
            throw Unsupported(source, ex.Message);
        }
        string shape = string.Join("-", network.LayerSizes);
        string description = $"{shape}, {hidden[0].ActivationOp} hidden, {(last.ActivationOp is null ? "a logit output (the network outputs σ of it)" : "a Sigmoid output")}, " +
            $"{(layers.All(l => l.Bias is not null) ? "biases" : hasBias ? "biases on some layers (zero on the others)" : "no biases")}";
        return (network, last.ActivationOp is null, description);
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

    /// <summary>A float32 or float64 tensor's values, after checking that the file holds exactly <paramref name="count"/> of them.</summary>
    private static double[] Values(string source, TensorProto t, long count, string name)
    {
        int size = t.DataType switch { FloatType => 4, DoubleType => 8, _ => 0 };
        if (size == 0) throw Unsupported(source, $"the tensor '{name}' has data type {t.DataType}; ParityNet reads float (1) and double (11)");
        if (t.HasRawData)
        {
            if (t.RawData.Length != count * size)
                throw Unsupported(source, $"the tensor '{name}' holds {t.RawData.Length} bytes for {count} values of {size} bytes");
            var raw = t.RawData.Span;
            var values = new double[count];
            for (int i = 0; i < count; i++)
                values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4)) : BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
            return values;
        }
        int held = size == 4 ? t.FloatData.Count : t.DoubleData.Count;
        if (held != count)
            throw Unsupported(source, $"the tensor '{name}' holds {held} values for shape [{string.Join(", ", t.Dims)}]");
        return size == 4 ? t.FloatData.Select(f => (double)f).ToArray() : t.DoubleData.ToArray();
    }

    private static ParityNetException Unsupported(string source, string why) =>
        new(ErrorIds.UnsupportedGraph, ParityErrorKind.InvalidData,
            $"'{source}' is ONNX, but not a network ParityNet can take: {why}. ParityNet takes {Takes}.", source);
}
