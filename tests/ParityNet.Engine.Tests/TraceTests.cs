namespace ParityNet.Tests;

/// <summary>Trace-ParityNetwork's source: the reference trainer's per-number trace, held to the engine's
/// full-batch gradient and to an independent recomputation written here.</summary>
public class TraceTests
{
    [Theory]
    [InlineData(LossFunction.MeanSquaredError, false, Activation.Sigmoid, new[] { 4 })]   // the lesson's network
    [InlineData(LossFunction.CrossEntropy, true, Activation.Sigmoid, new[] { 6 })]
    [InlineData(LossFunction.MeanSquaredError, true, Activation.Tanh, new[] { 5, 3 })]
    public void ContributionsOverEveryNumber_DividedByN_AreMinusTheFullBatchGradient(LossFunction loss, bool bias, Activation activation, int[] hidden)
    {
        var net = Trainer.Train(ParityNetwork.Create(new NetworkSpec { Bits = 6, HiddenSizes = hidden, HasBias = bias, Activation = activation, Seed = 5 }),
            new TrainingOptions { Epochs = 30, Loss = loss });
        int n = 1 << net.Bits;
        var w = net.Weights.Select(m => m.AsSpan().ToArray()).ToArray();
        var b = net.Biases.Select(v => (double[])v.Clone()).ToArray();
        var gw = w.Select(x => new double[x.Length]).ToArray();
        var gb = b.Select(x => new double[x.Length]).ToArray();
        new GradientPass(net, loss, n).Run(null, 0, n, w, b, gw, gb); // the engine's one full-batch step

        var sums = w.Select(x => new double[x.Length]).ToArray();
        var biasSums = b.Select(x => new double[x.Length]).ToArray();
        for (long number = 0; number < n; number++)
        {
            var trace = ReferenceTrainer.Trace(net, number, loss);
            foreach (var synapse in trace.Synapses)
            {
                int units = synapse.Contribution[0].Length;
                for (int i = 0; i < synapse.Contribution.Length; i++)
                    for (int j = 0; j < units; j++) sums[synapse.Index][i * units + j] += synapse.Contribution[i][j];
                for (int j = 0; j < synapse.BiasContribution.Length; j++) biasSums[synapse.Index][j] += synapse.BiasContribution[j];
            }
        }
        double largest = 0;
        for (int l = 0; l < w.Length; l++)
        {
            for (int i = 0; i < w[l].Length; i++)
            {
                Assert.True(Math.Abs(-sums[l][i] / n - gw[l][i]) <= 1e-12, $"syn{l}[{i}]: traced {-sums[l][i] / n:R}, engine {gw[l][i]:R}");
                largest = Math.Max(largest, Math.Abs(gw[l][i]));
            }
            for (int j = 0; j < b[l].Length; j++) Assert.True(Math.Abs(-biasSums[l][j] / n - gb[l][j]) <= 1e-12, $"bias {l}[{j}]");
        }
        Assert.True(largest > 1e-6, "a zero gradient would compare trivially");
    }

    [Fact]
    public void TheLessonsVariables_AgreeWithAnIndependentRecomputation()
    {
        // The lesson's 8-4-1 network without bias, mean squared error: recomputed here with its formulas.
        var net = Trainer.Train(ParityNetwork.Create(new NetworkSpec { HasBias = false }), new TrainingOptions { Epochs = 200 });
        var t = ReferenceTrainer.Trace(net, 6, LossFunction.MeanSquaredError, alpha: 0.5);
        double[] l0 = { 0, 0, 0, 0, 0, 1, 1, 0 };
        Assert.Equal(l0, t.Input);
        var l1 = new double[4];
        for (int j = 0; j < 4; j++)
        {
            double z = 0;
            for (int i = 0; i < 8; i++) z += l0[i] * net.Weights[0][i, j];
            Assert.Equal(z, t.Layers[0].PreActivations[j], 12);
            l1[j] = 1 / (1 + Math.Exp(-z));
        }
        Assert.Equal(l1, t.Layers[0].Outputs, (a, b) => Math.Abs(a - b) < 1e-12);
        double l2 = 1 / (1 + Math.Exp(-Enumerable.Range(0, 4).Sum(j => l1[j] * net.Weights[1][j, 0])));
        Assert.Equal(l2, t.Prediction, 12);
        Assert.Equal(1, t.Expected);                                  // 6 is even
        double l2Error = 1 - l2, l2Delta = l2Error * l2 * (1 - l2);     // the lesson's l2_error and l2_delta
        Assert.Equal(l2Error, t.Error, 12);
        Assert.Equal(l2Delta, t.OutputDelta, 12);
        for (int j = 0; j < 4; j++)
        {
            double l1Error = l2Delta * net.Weights[1][j, 0];           // l2_delta.dot(syn1.T)
            Assert.Equal(l1Error, t.Layers[0].Error[j], 12);
            Assert.Equal(l1Error * l1[j] * (1 - l1[j]), t.Layers[0].Delta[j], 12);
            Assert.Equal(l1[j] * l2Delta, t.Synapses[1].Contribution[j][0], 12); // l1.T.dot(l2_delta)
            Assert.Equal(0.5 * l1[j] * l2Delta / 256, t.Synapses[1].Step[j][0], 12);
        }
        Assert.Equal(0.0, t.Synapses[0].Contribution[0][0]);          // a zero bit contributes nothing
        Assert.Contains("l1_delta", t.Render());
        Assert.Contains("mean squared error", t.DeltaRule);
    }

    [Fact]
    public void CrossEntropy_IsLabelled_AndItsDeltaIsTheError()
    {
        var net = ParityNetwork.Create(new NetworkSpec { Bits = 4 });
        var t = ReferenceTrainer.Trace(net, 5, LossFunction.CrossEntropy);
        Assert.Equal(t.Error, t.OutputDelta, 15);
        Assert.Contains("cross-entropy", t.DeltaRule);
        Assert.Contains("cross-entropy", t.Render());
    }
}
