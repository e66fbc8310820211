using System.Globalization;
using System.Text;

namespace ParityNet;

/// <summary>One layer of a traced pass: l1, l2, … as the lesson names them.</summary>
/// <param name="Index">1 for the first hidden layer; the last is the output.</param>
/// <param name="Activation">The layer's activation (the output's is the sigmoid).</param>
/// <param name="PreActivations">z = input · W (+ bias), per unit.</param>
/// <param name="Outputs">The layer's outputs, activation(z): the lesson's l1, l2.</param>
/// <param name="Error">What the layer receives from the one above (for the output, y − p): the lesson's l2_error, l1_error.</param>
/// <param name="Delta">The error weighted by the derivative at the output (l2_delta, l1_delta), in the lesson's sign.</param>
public sealed record LayerTrace(int Index, Activation Activation, double[] PreActivations, double[] Outputs, double[] Error, double[] Delta)
{
    /// <summary>The lesson's name: l1, l2, ….</summary>
    public string Name => $"l{Index}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Outputs.Length} {Activation} unit{(Outputs.Length == 1 ? "" : "s")}";
}

/// <summary>One synapse matrix's share of the update from one number, in the lesson's sign.</summary>
/// <param name="Index">0 for syn0 (input → first hidden layer).</param>
/// <param name="Contribution">Its input layerᵀ · the delta of the layer it feeds (inputs × units): the lesson's l0.T.dot(l1_delta).</param>
/// <param name="Step">What one full-batch gradient-descent step with the trace's alpha moves these weights for this number: α · contribution / n.</param>
/// <param name="BiasContribution">The bias's share (the delta itself); empty without biases.</param>
public sealed record SynapseTrace(int Index, double[][] Contribution, double[][] Step, double[] BiasContribution)
{
    /// <summary>The lesson's name: syn0, syn1, ….</summary>
    public string Name => $"syn{Index}";

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Contribution.Length}×{(Contribution.Length > 0 ? Contribution[0].Length : 0)}";
}

/// <summary>
/// One number through the network, with the lesson's variables: the input layer l0 (the bits), each layer's
/// pre-activations and outputs, the prediction, the error y − p, the deltas, and each synapse matrix's
/// contribution to the update. Made by <see cref="ReferenceTrainer.Trace"/>, the readable algorithm every fast
/// path is held to.
/// </summary>
public sealed class NumberTrace
{
    internal NumberTrace(ParityNetwork network, long number, LossFunction loss, double alpha, double rows, double[] input,
        IReadOnlyList<LayerTrace> layers, double prediction, double expected, double lossValue, IReadOnlyList<SynapseTrace> synapses)
    {
        Network = network;
        Number = number;
        LossFunction = loss;
        Alpha = alpha;
        Rows = rows;
        Input = input;
        Layers = layers;
        Prediction = prediction;
        Expected = (int)expected;
        Loss = lossValue;
        Synapses = synapses;
    }

    /// <summary>The network traced.</summary>
    public ParityNetwork Network { get; }

    /// <summary>The integer.</summary>
    public long Number { get; }

    /// <summary>Its bits, most significant first, as the network reads them.</summary>
    public string Bits => BitEncoding.ToText(Number, Network.Bits);

    /// <summary>The input layer l0: the bits as 0 and 1.</summary>
    public double[] Input { get; }

    /// <summary>The hidden layers and the output, l1 … lL.</summary>
    public IReadOnlyList<LayerTrace> Layers { get; }

    /// <summary>The output: the probability of label 1.</summary>
    public double Prediction { get; }

    /// <summary>The expected label y, 0 or 1.</summary>
    public int Expected { get; }

    /// <summary>The expected label as a word.</summary>
    public string ExpectedName => TaskLabels.Name(Network.Task, Expected);

    /// <summary>The output's error, y − p.</summary>
    public double Error => Layers[^1].Error[0];

    /// <summary>The output's delta, in the lesson's sign: error · p(1 − p) for mean squared error; for cross-entropy
    /// the error itself, y − p (the derivative cancels: it is the gradient p − y with the lesson's sign).</summary>
    public double OutputDelta => Layers[^1].Delta[0];

    /// <summary>How <see cref="OutputDelta"/> is made, in words.</summary>
    public string DeltaRule => LossFunction == LossFunction.MeanSquaredError
        ? "mean squared error: delta = error · p(1 − p)"
        : "cross-entropy: delta = y − p (the gradient p − y with the lesson's sign; p(1 − p) cancels)";

    /// <summary>The loss of this number alone.</summary>
    public double Loss { get; }

    /// <summary>The loss function the deltas are for.</summary>
    public LossFunction LossFunction { get; }

    /// <summary>The learning rate of <see cref="SynapseTrace.Step"/>.</summary>
    public double Alpha { get; }

    /// <summary>The integers one full-batch step averages over (2^Bits, or the sample size for wide inputs).</summary>
    public double Rows { get; }

    /// <summary>Each synapse matrix's contribution to the update, syn0 first.</summary>
    public IReadOnlyList<SynapseTrace> Synapses { get; }

    /// <summary>The trace as the lesson's code would print it, one section per layer.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        string last = Layers[^1].Name;
        text.AppendLine($"Number {Number}: l0 = {Vector(Input, "0")}   (the bits {Bits})");
        foreach (var layer in Layers)
        {
            string below = layer.Index == 1 ? "l0" : $"l{layer.Index - 1}";
            string f = layer.Activation switch { Activation.Tanh => "tanh", Activation.ReLU => "relu", _ => "sigmoid" };
            text.AppendLine($"{layer.Name} = {f}({below} · syn{layer.Index - 1}{(Network.HasBias ? " + bias" : "")})");
            text.AppendLine($"    z  = {Vector(layer.PreActivations)}");
            text.AppendLine($"    {layer.Name} = {Vector(layer.Outputs)}");
        }
        text.AppendLine($"prediction {last} = {Number4(Prediction)}, expected y = {Expected} ({ExpectedName}), loss {Number4(Loss)} ({LossFunction})");
        text.AppendLine($"{last}_error = y − {last} = {Number4(Error)}");
        text.AppendLine($"{last}_delta = {Number4(OutputDelta)}   ({DeltaRule})");
        for (int i = Layers.Count - 2; i >= 0; i--)
        {
            var layer = Layers[i];
            string derivative = layer.Activation switch { Activation.Tanh => $"(1 − {layer.Name}²)", Activation.ReLU => $"({layer.Name} > 0)", _ => $"{layer.Name}·(1 − {layer.Name})" };
            text.AppendLine($"{layer.Name}_error = l{layer.Index + 1}_delta · syn{layer.Index}ᵀ = {Vector(layer.Error)}");
            text.AppendLine($"{layer.Name}_delta = {layer.Name}_error · {derivative} = {Vector(layer.Delta)}");
        }
        for (int s = Synapses.Count - 1; s >= 0; s--)
        {
            var synapse = Synapses[s];
            string input = s == 0 ? "l0" : $"l{s}";
            text.AppendLine($"{synapse.Name} += alpha · {input}ᵀ · l{s + 1}_delta / n   (alpha {Alpha.ToString(CultureInfo.InvariantCulture)}, n = {Rows})");
            text.AppendLine($"    {input}ᵀ · l{s + 1}_delta, this number's share ({synapse.Contribution.Length}×{synapse.Contribution[0].Length}):");
            text.Append(Matrix(synapse.Contribution));
        }
        return text.ToString().TrimEnd();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Number} ({Bits}): p = {Number4(Prediction)}, y = {Expected}, error {Number4(Error)}, delta {Number4(OutputDelta)}";

    private static string Number4(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Vector(double[] values, string format = "0.0000")
    {
        const int shown = 16;
        // + 0.0 turns −0 (a zero input times a negative delta) into 0.
        var parts = values.Take(shown).Select(v => (v + 0.0).ToString(format, CultureInfo.InvariantCulture).PadLeft(format.Length + 2));
        return "[" + string.Join(" ", parts) + (values.Length > shown ? $" … ({values.Length} in all)" : "") + " ]";
    }

    private static string Matrix(double[][] rows)
    {
        const int shown = 16;
        var text = new StringBuilder();
        foreach (var row in rows.Take(shown)) text.AppendLine("    " + Vector(row));
        if (rows.Length > shown) text.AppendLine($"    … ({rows.Length} rows in all)");
        return text.ToString();
    }
}
