namespace ParityNet.Tests;

/// <summary>
/// Analytic gradients against central finite differences (h = 1e-5) of the objective, for every
/// activation × loss × depth, with and without bias. The objective is ½·mean((y − p)²) for MSE and
/// mean(−y·log p − (1 − y)·log(1 − p)) for cross-entropy, mean(max(0, 1 − y±·z)) for the hinge, computed here from the public forward pass.
/// One gradient-descent step of alpha gives the analytic gradient as −Δθ/alpha.
/// Tolerance: relative error ≤ 1e-6, magnitudes floored at 1e-5: the finite difference itself carries a rounding error of about ε·L/h ≈ 1e-11,
/// so a vanishing gradient may differ by that much.
/// </summary>
public class GradientTests
{
    public static TheoryData<Activation, LossFunction, int[], bool> Cases()
    {
        var data = new TheoryData<Activation, LossFunction, int[], bool>();
        foreach (var activation in Enum.GetValues<Activation>())
            foreach (var loss in Enum.GetValues<LossFunction>())
                foreach (var hidden in new[] { new[] { 3 }, new[] { 4, 3 }, new[] { 3, 2, 2 } })
                    foreach (bool bias in new[] { true, false })
                        data.Add(activation, loss, hidden, bias);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_IsMinusAlphaTimesTheFiniteDifferenceGradient(Activation activation, LossFunction loss, int[] hidden, bool bias)
    {
        var spec = new NetworkSpec { Bits = 3, HiddenSizes = hidden, HasBias = bias, Seed = 11, Activation = activation, Task = ParityTask.BitParity };
        var start = ParityNetwork.Create(spec);
        var weights = start.Weights.Select(w => w.AsSpan().ToArray()).ToList();
        // Non-zero biases, so that their gradients are exercised away from the symmetric start.
        var biases = start.Biases.Select((b, l) => b.Select((_, j) => 0.1 * (j + 1) - 0.2 * l).ToArray()).ToList();
        var net = ParityNetwork.FromWeights(spec, weights, bias ? biases : null);

        const double alpha = 0.25;
        var stepped = Trainer.Train(net, new TrainingOptions { Alpha = alpha, Epochs = 1, Loss = loss });

        for (int l = 0; l < weights.Count; l++)
        {
            for (int i = 0; i < weights[l].Length; i++)
            {
                double analytic = -(stepped.Weights[l].AsSpan()[i] - weights[l][i]) / alpha;
                double numeric = Numeric(spec, loss, weights, bias ? biases : null, l, i, isBias: false);
                AssertClose(numeric, analytic, $"weight {l}[{i}]", Floor(loss));
            }
            if (!bias) continue;
            for (int j = 0; j < biases[l].Length; j++)
            {
                double analytic = -(stepped.Biases[l][j] - biases[l][j]) / alpha;
                double numeric = Numeric(spec, loss, weights, biases, l, j, isBias: true);
                AssertClose(numeric, analytic, $"bias {l}[{j}]", Floor(loss));
            }
        }
    }

    private static double Numeric(NetworkSpec spec, LossFunction loss, List<double[]> weights, List<double[]>? biases, int layer, int index, bool isBias)
    {
        const double h = 1e-5;
        double Objective(double delta)
        {
            var w = weights.Select(a => (double[])a.Clone()).ToList();
            var b = biases?.Select(a => (double[])a.Clone()).ToList();
            if (isBias) b![layer][index] += delta; else w[layer][index] += delta;
            var net = ParityNetwork.FromWeights(spec, w, b);
            int n = 1 << spec.Bits;
            var numbers = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
            var p = new double[n];
            net.Predict(numbers, p);
            double sum = 0;
            foreach (long x in numbers)
            {
                double y = TaskLabels.Label(spec.Task, x);
                sum += loss switch
                {
                    LossFunction.MeanSquaredError => 0.5 * (y - p[x]) * (y - p[x]),
                    LossFunction.CrossEntropy => -(y * Math.Log(p[x]) + (1 - y) * Math.Log(1 - p[x])),
                    // the hinge on the logit, recovered from p (these small networks keep p well inside (0, 1))
                    _ => Math.Max(0, 1 - (2 * y - 1) * Math.Log(p[x] / (1 - p[x]))),
                };
            }
            return sum / n;
        }
        return (Objective(h) - Objective(-h)) / (2 * h);
    }

    // The hinge's objective reads the logit back from p as log(p / (1 − p)), which adds a rounding error of about
    // ε/(p(1 − p)) ≈ 1e-15 per row to the objective, 1e-10 to its finite difference: its magnitudes are floored at 1e-4.
    private static double Floor(LossFunction loss) => loss == LossFunction.Hinge ? 1e-4 : 1e-5;

    private static void AssertClose(double expected, double actual, string what, double floor = 1e-5)
    {
        double scale = Math.Max(Math.Abs(expected) + Math.Abs(actual), floor);
        double relative = Math.Abs(expected - actual) / scale;
        Assert.True(relative <= 1e-6, $"{what}: finite difference {expected:R}, analytic {actual:R}, relative error {relative:E2}");
    }

    [Fact]
    public void CrossEntropy_IsStableAtExtremeLogits()
    {
        Assert.Equal(0.0, Losses.Value(LossFunction.CrossEntropy, 1000, 1.0, 1), 12);
        Assert.Equal(1000.0, Losses.Value(LossFunction.CrossEntropy, -1000, 0.0, 1), 9);
        Assert.Equal(1000.0, Losses.Value(LossFunction.CrossEntropy, 1000, 1.0, 0), 9);
        Assert.Equal(Math.Log(2), Losses.Value(LossFunction.CrossEntropy, 0, 0.5, 1), 15);
        Assert.Equal(-Math.Log(Activations.Sigmoid(2.5)), Losses.Value(LossFunction.CrossEntropy, 2.5, Activations.Sigmoid(2.5), 1), 14);
    }

    [Theory]
    [InlineData(Activation.Tanh, 0.3)]
    [InlineData(Activation.ReLU, 0.3)]
    [InlineData(Activation.ReLU, -0.3)]
    [InlineData(Activation.Sigmoid, -1.2)]
    public void Derivatives_FromTheOutput_MatchFiniteDifferences(Activation activation, double x)
    {
        double h = 1e-6;
        double numeric = (Activations.Apply(activation, x + h) - Activations.Apply(activation, x - h)) / (2 * h);
        Assert.Equal(numeric, Activations.DerivativeFromOutput(activation, Activations.Apply(activation, x)), 8);
    }
}
