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
internal static partial class ForeignMlp
{
    private static readonly Dictionary<string, Activation> s_activations = new(StringComparer.Ordinal)
    {
        ["Sigmoid"] = Activation.Sigmoid, ["Tanh"] = Activation.Tanh, ["Relu"] = Activation.ReLU,
    };

    /// <summary>What ParityNet can take of any model, with or without ParityNet metadata.</summary>
    public const string Takes = "one float or double input [N, Bits] and one output [N, 1] or [N, 2]; to import it as a network (⟦ImportCommand⟧), " +
        "a chain of Gemm or MatMul (+ Add) layers with Sigmoid, Tanh or Relu between them, ending in one unit with Sigmoid or nothing (a logit)";

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

    /// <summary>The network the graph computes, and whether its output is a logit (no Sigmoid after the last layer).
    /// The network's size is checked against the engine's limits before any weight is read.</summary>
    /// <summary>SparseParity's labels read the network's support, which a file another tool wrote does not carry.</summary>
    internal static ParityNetException NoSupport(string source) =>
        new(ErrorIds.InvalidArgument, ParityErrorKind.InvalidArgument,
            $"'{source}' has no ParityNet metadata, so it has no support for the SparseParity task to read (which bits the label is the XOR of). " +
            "Give ⟦Task⟧ Even or BitParity, or export the network with Export-NetworkOnnx, whose file carries its support.", source);

    public static (ParityNetwork Network, bool Logit, string Description) ToNetwork(ModelProto model, string source, OnnxSignature signature, ForeignOptions options)
    {
        if (options.Task == ParityTask.SparseParity) throw NoSupport(source);
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
}
